from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update

from deskpilot.kit.repository import WorkspaceRepository
from deskpilot.models import (
    Ticket,
    TicketChange,
    TicketConversation,
    TicketStatus,
    Workspace,
)

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
