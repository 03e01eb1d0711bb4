"""Computed traits: figures about a customer kept in ``Customer.computed`` (JSON), updated
incrementally as data about them arrives.

What is computed (docs/segments.md has the reference):

==========================  ===================================================================
``order_count``             orders not cancelled (status ``cancelled``/``canceled``)
``lifetime_value``          sum of their totals, a JSON number rounded to 2 decimals (totals
                            are added as they are: a workspace is assumed to sell in one
                            currency)
``last_order_at``           newest order's ``placed_at`` (or when it was stored), ISO 8601 UTC
``last_contact_at``         newest inbound message the customer wrote, ISO 8601 UTC
``contacts_by_channel``     ``{channel type: inbound messages}``
``avg_sentiment``           mean message sentiment (-1..1), null until a sentiment source exists
``sentiment_trend_30d``     mean of the last 30 days minus mean of the 30 days before, or null
``open_tickets``            null until a tickets source is registered (``set_open_tickets_source``)
``churn_risk``              0..1, see ``churn_risk``
``computed_at``             when these were computed
==========================  ===================================================================

Times are stored as fixed-width ISO strings (``segments.rules.iso_time``) so that segment rules
compare them as strings in SQL.

When data arrives
-----------------
``enqueue_recompute(session, workspace_id, customer_id)`` queues ``customer.recompute_traits``
in the caller's transaction (at most once per customer per transaction; the job is idempotent,
so a duplicate from another transaction only costs a recomputation). Code that stores orders or
events for a customer calls it; in addition, a transactional bus listener (``on_event``) queues
it for every published event about a customer: an inbound ``message.created`` (its
``sender_id``), and any ``order.*``, ``ticket.*``, ``customer.*`` or ``customer_event.*`` event
whose data carries ``customer_id``. The job recomputes the traits and then re-evaluates the
customer's segment memberships. A periodic sweep (``customer.refresh_traits``) recomputes
everyone in batches, because recency and churn risk change with time alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.customers.traits_repository import TraitsRepository, workspace_ids
from deskpilot.kit.bus import Bus, BusEvent, add_transactional_listener
from deskpilot.kit.clock import utcnow
from deskpilot.kit.deps import Resources
from deskpilot.kit.jobs import JobContext, enqueue
from deskpilot.kit.jobs.registry import NoPayload, default_registry
from deskpilot.segments import service as segments
from deskpilot.segments.rules import iso_time

RECOMPUTE_JOB = "customer.recompute_traits"
REFRESH_JOB = "customer.refresh_traits"  # periodic: starts one sweep per workspace
REFRESH_BATCH_JOB = "customer.refresh_traits_batch"
REFRESH_EVERY_SECONDS = 6 * 3600
REFRESH_BATCH = 200

TRAIT_KEYS = (
    "order_count",
    "lifetime_value",
    "last_order_at",
    "last_contact_at",
    "contacts_by_channel",
    "avg_sentiment",
    "sentiment_trend_30d",
    "open_tickets",
    "churn_risk",
)

# ------------------------------------------------------------------------------ extension points


@dataclass(frozen=True, slots=True)
class SentimentScore:
    """The sentiment of one inbound message: ``score`` from -1 (negative) to 1 (positive)."""

    at: datetime
    score: float


class MessageSentimentSource(Protocol):
    """Where per-message sentiment comes from. Messages carry none yet: the AI pipeline (which
    scores each inbound message) registers its source with ``set_sentiment_source``; until
    then the traits that need it are null."""

    async def message_sentiments(
        self, session: AsyncSession, workspace_id: str, customer_id: str, since: datetime
    ) -> list[SentimentScore]: ...


class OpenTicketsSource(Protocol):
    """How many open tickets a customer has; tickets register theirs. None: not known."""

    async def open_tickets(
        self, session: AsyncSession, workspace_id: str, customer_id: str
    ) -> int | None: ...


class _NoSentiment:
    async def message_sentiments(
        self, session: AsyncSession, workspace_id: str, customer_id: str, since: datetime
    ) -> list[SentimentScore]:
        return []


class _NoTickets:
    async def open_tickets(
        self, session: AsyncSession, workspace_id: str, customer_id: str
    ) -> int | None:
        return None


_sources: dict[str, Any] = {"sentiment": _NoSentiment(), "tickets": _NoTickets()}


def set_sentiment_source(source: MessageSentimentSource | None) -> None:
    """Register (or, with None, remove) the source of message sentiment scores."""
    _sources["sentiment"] = source or _NoSentiment()


def set_open_tickets_source(source: OpenTicketsSource | None) -> None:
    _sources["tickets"] = source or _NoTickets()


SENTIMENT_WINDOW_DAYS = 365  # avg_sentiment covers the last year of messages

# ------------------------------------------------------------------------------------ the maths


def churn_risk(
    days_inactive: float,
    frequency_drop: float = 0.0,
    negative_sentiment: float = 0.0,
    open_tickets: int | None = None,
) -> float:
    """The probability-like risk (0..1) that a customer is leaving, a logistic score::

        z = -3 + 1.2·R + 1.0·F + 2.0·S + 1.0·T
        churn_risk = 1 / (1 + e^-z), rounded to 4 decimals

    - R = min(days_inactive, 360) / 60: days since the last order or inbound message (since the
      profile was created if neither), 0..6. Monotonic: longer silence never lowers the risk.
    - F = frequency_drop, 0..1: how far orders fell from the previous 90 days to the last 90,
      max(0, (previous - last) / previous); 0 without earlier orders.
    - S = negative_sentiment, 0..1: max(0, -avg_sentiment over the last 30 days); 0 unknown.
    - T = min(open_tickets, 3) / 3; 0 unknown.

    A customer active today with nothing else against them scores 0.047; silent 60 days 0.142;
    180 days 0.646; a year or more 0.985.
    """
    recency = min(max(days_inactive, 0.0), 360.0) / 60.0
    frequency = min(max(frequency_drop, 0.0), 1.0)
    sentiment = min(max(negative_sentiment, 0.0), 1.0)
    tickets = min(open_tickets or 0, 3) / 3.0
    z = -3.0 + 1.2 * recency + 1.0 * frequency + 2.0 * sentiment + 1.0 * tickets
    return round(1.0 / (1.0 + math.exp(-z)), 4)


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def sentiment_traits(
    scores: list[SentimentScore], now: datetime
) -> tuple[float | None, float | None, float | None]:
    """(avg_sentiment, sentiment_trend_30d, mean of the last 30 days); None without data."""
    recent_start = now - timedelta(days=30)
    before_start = now - timedelta(days=60)
    average = _mean([s.score for s in scores])
    recent = _mean([s.score for s in scores if s.at >= recent_start])
    before = _mean([s.score for s in scores if before_start <= s.at < recent_start])
    trend = recent - before if recent is not None and before is not None else None
    rounded = [None if v is None else round(v, 4) for v in (average, trend, recent)]
    return rounded[0], rounded[1], rounded[2]


# ----------------------------------------------------------------------------------- computing


async def compute_traits(
    session: AsyncSession, workspace_id: str, customer_id: str, now: datetime
) -> dict[str, Any] | None:
    """The computed traits of one customer now, or None if there is no such live customer."""
    repository = TraitsRepository(session, workspace_id)
    customer = await repository.customer(customer_id)
    if customer is None or customer.merged_into_id is not None:
        return None
    orders = await repository.order_stats(customer_id, now)
    contacts = await repository.contact_stats(customer_id)
    scores = await _sources["sentiment"].message_sentiments(
        session, workspace_id, customer_id, now - timedelta(days=SENTIMENT_WINDOW_DAYS)
    )
    average, trend, recent = sentiment_traits(scores, now)
    tickets = await _sources["tickets"].open_tickets(session, workspace_id, customer_id)
    activity = [t for t in (orders.last_at, contacts.last_at) if t is not None]
    since = max(activity) if activity else customer.created_at
    days_inactive = (now - since).total_seconds() / 86400
    drop = (
        max(0.0, (orders.previous_90d - orders.last_90d) / orders.previous_90d)
        if orders.previous_90d
        else 0.0
    )
    return {
        "order_count": orders.count,
        "lifetime_value": float(orders.total.quantize(Decimal("0.01"), ROUND_HALF_UP)),
        "last_order_at": iso_time(orders.last_at) if orders.last_at else None,
        "last_contact_at": iso_time(contacts.last_at) if contacts.last_at else None,
        "contacts_by_channel": dict(sorted(contacts.by_channel_type.items())),
        "avg_sentiment": average,
        "sentiment_trend_30d": trend,
        "open_tickets": tickets,
        "churn_risk": churn_risk(days_inactive, drop, -(recent or 0.0), tickets),
        "computed_at": iso_time(now),
    }


async def recompute(session: AsyncSession, bus: Bus, workspace_id: str, customer_id: str) -> bool:
    """Recompute one customer's traits and re-evaluate their segments. Idempotent.

    Keys of ``computed`` that are not traits of this module are kept. Returns False when the
    customer does not exist (or was merged away)."""
    now = utcnow()
    traits = await compute_traits(session, workspace_id, customer_id, now)
    if traits is None:
        return False
    customer = await TraitsRepository(session, workspace_id).customer(customer_id)
    assert customer is not None
    customer.computed = {**(customer.computed or {}), **traits}  # a new dict: JSON is not mutable
    await session.flush()
    await segments.reevaluate_customers(session, bus, workspace_id, [customer_id])
    return True


# ------------------------------------------------------------------------------ queueing, jobs


class RecomputeTraits(BaseModel):
    customer_id: str


class RefreshTraitsBatch(BaseModel):
    after_id: str | None = None


_QUEUED_KEY = "deskpilot.traits_recompute_queued"


def enqueue_recompute(session: AsyncSession, workspace_id: str, customer_id: str) -> None:
    """Queue ``customer.recompute_traits`` for a customer in the caller's transaction.

    For code that stores data about a customer (orders, imports, events). At most one job per
    customer per transaction: an import of a thousand orders of one customer queues one."""
    queued: set[tuple[str, str]] = session.info.setdefault(_QUEUED_KEY, set())
    if (workspace_id, customer_id) in queued:
        return
    queued.add((workspace_id, customer_id))
    enqueue(
        session,
        RECOMPUTE_JOB,
        RecomputeTraits(customer_id=customer_id),
        workspace_id=workspace_id,
    )


_CUSTOMER_DOMAINS = ("order", "ticket", "customer", "customer_event")


def customer_of_event(event: BusEvent) -> str | None:
    """The customer an event is about, if it is one that can change computed traits."""
    domain = event.name.split(".", 1)[0]
    data = event.data
    if event.name == "message.created":
        if data.get("direction") == "inbound" and data.get("sender_type") == "customer":
            sender = data.get("sender_id")
            return sender if isinstance(sender, str) else None
        return None
    if domain in _CUSTOMER_DOMAINS:
        customer_id = data.get("customer_id")
        return customer_id if isinstance(customer_id, str) else None
    return None


def on_event(session: AsyncSession, event: BusEvent) -> None:
    """Transactional bus listener: queue a recomputation for events about a customer."""
    customer_id = customer_of_event(event)
    if customer_id is not None:
        enqueue_recompute(session, event.workspace_id, customer_id)


@default_registry.handler(RECOMPUTE_JOB, RecomputeTraits)
async def recompute_job(ctx: JobContext, payload: RecomputeTraits) -> None:
    if ctx.workspace_id is not None:
        await recompute(
            ctx.session, ctx.resource(Resources).bus, ctx.workspace_id, payload.customer_id
        )


@default_registry.periodic(REFRESH_JOB, REFRESH_EVERY_SECONDS)
async def refresh_job(ctx: JobContext, _: NoPayload) -> None:
    """Start a sweep of every workspace: time alone changes recency and churn risk."""
    for workspace_id in await workspace_ids(ctx.session):
        enqueue(ctx.session, REFRESH_BATCH_JOB, RefreshTraitsBatch(), workspace_id=workspace_id)


@default_registry.handler(REFRESH_BATCH_JOB, RefreshTraitsBatch)
async def refresh_batch_job(ctx: JobContext, payload: RefreshTraitsBatch) -> None:
    """Recompute ``REFRESH_BATCH`` customers of one workspace, then queue the next batch."""
    if ctx.workspace_id is None:
        return
    next_after = await refresh_batch(
        ctx.session, ctx.resource(Resources).bus, ctx.workspace_id, payload.after_id
    )
    if next_after is not None:
        enqueue(
            ctx.session,
            REFRESH_BATCH_JOB,
            RefreshTraitsBatch(after_id=next_after),
            workspace_id=ctx.workspace_id,
        )


async def refresh_batch(
    session: AsyncSession, bus: Bus, workspace_id: str, after_id: str | None
) -> str | None:
    """Recompute one batch; the last id handled when there may be more, else None."""
    ids = await TraitsRepository(session, workspace_id).live_customer_ids_after(
        after_id, REFRESH_BATCH
    )
    for customer_id in ids:
        await recompute(session, bus, workspace_id, customer_id)
    return ids[-1] if len(ids) == REFRESH_BATCH else None


add_transactional_listener(on_event)
