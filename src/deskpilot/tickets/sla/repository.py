"""Queries of the SLA domain: calendars, policies, and the tickets whose clock needs a look."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.repository import WorkspaceRepository
from deskpilot.models import BusinessCalendar, SLAPolicy, Ticket, TicketStatus

RUNNING_STATUSES = (TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.ON_HOLD)


class CalendarRepository(WorkspaceRepository[BusinessCalendar]):
    model = BusinessCalendar
    label = "calendar"

    async def ordered(self) -> Sequence[BusinessCalendar]:
        return await self.all(self.select().order_by(BusinessCalendar.name))

    async def named(self, name: str) -> BusinessCalendar | None:
        query = self.select().where(BusinessCalendar.name == name)
        return (await self.session.scalars(query)).first()


class PolicyRepository(WorkspaceRepository[SLAPolicy]):
    model = SLAPolicy
    label = "SLA policy"

    async def ordered(self, *, active_only: bool = False) -> Sequence[SLAPolicy]:
        query = self.select().order_by(SLAPolicy.position, SLAPolicy.created_at, SLAPolicy.id)
        if active_only:
            query = query.where(SLAPolicy.is_active.is_(True))
        return await self.all(query)

    async def named(self, name: str) -> SLAPolicy | None:
        query = self.select().where(SLAPolicy.name == name)
        return (await self.session.scalars(query)).first()


def _unmet_due_before(limit: datetime, *, unbreached: bool) -> ColumnElement[bool]:
    first = [Ticket.first_response_at.is_(None), Ticket.first_response_due_at <= limit]
    resolution = [Ticket.resolution_due_at <= limit]
    if unbreached:
        first.append(Ticket.first_response_breached_at.is_(None))
        resolution.append(Ticket.resolution_breached_at.is_(None))
    return or_(and_(*first), and_(*resolution))


async def at_risk(
    session: AsyncSession, workspace_id: str, limit: datetime, size: int
) -> Sequence[Ticket]:
    """Running tickets of the workspace with an unmet target due at or before ``limit``."""
    query = (
        select(Ticket)
        .where(
            Ticket.workspace_id == workspace_id,
            Ticket.status.in_(RUNNING_STATUSES),
            Ticket.sla_paused_at.is_(None),
            _unmet_due_before(limit, unbreached=False),
        )
        .order_by(Ticket.created_at)
        .limit(size)
    )
    return (await session.scalars(query)).all()


async def needing_check(session: AsyncSession, limit: datetime, size: int) -> Sequence[Ticket]:
    """Running tickets of every workspace with an unmet, unbreached target due by ``limit``
    (the job's look-ahead: now plus the longest warning of any policy)."""
    query = (
        select(Ticket)
        .where(
            Ticket.status.in_(RUNNING_STATUSES),
            Ticket.sla_paused_at.is_(None),
            _unmet_due_before(limit, unbreached=True),
        )
        .order_by(Ticket.created_at)
        .limit(size)
        .with_for_update(skip_locked=True)
    )
    return (await session.scalars(query)).all()


async def longest_warning(session: AsyncSession) -> int:
    value = await session.scalar(
        select(func.max(SLAPolicy.warn_before_minutes)).where(SLAPolicy.is_active.is_(True))
    )
    return int(value or 0)


async def warnings_of(session: AsyncSession, policy_ids: set[str]) -> dict[str, int]:
    if not policy_ids:
        return {}
    rows = await session.execute(
        select(SLAPolicy.id, SLAPolicy.warn_before_minutes).where(SLAPolicy.id.in_(policy_ids))
    )
    return {policy_id: int(minutes) for policy_id, minutes in rows}
