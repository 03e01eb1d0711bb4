"""Business calendars and SLA policies: the records admins keep (the clock is in service.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.clock import utcnow
from deskpilot.kit.errors import Conflict, InvalidInput, NotFound
from deskpilot.models import BusinessCalendar, SLAPolicy
from deskpilot.segments import service as segments
from deskpilot.tickets.sla.calendar import validate_calendar
from deskpilot.tickets.sla.repository import CalendarRepository, PolicyRepository
from deskpilot.tickets.sla.schemas import (
    CalendarCreate,
    CalendarUpdate,
    PolicyCreate,
    PolicyUpdate,
)


async def list_calendars(session: AsyncSession, workspace_id: str) -> Sequence[BusinessCalendar]:
    return await CalendarRepository(session, workspace_id).ordered()


async def get_calendar(
    session: AsyncSession, workspace_id: str, calendar_id: str
) -> BusinessCalendar:
    return await CalendarRepository(session, workspace_id).get_or_404(calendar_id)


async def create_calendar(
    session: AsyncSession, workspace_id: str, data: CalendarCreate
) -> BusinessCalendar:
    """A calendar, validated strictly: a 422 names each bad field (``body.hours.mon.0``)."""
    validate_calendar(data.timezone, data.hours, data.holidays)
    repository = CalendarRepository(session, workspace_id)
    if await repository.named(data.name) is not None:
        raise Conflict(f"a calendar named {data.name!r} already exists")
    calendar = repository.add(
        BusinessCalendar(
            workspace_id=workspace_id,
            name=data.name,
            timezone=data.timezone,
            hours=data.hours,
            holidays=sorted(set(data.holidays)),
        )
    )
    await session.flush()
    return calendar


async def update_calendar(
    session: AsyncSession, workspace_id: str, calendar_id: str, data: CalendarUpdate
) -> BusinessCalendar:
    """Change a calendar. Due dates already set on tickets stay; new ones use the new hours."""
    repository = CalendarRepository(session, workspace_id)
    calendar = await repository.get_or_404(calendar_id)
    given = data.model_dump(exclude_unset=True)
    for field in ("name", "timezone", "hours", "holidays"):
        if field in given and given[field] is None:
            raise InvalidInput.field(f"body.{field}", "cannot be null")
    merged: dict[str, Any] = {
        "timezone": calendar.timezone,
        "hours": calendar.hours,
        "holidays": calendar.holidays,
    } | given
    validate_calendar(merged["timezone"], merged["hours"], merged["holidays"])
    if (
        "name" in given
        and given["name"] != calendar.name
        and await repository.named(given["name"]) is not None
    ):
        raise Conflict(f"a calendar named {given['name']!r} already exists")
    if "holidays" in given:
        given["holidays"] = sorted(set(given["holidays"]))
    for field, value in given.items():
        setattr(calendar, field, value)
    calendar.updated_at = utcnow()
    await session.flush()
    return calendar


async def delete_calendar(session: AsyncSession, workspace_id: str, calendar_id: str) -> None:
    """Delete it; policies that used it count around the clock from then on."""
    repository = CalendarRepository(session, workspace_id)
    await repository.delete(await repository.get_or_404(calendar_id))
    await session.flush()


async def list_policies(session: AsyncSession, workspace_id: str) -> Sequence[SLAPolicy]:
    return await PolicyRepository(session, workspace_id).ordered()


async def get_policy(session: AsyncSession, workspace_id: str, policy_id: str) -> SLAPolicy:
    return await PolicyRepository(session, workspace_id).get_or_404(policy_id)


async def create_policy(session: AsyncSession, workspace_id: str, data: PolicyCreate) -> SLAPolicy:
    """A policy; it applies to tickets created (or re-prioritised) from now on."""
    given = data.model_dump()
    await _check_references(session, workspace_id, given)
    repository = PolicyRepository(session, workspace_id)
    if await repository.named(data.name) is not None:
        raise Conflict(f"an SLA policy named {data.name!r} already exists")
    policy = repository.add(SLAPolicy(workspace_id=workspace_id, **given))
    await session.flush()
    return policy


async def update_policy(
    session: AsyncSession, workspace_id: str, policy_id: str, data: PolicyUpdate
) -> SLAPolicy:
    repository = PolicyRepository(session, workspace_id)
    policy = await repository.get_or_404(policy_id)
    given = data.model_dump(exclude_unset=True)
    for field in ("name", "position", "is_active", "warn_before_minutes"):
        if field in given and given[field] is None:
            raise InvalidInput.field(f"body.{field}", "cannot be null")
    await _check_references(session, workspace_id, given)
    if (
        "name" in given
        and given["name"] != policy.name
        and await repository.named(given["name"]) is not None
    ):
        raise Conflict(f"an SLA policy named {given['name']!r} already exists")
    for field, value in given.items():
        setattr(policy, field, value)
    policy.updated_at = utcnow()
    await session.flush()
    return policy


async def delete_policy(session: AsyncSession, workspace_id: str, policy_id: str) -> None:
    """Delete it; tickets keep the due dates it gave them."""
    repository = PolicyRepository(session, workspace_id)
    await repository.delete(await repository.get_or_404(policy_id))
    await session.flush()


async def _check_references(
    session: AsyncSession, workspace_id: str, given: dict[str, Any]
) -> None:
    calendar_id = given.get("calendar_id")
    if (
        calendar_id is not None
        and await CalendarRepository(session, workspace_id).get(calendar_id) is None
    ):
        raise InvalidInput.field("body.calendar_id", "is not a calendar of this workspace")
    if given.get("segment_id") is not None:
        try:
            await segments.get_segment(session, workspace_id, given["segment_id"])
        except NotFound:
            raise InvalidInput.field(
                "body.segment_id", "is not a segment of this workspace"
            ) from None
