"""The SLA clock of a ticket: which policy applies, the due dates, pauses, and what is due.

The core ticket service calls ``on_ticket_change`` inside every create and update; it only sets
fields on the ticket (the caller records history and publishes). Targets are instants counted
in the policy's business hours; while the clock is stopped (``pending_customer``, and also
while the ticket is solved or closed) ``sla_paused_at`` holds the instant it stopped, and when it
runs again the unmet due dates move later by the business time it stood still.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.customers import service as customers
from deskpilot.kit.clock import utcnow
from deskpilot.models import Priority, SLAPolicy, Ticket, TicketStatus
from deskpilot.tickets.sla import repository
from deskpilot.tickets.sla.calendar import BusinessHours
from deskpilot.tickets.sla.repository import CalendarRepository, PolicyRepository

Target = Literal["first_response", "resolution"]
TARGETS: tuple[Target, ...] = ("first_response", "resolution")
# statuses in which the clock stands still
STOPPED = (TicketStatus.PENDING_CUSTOMER, TicketStatus.SOLVED, TicketStatus.CLOSED)
DONE = (TicketStatus.SOLVED, TicketStatus.CLOSED)


async def on_ticket_change(
    session: AsyncSession, ticket: Ticket, changed: dict[str, list[Any]]
) -> None:
    """Keep the ticket's SLA state right after ``changed`` (field: [before, after]; on
    creation every given field, with ``created`` as well)."""
    created = "created" in changed
    if created or (
        ("priority" in changed or "customer_id" in changed) and not _any_target_met(ticket)
    ):
        await _apply_policy(session, ticket, recompute=created)
    if "status" in changed:
        before, after = changed["status"]
        was_stopped = before is not None and TicketStatus(before) in STOPPED
        is_stopped = TicketStatus(after) in STOPPED
        if is_stopped and not was_stopped:
            ticket.sla_paused_at = ticket.created_at if created else utcnow()
        elif was_stopped and not is_stopped and ticket.sla_paused_at is not None:
            await _resume(session, ticket, utcnow())


def _any_target_met(ticket: Ticket) -> bool:
    return ticket.first_response_at is not None or ticket.status in DONE


async def hours_of(session: AsyncSession, policy: SLAPolicy | None) -> BusinessHours:
    if policy is None or policy.calendar_id is None:
        return BusinessHours.of(None)
    repo = CalendarRepository(session, policy.workspace_id)
    return BusinessHours.of(await repo.get(policy.calendar_id))


async def _apply_policy(session: AsyncSession, ticket: Ticket, *, recompute: bool) -> None:
    """Choose the policy; set the due dates from ``created_at`` when it is new (or changed)."""
    policy = await choose_policy(session, ticket)
    policy_id = policy.id if policy is not None else None
    if not recompute and policy_id == ticket.sla_policy_id:
        return  # same targets: keep the dates, with any pause already counted in them
    ticket.sla_policy_id = policy_id
    ticket.sla_warnings = [
        t for t in ticket.sla_warnings if getattr(ticket, f"{t}_breached_at") is not None
    ]
    if policy is None:
        ticket.first_response_due_at = ticket.resolution_due_at = None
        return
    hours = await hours_of(session, policy)
    start = ticket.created_at or utcnow()
    ticket.first_response_due_at = _due(hours, start, policy.first_response_minutes)
    ticket.resolution_due_at = _due(hours, start, policy.resolution_minutes)


def _due(hours: BusinessHours, start: datetime, minutes: int | None) -> datetime | None:
    return None if minutes is None else hours.add(start, minutes)


async def choose_policy(session: AsyncSession, ticket: Ticket) -> SLAPolicy | None:
    """The first active policy (by position, then age) matching the ticket's priority (or any)
    and a segment of its customer (or any)."""
    policies = await PolicyRepository(session, ticket.workspace_id).ordered(active_only=True)
    segment_ids: set[str] | None = None
    for policy in policies:
        if policy.priority is not None and policy.priority != ticket.priority:
            continue
        if policy.segment_id is not None:
            if ticket.customer_id is None:
                continue
            if segment_ids is None:
                pairs = await customers.segments_of(
                    session, ticket.workspace_id, ticket.customer_id
                )
                segment_ids = {segment.id for segment, _ in pairs}
            if policy.segment_id not in segment_ids:
                continue
        return policy
    return None


async def _resume(session: AsyncSession, ticket: Ticket, now: datetime) -> None:
    """Move the unmet due dates later by the business time the clock stood still."""
    paused_at, ticket.sla_paused_at = ticket.sla_paused_at, None
    if paused_at is None or ticket.sla_policy_id is None:
        return
    policy = await PolicyRepository(session, ticket.workspace_id).get(ticket.sla_policy_id)
    hours = await hours_of(session, policy)
    ticket.first_response_due_at, ticket.resolution_due_at = resumed_due_dates(
        hours, ticket, paused_at, now
    )


def resumed_due_dates(
    hours: BusinessHours, ticket: Ticket, paused_at: datetime, now: datetime
) -> tuple[datetime | None, datetime | None]:
    """The due dates after a pause from ``paused_at`` to ``now`` (met targets stay)."""
    stood = hours.minutes_between(paused_at, now)
    first, resolution = ticket.first_response_due_at, ticket.resolution_due_at
    if stood <= 0:
        return first, resolution
    if first is not None and ticket.first_response_at is None:
        first = hours.add(first, stood)
    if resolution is not None:
        resolution = hours.add(resolution, stood)
    return first, resolution


@dataclass(frozen=True, slots=True)
class Alert:
    ticket: Ticket
    target: Target
    kind: Literal["warning", "breach"]
    due_at: datetime


def due_alerts(
    tickets: Iterable[Ticket], now: datetime, warn_before: Mapping[str, int]
) -> list[Alert]:
    """What is due now, purely: a breach for each unmet, unbreached target past its due date,
    else a warning once ``warn_before[policy]`` minutes (wall clock) before it, once per
    target. Paused, solved and closed tickets have nothing due."""
    alerts: list[Alert] = []
    for ticket in tickets:
        if ticket.sla_paused_at is not None or ticket.status in STOPPED:
            continue
        warn = timedelta(minutes=warn_before.get(ticket.sla_policy_id or "", 0))
        for target in TARGETS:
            due: datetime | None = getattr(ticket, f"{target}_due_at")
            if due is None or getattr(ticket, f"{target}_breached_at") is not None:
                continue
            if target == "first_response" and ticket.first_response_at is not None:
                continue
            if now >= due:
                alerts.append(Alert(ticket, target, "breach", due))
            elif warn and now >= due - warn and target not in ticket.sla_warnings:
                alerts.append(Alert(ticket, target, "warning", due))
    return alerts


def next_priority(priority: Priority) -> Priority | None:
    """One step up (low -> normal -> high -> urgent); None when already urgent."""
    order = list(Priority)
    index = order.index(priority)
    return order[index + 1] if index + 1 < len(order) else None


async def at_risk(
    session: AsyncSession, workspace_id: str, within_minutes: int, *, limit: int = 200
) -> list[Ticket]:
    """Running, unpaused tickets with an unmet target due within ``within_minutes`` (overdue
    ones included), the soonest due first."""
    now = utcnow()
    tickets = await repository.at_risk(
        session, workspace_id, now + timedelta(minutes=within_minutes), limit
    )
    return sorted(tickets, key=next_due)


def next_due(ticket: Ticket) -> datetime:
    """The soonest unmet due date of the ticket (``datetime.max`` in UTC when none)."""
    dues: Sequence[datetime | None] = (
        ticket.first_response_due_at if ticket.first_response_at is None else None,
        ticket.resolution_due_at,
    )
    present = [d for d in dues if d is not None]
    return min(present) if present else datetime.max.replace(tzinfo=utcnow().tzinfo)
