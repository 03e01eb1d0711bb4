"""The dashboard's figures: volumes, automation rate, open tickets, SLAs, sentiment, intents.

Read-only. "Today" and the days of the trend are days in the workspace's time zone
(docs/analytics.md defines every figure)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.analytics import repository
from deskpilot.analytics.schemas import (
    Automation,
    ChannelVolume,
    Count,
    OpenTickets,
    Overview,
    SentimentDay,
    SLAFigures,
)
from deskpilot.kit.clock import utcnow
from deskpilot.models import Priority
from deskpilot.tickets.sla import service as sla
from deskpilot.workspaces.service import get_workspace

DEFAULT_DAYS = 14
MAX_DAYS = 90
INTENT_DAYS = 7
TOP_INTENTS = 10
AT_RISK_MINUTES = 60
"""A running ticket is at risk when a target falls due within this many minutes."""


def zone_of(name: str) -> tzinfo:
    """The workspace's time zone; UTC when the name is unknown (never an error on a page)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def day_start(day: date, zone: tzinfo) -> datetime:
    """Local midnight of ``day`` as an aware instant (``fold=0``: the first one on DST days)."""
    return datetime.combine(day, time(), tzinfo=zone)


def day_boundaries(today: date, days: int, zone: tzinfo) -> list[datetime]:
    """``days + 1`` local midnights: from ``days - 1`` days ago to tomorrow."""
    first = today - timedelta(days=days - 1)
    return [day_start(first + timedelta(days=i), zone) for i in range(days + 1)]


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


async def automation(
    session: AsyncSession, workspace_id: str, start: datetime, end: datetime
) -> Automation:
    messages, by_bot = await repository.message_automation(session, workspace_id, start, end)
    conversations, resolved = await repository.conversation_automation(
        session, workspace_id, start, end
    )
    return Automation(
        customer_messages=messages,
        bot_resolved_messages=by_bot,
        message_rate=_rate(by_bot, messages),
        conversations=conversations,
        bot_resolved_conversations=resolved,
        conversation_rate=_rate(resolved, conversations),
    )


async def open_tickets(session: AsyncSession, workspace_id: str) -> OpenTickets:
    rows = await repository.open_tickets(session, workspace_id)
    statuses = {s.value: 0 for s in repository.UNRESOLVED}
    priorities = {p.value: 0 for p in Priority}
    for status, priority, count in rows:
        statuses[status] = statuses.get(status, 0) + count
        priorities[priority] = priorities.get(priority, 0) + count
    return OpenTickets(
        total=sum(statuses.values()),
        by_status=[Count(key=k, count=n) for k, n in statuses.items()],
        by_priority=[Count(key=k, count=n) for k, n in priorities.items()],
    )


async def sla_figures(session: AsyncSession, workspace_id: str, now: datetime) -> SLAFigures:
    """At risk: running tickets with a target due within ``AT_RISK_MINUTES`` and not yet due
    (tickets.sla's at-risk list, without the overdue ones). Breached: counted apart."""
    soon = await sla.at_risk(session, workspace_id, AT_RISK_MINUTES, limit=1000)
    at_risk = [
        t
        for t in soon
        if sla.next_due(t) >= now
        and t.first_response_breached_at is None
        and t.resolution_breached_at is None
    ]
    breached = await repository.breached_tickets(session, workspace_id, now)
    return SLAFigures(at_risk=len(at_risk), breached=breached, window_minutes=AT_RISK_MINUTES)


async def overview(
    session: AsyncSession, workspace_id: str, days: int = DEFAULT_DAYS, now: datetime | None = None
) -> Overview:
    """Every figure of the dashboard; ``days`` (1..90) is the length of the trend and of the
    period's automation rate, ending today."""
    days = max(1, min(days, MAX_DAYS))
    now = now or utcnow()
    workspace = await get_workspace(session, workspace_id)
    zone = zone_of(workspace.timezone)
    today = now.astimezone(zone).date()
    bounds = day_boundaries(today, days, zone)
    start_today, tomorrow = bounds[-2], bounds[-1]

    volume = await repository.volume_by_channel(session, workspace_id, start_today, tomorrow)
    by_bucket = {
        row.bucket: row for row in await repository.sentiment_by_day(session, workspace_id, bounds)
    }
    sentiment = []
    for i in range(days):
        row = by_bucket.get(i)
        sentiment.append(
            SentimentDay(
                day=bounds[0].date() + timedelta(days=i),
                average=None if row is None or row.average is None else round(row.average, 3),
                negative=row.negative if row else 0,
                neutral=row.neutral if row else 0,
                positive=row.positive if row else 0,
            )
        )
    intent_start = day_start(today - timedelta(days=INTENT_DAYS - 1), zone)
    intents = await repository.top_intents(
        session, workspace_id, intent_start, tomorrow, TOP_INTENTS
    )
    return Overview(
        timezone=str(zone),
        generated_at=now,
        today=today,
        days=days,
        volume_today=[
            ChannelVolume(
                channel_id=r.channel_id,
                name=r.name,
                type=r.type,
                conversations=r.conversations,
                inbound=r.inbound,
                outbound=r.outbound,
            )
            for r in volume
        ],
        automation_today=await automation(session, workspace_id, start_today, tomorrow),
        automation_period=await automation(session, workspace_id, bounds[0], tomorrow),
        open_tickets=await open_tickets(session, workspace_id),
        sla=await sla_figures(session, workspace_id, now),
        sentiment=sentiment,
        top_intents=[Count(key=name, count=n) for name, n in intents],
    )
