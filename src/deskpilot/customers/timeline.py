"""One time-ordered view of a customer: conversations, messages, orders, events (tickets later).

Every source returns its own rows newest first from a ``(time, id)`` position; the page is the
``limit`` newest of their union. Ids carry a per-kind prefix (``cnv_``, ``msg_``, ``ord_``,
``cev_``), so ``(time, id)`` orders rows of every kind totally and one cursor serves them all.

Extension point: another domain adds a kind of row with ``register_source(name, source)``.
Tickets will register ``"ticket"`` from the tickets package (which may import customers; the
other way round is forbidden by the layers), e.g. at import of ``deskpilot.tickets.service``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.customers.repository import TimeKey, TimelineRepository
from deskpilot.customers.service import live_customer
from deskpilot.kit.pagination import decode_time_cursor, encode_cursor

DEFAULT_LIMIT = 20
SUMMARY_CHARS = 200


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    kind: str
    id: str
    at: datetime
    summary: str
    data: dict[str, Any] = field(default_factory=dict)


# (session, workspace_id, customer_id, after, limit) -> up to ``limit`` entries, newest first,
# all strictly before ``after`` in (at, id) order.
TimelineSource = Callable[
    [AsyncSession, str, str, TimeKey | None, int], Awaitable[list[TimelineEntry]]
]


async def _conversations(
    session: AsyncSession, workspace_id: str, customer_id: str, after: TimeKey | None, limit: int
) -> list[TimelineEntry]:
    rows = await TimelineRepository(session, workspace_id).conversations(customer_id, after, limit)
    return [
        TimelineEntry(
            "conversation",
            c.id,
            c.created_at,
            f"Conversation opened{f': {c.subject}' if c.subject else ''}",
            {"channel_id": c.channel_id, "status": c.status.value, "subject": c.subject},
        )
        for c in rows
    ]


async def _messages(
    session: AsyncSession, workspace_id: str, customer_id: str, after: TimeKey | None, limit: int
) -> list[TimelineEntry]:
    rows = await TimelineRepository(session, workspace_id).messages(customer_id, after, limit)
    return [
        TimelineEntry(
            "message",
            m.id,
            m.created_at,
            m.text[:SUMMARY_CHARS],
            {
                "conversation_id": m.conversation_id,
                "channel_id": m.channel_id,
                "direction": m.direction.value,
                "sender_type": m.sender_type.value,
                "attachments": len(m.attachments),
            },
        )
        for m in rows
    ]


async def _orders(
    session: AsyncSession, workspace_id: str, customer_id: str, after: TimeKey | None, limit: int
) -> list[TimelineEntry]:
    rows = await TimelineRepository(session, workspace_id).orders(customer_id, after, limit)
    return [
        TimelineEntry(
            "order",
            o.id,
            o.placed_at or o.created_at,
            f"Order {o.external_id}: {o.status}, {o.total} {o.currency}",
            {
                "external_id": o.external_id,
                "status": o.status,
                "total": str(o.total),
                "currency": o.currency,
                "items": len(o.items),
            },
        )
        for o in rows
    ]


async def _events(
    session: AsyncSession, workspace_id: str, customer_id: str, after: TimeKey | None, limit: int
) -> list[TimelineEntry]:
    rows = await TimelineRepository(session, workspace_id).events(customer_id, after, limit)
    return [
        TimelineEntry(
            "event",
            e.id,
            e.occurred_at,
            f"{e.type}{f': {e.name}' if e.name else ''}",
            {"type": e.type, "name": e.name, "properties": e.properties},
        )
        for e in rows
    ]


SOURCES: dict[str, TimelineSource] = {
    "conversation": _conversations,
    "message": _messages,
    "order": _orders,
    "event": _events,
}


def register_source(kind: str, source: TimelineSource) -> None:
    """Add a kind of timeline row (``"ticket"``); registering a kind again replaces it."""
    SOURCES[kind] = source


async def timeline(
    session: AsyncSession,
    workspace_id: str,
    customer_id: str,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> tuple[list[TimelineEntry], str | None]:
    """The ``limit`` newest entries before ``cursor``, and the cursor of the next page."""
    customer = await live_customer(session, workspace_id, customer_id)
    after = decode_time_cursor(cursor) if cursor else None
    entries: list[TimelineEntry] = []
    for source in SOURCES.values():
        entries.extend(await source(session, workspace_id, customer.id, after, limit + 1))
    entries.sort(key=lambda e: (e.at, e.id), reverse=True)
    page = entries[:limit]
    more = len(entries) > limit
    return page, encode_cursor(page[-1].at, page[-1].id) if more else None
