"""``ticket.check_sla`` (every minute): warnings before due dates, breaches, escalation."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.bus import Bus, publish_on_commit
from deskpilot.kit.clock import utcnow
from deskpilot.kit.deps import Resources
from deskpilot.kit.jobs.registry import JobContext, NoPayload, default_registry
from deskpilot.models import Ticket, TicketChange
from deskpilot.tickets import service as tickets
from deskpilot.tickets.events import ticket_event
from deskpilot.tickets.repository import TicketChangeRepository
from deskpilot.tickets.schemas import SYSTEM, TicketUpdate
from deskpilot.tickets.sla import repository
from deskpilot.tickets.sla.service import Alert, due_alerts, next_priority

CHECK_SLA_JOB = "ticket.check_sla"
BATCH = 500
LABELS = {"first_response": "first response", "resolution": "resolution"}


@default_registry.periodic(CHECK_SLA_JOB, every_seconds=60)
async def check_sla(ctx: JobContext, _: NoPayload) -> None:
    await check_due(ctx.session, ctx.resource(Resources).bus, utcnow())


async def check_due(session: AsyncSession, bus: Bus, now: datetime) -> list[Alert]:
    """Warn of and breach what is due at ``now`` across every workspace (one batch)."""
    look_ahead = timedelta(minutes=await repository.longest_warning(session))
    candidates = await repository.needing_check(session, now + look_ahead, BATCH)
    warn_before = await repository.warnings_of(
        session, {t.sla_policy_id for t in candidates if t.sla_policy_id is not None}
    )
    alerts = due_alerts(candidates, now, warn_before)
    for alert in alerts:
        if alert.kind == "warning":
            await _warn(session, bus, alert)
        else:
            await _breach(session, bus, alert, now)
    return alerts


async def _conversation_ids(session: AsyncSession, ticket: Ticket) -> list[str]:
    return (await tickets.views(session, [ticket]))[0].conversation_ids


async def _warn(session: AsyncSession, bus: Bus, alert: Alert) -> None:
    ticket = alert.ticket
    ticket.sla_warnings = [*ticket.sla_warnings, alert.target]
    await session.flush()
    event = ticket_event(
        "ticket.sla_warning",
        ticket,
        await _conversation_ids(session, ticket),
        SYSTEM,
        target=alert.target,
        due_at=alert.due_at.isoformat(),
    )
    publish_on_commit(session, bus, event)


async def _breach(session: AsyncSession, bus: Bus, alert: Alert, now: datetime) -> None:
    """Stamp the breach, publish it, then raise the priority one step (history shows it)."""
    ticket = alert.ticket
    setattr(ticket, f"{alert.target}_breached_at", now)
    await session.flush()
    event = ticket_event(
        "ticket.sla_breached",
        ticket,
        await _conversation_ids(session, ticket),
        SYSTEM,
        target=alert.target,
        due_at=alert.due_at.isoformat(),
    )
    publish_on_commit(session, bus, event)
    note = (
        f"SLA breached: the {LABELS[alert.target]} target ({alert.due_at.isoformat()}) was missed"
    )
    higher = next_priority(ticket.priority)
    if higher is None:  # already urgent: only the history entry
        TicketChangeRepository(session, ticket.workspace_id).add(
            TicketChange(
                workspace_id=ticket.workspace_id,
                ticket_id=ticket.id,
                actor_type=SYSTEM.type,
                actor_id=None,
                kind="sla",
                changes={f"{alert.target}_breached_at": [None, now.isoformat()]},
                note=note,
            )
        )
        await session.flush()
        return
    await tickets.update_ticket(
        session,
        bus,
        ticket.workspace_id,
        ticket.id,
        TicketUpdate(priority=higher),
        SYSTEM,
        note=f"{note}; priority raised to {higher.value}",
    )
