"""The analytics queries (the only SQL of the package). Read-only, scoped to one workspace.

Periods are half-open ``[start, end)`` UTC instants that the service computes from the
workspace's time zone; days are grouped with a ``CASE`` over the day boundaries, so that the
same query works on SQLite and PostgreSQL and a day is a local day (DST included)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, exists, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.models import (
    AIRun,
    Channel,
    Conversation,
    Decision,
    Direction,
    HandledBy,
    Message,
    SenderType,
    Ticket,
    TicketStatus,
)

RESOLVING = (Decision.ANSWER, Decision.ACTION)
UNRESOLVED = (
    TicketStatus.NEW,
    TicketStatus.OPEN,
    TicketStatus.PENDING_CUSTOMER,
    TicketStatus.ON_HOLD,
)


@dataclass(frozen=True, slots=True)
class ChannelRow:
    channel_id: str
    name: str
    type: str
    conversations: int
    inbound: int
    outbound: int


@dataclass(frozen=True, slots=True)
class SentimentRow:
    bucket: int
    average: float | None
    negative: int
    neutral: int
    positive: int


def _customer_messages(
    workspace_id: str, start: datetime, end: datetime
) -> list[ColumnElement[bool]]:
    return [
        Message.workspace_id == workspace_id,
        Message.direction == Direction.INBOUND,
        Message.sender_type == SenderType.CUSTOMER,
        Message.is_private.is_(False),
        Message.created_at >= start,
        Message.created_at < end,
    ]


async def volume_by_channel(
    session: AsyncSession, workspace_id: str, start: datetime, end: datetime
) -> list[ChannelRow]:
    """Every channel of the workspace with its conversations opened and its messages (inbound
    from customers, outbound replies; private notes left out) in the period."""
    opened = (
        select(Conversation.channel_id, func.count().label("n"))
        .where(
            Conversation.workspace_id == workspace_id,
            Conversation.created_at >= start,
            Conversation.created_at < end,
        )
        .group_by(Conversation.channel_id)
        .subquery()
    )
    inbound = func.sum(case((Message.direction == Direction.INBOUND, 1), else_=0))
    outbound = func.sum(case((Message.direction == Direction.OUTBOUND, 1), else_=0))
    messages = (
        select(
            Message.channel_id,
            inbound.label("inbound"),
            outbound.label("outbound"),
        )
        .where(
            Message.workspace_id == workspace_id,
            Message.is_private.is_(False),
            Message.created_at >= start,
            Message.created_at < end,
        )
        .group_by(Message.channel_id)
        .subquery()
    )
    query = (
        select(
            Channel.id,
            Channel.name,
            Channel.type,
            func.coalesce(opened.c.n, 0),
            func.coalesce(messages.c.inbound, 0),
            func.coalesce(messages.c.outbound, 0),
        )
        .outerjoin(opened, opened.c.channel_id == Channel.id)
        .outerjoin(messages, messages.c.channel_id == Channel.id)
        .where(Channel.workspace_id == workspace_id)
        .order_by(Channel.name, Channel.id)
    )
    rows = await session.execute(query)
    return [
        ChannelRow(str(i), str(name), str(kind), int(c), int(n_in), int(n_out))
        for i, name, kind, c, n_in, n_out in rows.all()
    ]


async def message_automation(
    session: AsyncSession, workspace_id: str, start: datetime, end: datetime
) -> tuple[int, int]:
    """(customer messages, those the bot answered or acted on) in the period."""
    resolved = exists().where(
        AIRun.workspace_id == workspace_id,
        AIRun.message_id == Message.id,
        AIRun.kind == "message",
        AIRun.decision.in_(RESOLVING),
    )
    query = select(
        func.count(Message.id), func.coalesce(func.sum(case((resolved, 1), else_=0)), 0)
    ).where(*_customer_messages(workspace_id, start, end))
    total, by_bot = (await session.execute(query)).one()
    return int(total), int(by_bot)


async def conversation_automation(
    session: AsyncSession, workspace_id: str, start: datetime, end: datetime
) -> tuple[int, int]:
    """(conversations with a customer message in the period, those the bot resolved: still
    handled by the bot, at least one answer or action, and never a hand-off)."""
    active = (
        select(Message.conversation_id)
        .where(*_customer_messages(workspace_id, start, end))
        .distinct()
        .subquery()
    )
    runs = select(AIRun.id).where(
        AIRun.workspace_id == workspace_id,
        AIRun.conversation_id == Conversation.id,
        AIRun.kind == "message",
    )
    by_bot = and_(
        Conversation.handled_by == HandledBy.BOT,
        runs.where(AIRun.decision.in_(RESOLVING)).exists(),
        ~runs.where(AIRun.decision == Decision.HANDOFF).exists(),
    )
    query = (
        select(func.count(Conversation.id), func.coalesce(func.sum(case((by_bot, 1), else_=0)), 0))
        .join(active, active.c.conversation_id == Conversation.id)
        .where(Conversation.workspace_id == workspace_id)
    )
    total, resolved = (await session.execute(query)).one()
    return int(total), int(resolved)


async def open_tickets(session: AsyncSession, workspace_id: str) -> list[tuple[str, str, int]]:
    """(status, priority, count) of the unresolved tickets."""
    query = (
        select(Ticket.status, Ticket.priority, func.count())
        .where(Ticket.workspace_id == workspace_id, Ticket.status.in_(UNRESOLVED))
        .group_by(Ticket.status, Ticket.priority)
    )
    rows = await session.execute(query)
    return [(str(s.value), str(p.value), int(n)) for s, p, n in rows.all()]


async def breached_tickets(session: AsyncSession, workspace_id: str, now: datetime) -> int:
    """Unresolved tickets that missed a target: marked breached by the SLA job, or overdue
    (running, unpaused, an unmet target in the past) before the job has looked."""
    overdue = and_(
        Ticket.sla_paused_at.is_(None),
        or_(
            and_(Ticket.first_response_at.is_(None), Ticket.first_response_due_at < now),
            Ticket.resolution_due_at < now,
        ),
    )
    query = select(func.count(Ticket.id)).where(
        Ticket.workspace_id == workspace_id,
        Ticket.status.in_(UNRESOLVED),
        or_(
            Ticket.first_response_breached_at.is_not(None),
            Ticket.resolution_breached_at.is_not(None),
            overdue,
        ),
    )
    return int(await session.scalar(query) or 0)


async def sentiment_by_day(
    session: AsyncSession, workspace_id: str, boundaries: Sequence[datetime]
) -> list[SentimentRow]:
    """Per day (``boundaries[i] <= created_at < boundaries[i + 1]``) the mean sentiment score of
    the annotated customer messages and the count of each label. Days with none are absent."""
    if len(boundaries) < 2:
        return []
    inner = boundaries[1:-1]
    bucket: ColumnElement[int] = (
        case(*((Message.created_at < b, i) for i, b in enumerate(inner)), else_=len(inner))
        if inner
        else literal(0)
    )
    # computed in a subquery, grouped outside: on PostgreSQL the JSON paths and day boundaries
    # are bound parameters, and a GROUP BY repeating them would not match the SELECT
    annotated = (
        select(
            bucket.label("bucket"),
            Message.annotations[("sentiment", "score")].as_float().label("score"),
            Message.annotations[("sentiment", "label")].as_string().label("label"),
        )
        .where(*_customer_messages(workspace_id, boundaries[0], boundaries[-1]))
        .subquery()
    )
    query = (
        select(
            annotated.c.bucket,
            func.avg(annotated.c.score),
            func.sum(case((annotated.c.label == "negative", 1), else_=0)),
            func.sum(case((annotated.c.label == "neutral", 1), else_=0)),
            func.sum(case((annotated.c.label == "positive", 1), else_=0)),
        )
        .where(annotated.c.score.is_not(None))
        .group_by(annotated.c.bucket)
        .order_by(annotated.c.bucket)
    )
    rows = await session.execute(query)
    return [
        SentimentRow(int(b), None if avg is None else float(avg), int(neg), int(neu), int(pos))
        for b, avg, neg, neu, pos in rows.all()
    ]


async def top_intents(
    session: AsyncSession, workspace_id: str, start: datetime, end: datetime, size: int
) -> list[tuple[str, int]]:
    """The most frequent intents of customer messages in the period (unclear ones left out)."""
    annotated = (
        select(Message.annotations["intent"].as_string().label("intent"))
        .where(*_customer_messages(workspace_id, start, end))
        .subquery()
    )
    count = func.count().label("n")
    query = (
        select(annotated.c.intent, count)
        .where(annotated.c.intent.is_not(None))
        .group_by(annotated.c.intent)
        .order_by(count.desc(), annotated.c.intent)
        .limit(size)
    )
    rows = await session.execute(query)
    return [(str(name), int(n)) for name, n in rows.all()]
