from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, exists, func, or_, select

from deskpilot.conversations.schemas import ConversationFilter
from deskpilot.kit.repository import WorkspaceRepository
from deskpilot.models import (
    Conversation,
    ConversationLabel,
    ConversationStatus,
    Customer,
    Direction,
    Message,
    SenderType,
)


class ConversationRepository(WorkspaceRepository[Conversation]):
    model = Conversation
    label = "conversation"

    async def page(
        self, where: ConversationFilter, after: tuple[datetime, str] | None, limit: int
    ) -> Sequence[Conversation]:
        """Newest activity first; ``after`` is the (last_activity_at, id) of the previous page."""
        query = self.select()
        for column, value in (
            (Conversation.status, where.status),
            (Conversation.channel_id, where.channel_id),
            (Conversation.customer_id, where.customer_id),
            (Conversation.assignee_id, where.assignee_id),
            (Conversation.handled_by, where.handled_by),
            (Conversation.language, where.language),
        ):
            if value is not None:
                query = query.where(column == value)
        if where.unassigned:
            query = query.where(Conversation.assignee_id.is_(None))
        if where.team_ids is not None:
            query = query.where(Conversation.team_id.in_(where.team_ids))
        if where.ids is not None:
            query = query.where(Conversation.id.in_(where.ids))
        if where.intent is not None or where.sentiment is not None:
            query = query.where(self._newest_customer_message(where.intent, where.sentiment))
        if where.search:
            query = query.where(self._matching(where.search))
        if where.label is not None:
            query = query.where(
                exists().where(
                    ConversationLabel.conversation_id == Conversation.id,
                    ConversationLabel.label == where.label,
                )
            )
        if after is not None:
            stamp, last_id = after
            query = query.where(
                or_(
                    Conversation.last_activity_at < stamp,
                    and_(Conversation.last_activity_at == stamp, Conversation.id < last_id),
                )
            )
        query = query.order_by(Conversation.last_activity_at.desc(), Conversation.id.desc())
        return await self.all(query.limit(limit))

    def _newest_customer_message(
        self, intent: str | None, sentiment: str | None
    ) -> ColumnElement[bool]:
        """The newest customer message of the conversation has this intent / sentiment."""
        newest = (
            select(Message.id)
            .where(
                Message.conversation_id == Conversation.id,
                Message.sender_type == SenderType.CUSTOMER,
            )
            .order_by(Message.created_at.desc(), Message.id.desc())
            .limit(1)
            .correlate(Conversation)
            .scalar_subquery()
        )
        conditions: list[ColumnElement[bool]] = [Message.id == newest]
        if intent is not None:
            conditions.append(Message.annotations["intent"].as_string() == intent)
        if sentiment is not None:
            conditions.append(Message.annotations[("sentiment", "label")].as_string() == sentiment)
        return exists().where(*conditions)

    def _matching(self, search: str) -> ColumnElement[bool]:
        """The customer's name or email, or the text of a message, contains ``search``."""
        pattern = f"%{search.strip().replace('%', '').replace('_', '')}%"
        customer = exists().where(
            Customer.id == Conversation.customer_id,
            or_(Customer.name.ilike(pattern), Customer.email.ilike(pattern)),
        )
        message = exists().where(
            Message.conversation_id == Conversation.id,
            Message.workspace_id == self.workspace_id,
            Message.text.ilike(pattern),
        )
        return or_(customer, message)

    async def latest_for_thread(self, channel_id: str, thread_key: str) -> Conversation | None:
        query = (
            self.select()
            .where(Conversation.channel_id == channel_id, Conversation.thread_key == thread_key)
            .order_by(Conversation.created_at.desc(), Conversation.id.desc())
            .limit(1)
        )
        return (await self.session.scalars(query)).first()

    async def latest_open_for_customer(
        self, channel_id: str, customer_id: str
    ) -> Conversation | None:
        query = (
            self.select()
            .where(
                Conversation.channel_id == channel_id,
                Conversation.customer_id == customer_id,
                Conversation.status != ConversationStatus.RESOLVED,
            )
            .order_by(Conversation.last_activity_at.desc(), Conversation.id.desc())
            .limit(1)
        )
        return (await self.session.scalars(query)).first()


