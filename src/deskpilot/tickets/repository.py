from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, update
from sqlalchemy.dialects.postgresql import JSONB

from deskpilot.kit.repository import WorkspaceRepository, newest_first
from deskpilot.models import (
    Ticket,
    TicketChange,
    TicketConversation,
    TicketStatus,
    Workspace,
)
from deskpilot.tickets.schemas import TicketFilter, parse_reference

OPEN_STATUSES = (
    TicketStatus.NEW,
    TicketStatus.OPEN,
    TicketStatus.PENDING_CUSTOMER,
    TicketStatus.ON_HOLD,
)


class TicketRepository(WorkspaceRepository[Ticket]):
    model = Ticket
    label = "ticket"

    async def next_number(self) -> int:
        """The workspace's next ticket number: an atomic increment (a row lock on PostgreSQL,
        the write lock on SQLite), so concurrent tickets never share one."""
        number = await self.session.scalar(
            update(Workspace)
            .where(Workspace.id == self.workspace_id)
            .values(last_ticket_number=Workspace.last_ticket_number + 1)
            .returning(Workspace.last_ticket_number)
        )
        if number is None:
            raise LookupError(f"no workspace {self.workspace_id}")
        return int(number)

    async def by_number(self, number: int) -> Ticket | None:
        return (await self.session.scalars(self.select().where(Ticket.number == number))).first()

    async def open_for_conversation(self, conversation_id: str) -> Ticket | None:
        """The newest unsolved ticket linked to a conversation."""
        query = (
            self.select()
            .join(TicketConversation, TicketConversation.ticket_id == Ticket.id)
            .where(
                TicketConversation.conversation_id == conversation_id,
                Ticket.status.in_(OPEN_STATUSES),
            )
            .order_by(Ticket.created_at.desc())
            .limit(1)
        )
        return (await self.session.scalars(query)).first()

    async def newest_for_conversation(self, conversation_id: str) -> Ticket | None:
        """The newest ticket linked to a conversation, whatever its status."""
        query = (
            self.select()
            .join(TicketConversation, TicketConversation.ticket_id == Ticket.id)
            .where(TicketConversation.conversation_id == conversation_id)
            .order_by(Ticket.created_at.desc(), Ticket.id.desc())
            .limit(1)
        )
        return (await self.session.scalars(query)).first()

    async def page(
        self, where: TicketFilter, after: tuple[datetime, str] | None, limit: int
    ) -> Sequence[Ticket]:
        """Newest first by creation, then id (stable under edits and inserts); ``after`` is the
        (created_at, id) of the previous page's last ticket."""
        query = self.select()
        if where.statuses:
            query = query.where(Ticket.status.in_(where.statuses))
        for column, value in (
            (Ticket.assignee_id, where.assignee_id),
            (Ticket.team_id, where.team_id),
            (Ticket.customer_id, where.customer_id),
            (Ticket.priority, where.priority),
            (Ticket.type, where.type),
            (Ticket.category, where.category),
            (Ticket.source, where.source),
        ):
            if value is not None:
                query = query.where(column == value)
        if where.unassigned:
            query = query.where(Ticket.assignee_id.is_(None))
        if where.conversation_id is not None:
            query = query.where(self._linked_to(where.conversation_id))
        if where.label is not None:
            query = query.where(self._label_condition(where.label))
        if where.q:
            query = query.where(self._search_condition(where.q))
        query = newest_first(query, Ticket.created_at, Ticket.id, after)
        return await self.all(query.limit(limit))

    def _linked_to(self, conversation_id: str) -> ColumnElement[bool]:
        return exists(
            select(1).where(
                TicketConversation.workspace_id == self.workspace_id,
                TicketConversation.ticket_id == Ticket.id,
                TicketConversation.conversation_id == conversation_id,
            )
        )

    def _label_condition(self, label: str) -> ColumnElement[bool]:
        if self.session.get_bind().dialect.name == "postgresql":
            found: ColumnElement[bool] = Ticket.labels.cast(JSONB).contains([label])
        else:
            each = func.json_each(Ticket.labels).table_valued("value")
            found = exists(select(1).select_from(each).where(each.c.value == label))
        return and_(Ticket.labels.is_not(None), found)

    @staticmethod
    def _search_condition(q: str) -> ColumnElement[bool]:
        """The words in the subject (any case), or the ticket a reference names."""
        text = q.strip()
        found: ColumnElement[bool] = func.lower(Ticket.subject).contains(
            text.lower(), autoescape=True
        )
        number = parse_reference(text)
        if number is None and text.isdigit() and len(text) <= 12:
            number = int(text)
        if number is not None:
            found = or_(found, Ticket.number == number)
        return found


class TicketConversationRepository(WorkspaceRepository[TicketConversation]):
    model = TicketConversation
    label = "ticket conversation"

    async def conversation_ids(self, ticket_ids: Sequence[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {ticket_id: [] for ticket_id in ticket_ids}
        if not ticket_ids:
            return found
        query = (
            select(TicketConversation.ticket_id, TicketConversation.conversation_id)
            .where(
                TicketConversation.workspace_id == self.workspace_id,
                TicketConversation.ticket_id.in_(ticket_ids),
            )
            .order_by(TicketConversation.created_at, TicketConversation.id)
        )
        for ticket_id, conversation_id in (await self.session.execute(query)).all():
            found[ticket_id].append(conversation_id)
        return found

    async def linked(self, ticket_id: str, conversation_id: str) -> bool:
        query = self.select().where(
            TicketConversation.ticket_id == ticket_id,
            TicketConversation.conversation_id == conversation_id,
        )
        return (await self.session.scalars(query)).first() is not None


class TicketChangeRepository(WorkspaceRepository[TicketChange]):
    model = TicketChange
    label = "ticket change"

    async def of_ticket(
        self, ticket_id: str, *, public_only: bool = False
    ) -> Sequence[TicketChange]:
        query = self.select().where(TicketChange.ticket_id == ticket_id)
        if public_only:
            query = query.where(TicketChange.is_public.is_(True))
        return await self.all(query.order_by(TicketChange.created_at, TicketChange.id))
