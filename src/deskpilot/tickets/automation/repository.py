"""The SQL of automation: rules, their runs, macros, and the facts rules read about a ticket."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.repository import WorkspaceRepository, newest_first
from deskpilot.models import (
    AutomationRule,
    Channel,
    Direction,
    Macro,
    Message,
    RuleRun,
    SenderType,
    TeamMember,
    Ticket,
    TicketChange,
    TicketConversation,
    TicketStatus,
)


class RuleRepository(WorkspaceRepository[AutomationRule]):
    model = AutomationRule
    label = "automation rule"

    def _ordered(self) -> Any:
        return self.select().order_by(
            AutomationRule.position, AutomationRule.created_at, AutomationRule.id
        )

    async def ordered(self) -> Sequence[AutomationRule]:
        return await self.all(self._ordered())

    async def active_for(self, trigger: str) -> Sequence[AutomationRule]:
        """The active rules of ``trigger``, in the order they run."""
        query = self._ordered().where(
            AutomationRule.trigger == trigger, AutomationRule.is_active.is_(True)
        )
        return await self.all(query)

    async def by_name(self, name: str) -> AutomationRule | None:
        return (
            await self.session.scalars(self.select().where(AutomationRule.name == name))
        ).first()


class RuleRunRepository(WorkspaceRepository[RuleRun]):
    model = RuleRun
    label = "rule run"

    async def page(
        self, rule_id: str, after: tuple[datetime, str] | None, limit: int
    ) -> Sequence[RuleRun]:
        """Runs of a rule, newest first, after the cursor ``(created_at, id)``."""
        query = self.select().where(RuleRun.rule_id == rule_id)
        query = newest_first(query, RuleRun.created_at, RuleRun.id, after)
        return await self.all(query.limit(limit))

    async def seen(self, rule_id: str, dedupe_key: str) -> bool:
        query = self.select().where(RuleRun.rule_id == rule_id, RuleRun.dedupe_key == dedupe_key)
        return (await self.session.scalars(query.limit(1))).first() is not None


class MacroRepository(WorkspaceRepository[Macro]):
    model = Macro
    label = "macro"

    async def ordered(self) -> Sequence[Macro]:
        return await self.all(self.select().order_by(Macro.name, Macro.id))

    async def by_name(self, name: str) -> Macro | None:
        return (await self.session.scalars(self.select().where(Macro.name == name))).first()


class FactRepository:
    """Reads about one workspace's tickets that conditions and actions need."""

    def __init__(self, session: AsyncSession, workspace_id: str) -> None:
        self.session = session
        self.workspace_id = workspace_id

    async def channel_type(self, channel_id: str) -> str | None:
        query = select(Channel.type).where(
            Channel.workspace_id == self.workspace_id, Channel.id == channel_id
        )
        return (await self.session.scalars(query)).first()

    async def newest_annotations(self, ticket_id: str) -> dict[str, Any] | None:
        """What the AI understood of the newest customer message in the ticket's conversations."""
        query = (
            select(Message.annotations)
            .join(
                TicketConversation,
                TicketConversation.conversation_id == Message.conversation_id,
            )
            .where(
                TicketConversation.workspace_id == self.workspace_id,
                TicketConversation.ticket_id == ticket_id,
                Message.workspace_id == self.workspace_id,
                Message.direction == Direction.INBOUND,
                Message.sender_type == SenderType.CUSTOMER,
                Message.annotations.is_not(None),
            )
            .order_by(Message.created_at.desc(), Message.id.desc())
            .limit(1)
        )
        return (await self.session.scalars(query)).first()

    async def newest_conversation_id(self, ticket_id: str) -> str | None:
        query = (
            select(TicketConversation.conversation_id)
            .where(
                TicketConversation.workspace_id == self.workspace_id,
                TicketConversation.ticket_id == ticket_id,
            )
            .order_by(TicketConversation.created_at.desc(), TicketConversation.id.desc())
            .limit(1)
        )
        return (await self.session.scalars(query)).first()

    async def status_since(self, ticket_id: str) -> datetime | None:
        """When the ticket's status last changed (None: it never did since creation)."""
        query = (
            select(TicketChange.created_at, TicketChange.changes)
            .where(
                TicketChange.workspace_id == self.workspace_id,
                TicketChange.ticket_id == ticket_id,
                TicketChange.kind == "updated",
            )
            .order_by(TicketChange.created_at.desc(), TicketChange.id.desc())
        )
        for created_at, changes in (await self.session.execute(query)).all():
            if "status" in (changes or {}):
                stamp: datetime = created_at
                return stamp
        return None

    async def team_member_ids(self, team_id: str) -> list[str]:
        query = select(TeamMember.user_id).where(
            TeamMember.workspace_id == self.workspace_id, TeamMember.team_id == team_id
        )
        return list((await self.session.scalars(query)).all())

    async def recent_tickets(self, limit: int) -> Sequence[Ticket]:
        query = (
            select(Ticket)
            .where(Ticket.workspace_id == self.workspace_id)
            .order_by(Ticket.created_at.desc(), Ticket.id.desc())
            .limit(limit)
        )
        return (await self.session.scalars(query)).all()

    async def unclosed_tickets(self, limit: int) -> Sequence[Ticket]:
        """Tickets time rules look at: all but closed ones, least recently updated first."""
        query = (
            select(Ticket)
            .where(Ticket.workspace_id == self.workspace_id, Ticket.status != TicketStatus.CLOSED)
            .order_by(Ticket.updated_at, Ticket.id)
            .limit(limit)
        )
        return (await self.session.scalars(query)).all()


async def workspaces_with_time_rules(session: AsyncSession) -> list[str]:
    """The one query across workspaces: which of them have active time rules (the periodic job
    then works inside each workspace on its own)."""
    query = (
        select(AutomationRule.workspace_id)
        .where(AutomationRule.trigger == "time", AutomationRule.is_active.is_(True))
        .group_by(AutomationRule.workspace_id)
        .order_by(func.min(AutomationRule.created_at))
    )
    return list((await session.scalars(query)).all())