class LabelRepository(WorkspaceRepository[ConversationLabel]):
    model = ConversationLabel
    label = "label"

    async def of(self, conversation_ids: Sequence[str]) -> dict[str, list[str]]:
        labels: dict[str, list[str]] = {cid: [] for cid in conversation_ids}
        if not conversation_ids:
            return labels
        query = (
            self.select()
            .where(ConversationLabel.conversation_id.in_(conversation_ids))
            .order_by(ConversationLabel.label)
        )
        for row in await self.all(query):
            labels[row.conversation_id].append(row.label)
        return labels

    async def replace(self, conversation_id: str, labels: list[str]) -> None:
        await self.session.execute(
            delete(ConversationLabel).where(
                ConversationLabel.workspace_id == self.workspace_id,
                ConversationLabel.conversation_id == conversation_id,
            )
        )
        for label in labels:
            self.add(
                ConversationLabel(
                    workspace_id=self.workspace_id, conversation_id=conversation_id, label=label
                )
            )


class MessageRepository(WorkspaceRepository[Message]):
    model = Message
    label = "message"

    async def by_external_id(
        self, channel_id: str, external_id: str, direction: Direction | None = None
    ) -> Message | None:
        query = self.select().where(
            Message.channel_id == channel_id, Message.external_id == external_id
        )
        if direction is not None:
            query = query.where(Message.direction == direction)
        return (await self.session.scalars(query.limit(1))).first()

    async def page(
        self, conversation_id: str, after: tuple[datetime, str] | None, limit: int
    ) -> Sequence[Message]:
        """Oldest first, as a conversation reads; ``after`` continues from the previous page."""
        query = self.select().where(Message.conversation_id == conversation_id)
        if after is not None:
            stamp, last_id = after
            query = query.where(
                or_(
                    Message.created_at > stamp,
                    and_(Message.created_at == stamp, Message.id > last_id),
                )
            )
        return await self.all(query.order_by(Message.created_at, Message.id).limit(limit))

    async def customer_texts_before(
        self, conversation_id: str, stamp: datetime, message_id: str, limit: int
    ) -> list[str]:
        query = (
            select(Message.text)
            .where(
                Message.workspace_id == self.workspace_id,
                Message.conversation_id == conversation_id,
                Message.sender_type == SenderType.CUSTOMER,
                or_(
                    Message.created_at < stamp,
                    and_(Message.created_at == stamp, Message.id < message_id),
                ),
            )
            .order_by(Message.created_at.desc(), Message.id.desc())
            .limit(limit)
        )
        return list(reversed((await self.session.scalars(query)).all()))

    async def last_inbound_external_id(self, conversation_id: str) -> str | None:
        query = (
            select(Message.external_id)
            .where(
                Message.workspace_id == self.workspace_id,
                Message.conversation_id == conversation_id,
                Message.direction == Direction.INBOUND,
                Message.external_id.is_not(None),
            )
            .order_by(Message.created_at.desc(), Message.id.desc())
            .limit(1)
        )
        return (await self.session.scalars(query)).first()

    async def newest_per_conversation(
        self, conversation_ids: Sequence[str], *, customer_only: bool = False
    ) -> dict[str, Message]:
        """The newest message of each conversation (or its newest customer message)."""
        if not conversation_ids:
            return {}
        rank = (
            func.row_number()
            .over(
                partition_by=Message.conversation_id,
                order_by=(Message.created_at.desc(), Message.id.desc()),
            )
            .label("rank")
        )
        inner = select(Message.id, rank).where(
            Message.workspace_id == self.workspace_id,
            Message.conversation_id.in_(conversation_ids),
        )
        if customer_only:
            inner = inner.where(Message.sender_type == SenderType.CUSTOMER)
        ranked = inner.subquery()
        query = self.select().join(ranked, ranked.c.id == Message.id).where(ranked.c.rank == 1)
        return {m.conversation_id: m for m in await self.all(query)}

    async def last_inbound_at(self, channel_ids: Sequence[str]) -> dict[str, datetime]:
        query = (
            select(Message.channel_id, func.max(Message.created_at))
            .where(
                Message.workspace_id == self.workspace_id,
                Message.channel_id.in_(channel_ids),
                Message.direction == Direction.INBOUND,
            )
            .group_by(Message.channel_id)
        )
        return {channel_id: at for channel_id, at in (await self.session.execute(query)).all()}

    async def last_delivery(self, channel_ids: Sequence[str]) -> dict[str, Message]:
        """Each channel's newest outbound message with a delivery status."""
        newest = (
            select(Message.channel_id, func.max(Message.created_at).label("at"))
            .where(
                Message.workspace_id == self.workspace_id,
                Message.channel_id.in_(channel_ids),
                Message.direction == Direction.OUTBOUND,
                Message.delivery_status.is_not(None),
            )
            .group_by(Message.channel_id)
            .subquery()
        )
        query = self.select().join(
            newest,
            (Message.channel_id == newest.c.channel_id) & (Message.created_at == newest.c.at),
        )
        return {m.channel_id: m for m in await self.all(query)}
