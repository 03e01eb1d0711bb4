"""Running rules: on events (one ``automation.evaluate`` job per event), on time (a periodic
sweep), and as a dry run that changes nothing.

Every evaluation of an event rule writes a RuleRun (matched or not, what each action did, the
errors). Rules do not loop: a rule never fires on an event its own actions caused (the event's
``actor`` is ``{"type": "rule", "id": rule.id}``), and events caused by rules are followed at
most ``MAX_DEPTH`` levels deep (the depth travels with the job)."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.bus import Bus, BusEvent
from deskpilot.kit.clock import utcnow
from deskpilot.kit.errors import DeskPilotError
from deskpilot.models import AutomationRule, RuleRun, Ticket
from deskpilot.tickets import service as tickets
from deskpilot.tickets.automation import actions
from deskpilot.tickets.automation.conditions import all_hold
from deskpilot.tickets.automation.facts import Facts
from deskpilot.tickets.automation.repository import (
    FactRepository,
    RuleRepository,
    RuleRunRepository,
    workspaces_with_time_rules,
)
from deskpilot.tickets.automation.schemas import TIME_TRIGGER, TRIGGERS, DryRunRead, DryRunTicket
from deskpilot.tickets.repository import TicketRepository
from deskpilot.tickets.schemas import Actor, reference

logger = logging.getLogger(__name__)

EVALUATE_JOB = "automation.evaluate"
TIME_RULES_JOB = "automation.run_time_rules"
MAX_DEPTH = 3  # events caused by rules' actions, followed this many levels deep
TIME_BATCH = 1000  # tickets a time sweep looks at per workspace, least recently updated first

# How deep in a chain of rule-caused events the code running now is (set while actions run)
_depth: ContextVar[int] = ContextVar("automation_depth", default=0)


class EvaluateEvent(BaseModel):
    workspace_id: str
    trigger: str
    event_name: str
    event_id: str
    data: dict[str, Any]
    depth: int = 0


def trigger_of(event: BusEvent) -> str | None:
    """The rule trigger an event fires (``message.created`` from a customer is
    ``message.received``), or None."""
    if event.name == "message.created":
        data = event.data
        inbound = data.get("direction") == "inbound" and data.get("sender_type") == "customer"
        return "message.received" if inbound else None
    return event.name if event.name in TRIGGERS and event.name != TIME_TRIGGER else None


def evaluation_for(event: BusEvent) -> EvaluateEvent | None:
    """The job payload for ``event``, or None: it fires no trigger, or it is too deep in a chain
    of events that rules caused."""
    trigger = trigger_of(event)
    depth = _depth.get()
    if trigger is None or depth >= MAX_DEPTH:
        return None
    return EvaluateEvent(
        workspace_id=event.workspace_id,
        trigger=trigger,
        event_name=event.name,
        event_id=event.id,
        data=event.data,
        depth=depth,
    )


@contextmanager
def _acting_at(depth: int) -> Iterator[None]:
    token = _depth.set(depth)
    try:
        yield
    finally:
        _depth.reset(token)


async def evaluate(session: AsyncSession, bus: Bus, job: EvaluateEvent) -> list[RuleRun]:
    """Run the workspace's active rules of the job's trigger against the event's ticket."""
    rules = await RuleRepository(session, job.workspace_id).active_for(job.trigger)
    if not rules:
        return []
    ticket = await _ticket_of(session, job)
    if ticket is None:
        return []
    actor = job.data.get("actor")
    caused_by = actor.get("id") if isinstance(actor, dict) and actor.get("type") == "rule" else None
    event = {"name": job.event_name, "id": job.event_id, "data": job.data}
    runs = []
    with _acting_at(job.depth + 1):
        for rule in rules:
            if rule.id == caused_by:
                continue  # its own doing: firing again would loop
            facts = Facts(session, ticket, now=utcnow(), event=job.data)
            run = await _run(session, bus, rule, ticket, facts, event, always_log=True)
            if run is not None:
                runs.append(run)
    return runs


async def _ticket_of(session: AsyncSession, job: EvaluateEvent) -> Ticket | None:
    data = job.data
    if job.trigger == "message.received":
        conversation_id = data.get("conversation_id")
        if not isinstance(conversation_id, str):
            return None
        return await tickets.open_ticket_of_conversation(session, job.workspace_id, conversation_id)
    nested = data.get("ticket")
    ticket_id = (
        data.get("ticket_id")
        or (nested.get("id") if isinstance(nested, dict) else None)
        or (data.get("id") if "reference" in data else None)
    )
    if not isinstance(ticket_id, str):
        return None
    return await TicketRepository(session, job.workspace_id).get(ticket_id)


async def _run(
    session: AsyncSession,
    bus: Bus,
    rule: AutomationRule,
    ticket: Ticket,
    facts: Facts,
    event: dict[str, Any],
    *,
    always_log: bool,
    dedupe_key: str | None = None,
) -> RuleRun | None:
    """Evaluate one rule and, when it matches, take its actions one by one: a failing action is
    logged and the others still run. Writes the RuleRun (unless it did not match and
    ``always_log`` is off, as for time rules)."""
    error: str | None = None
    try:
        matched = await all_hold(rule.conditions, facts.lookup, facts.changes)
    except (KeyError, TypeError, ValueError) as exc:  # a rule saved before a field changed
        matched, error = False, f"conditions: {type(exc).__name__}: {exc}"
    if not matched and not always_log:
        return None
    done: list[dict[str, Any]] = []
    errors: list[str] = [error] if error else []
    if matched:
        context = actions.ActionContext(
            session,
            bus,
            rule.workspace_id,
            Actor("rule", rule.id),
            {"rule": {"id": rule.id, "name": rule.name}},
            event,
        )
        for index, action in enumerate(rule.actions):
            try:
                done.append(await actions.execute(context, ticket.id, action))
            except DeskPilotError as exc:
                done.append({"type": action.get("type"), "ok": False, "error": exc.message})
                errors.append(f"actions[{index}] ({action.get('type')}): {exc.message}")
    run = RuleRunRepository(session, rule.workspace_id).add(
        RuleRun(
            workspace_id=rule.workspace_id,
            rule_id=rule.id,
            ticket_id=ticket.id,
            trigger=rule.trigger,
            event_id=event.get("id"),
            dedupe_key=dedupe_key,
            matched=matched,
            actions_done=done,
            error="; ".join(errors) or None,
        )
    )
    await session.flush()
    return run


def time_dedupe_key(ticket: Ticket) -> str:
    """A time rule fires once per ticket per state: the state is the ticket's last change."""
    return f"{ticket.id}:{ticket.updated_at.isoformat()}"


async def run_time_rules(
    session: AsyncSession, bus: Bus, now: datetime | None = None
) -> list[RuleRun]:
    """Evaluate every active ``time`` rule against the tickets that are not closed; a match is
    acted on and logged once per ticket state (``RuleRun.dedupe_key``), a miss is not logged."""
    now = now or utcnow()
    runs: list[RuleRun] = []
    for workspace_id in await workspaces_with_time_rules(session):
        runs += await run_time_rules_of(session, bus, workspace_id, now)
    return runs


async def run_time_rules_of(
    session: AsyncSession, bus: Bus, workspace_id: str, now: datetime
) -> list[RuleRun]:
    rules = await RuleRepository(session, workspace_id).active_for(TIME_TRIGGER)
    log = RuleRunRepository(session, workspace_id)
    runs: list[RuleRun] = []
    with _acting_at(1):
        for ticket in await FactRepository(session, workspace_id).unclosed_tickets(TIME_BATCH):
            for rule in rules:
                key = time_dedupe_key(ticket)
                if await log.seen(rule.id, key):
                    continue
                event: dict[str, Any] = {"name": TIME_TRIGGER, "id": None, "data": {}}
                facts = Facts(session, ticket, now=now)
                run = await _run(
                    session, bus, rule, ticket, facts, event, always_log=False, dedupe_key=key
                )
                if run is not None:
                    runs.append(run)
    return runs


async def dry_run(
    session: AsyncSession,
    workspace_id: str,
    conditions: Sequence[dict[str, Any]],
    rule_actions: Sequence[dict[str, Any]],
    limit: int,
    now: datetime | None = None,
) -> DryRunRead:
    """Which of the ``limit`` most recent tickets the rule matches and what it would do there.
    Only reads: no ticket, run or job is written. There is no event, so ``changed`` and
    ``event.*`` conditions see none."""
    now = now or utcnow()
    results: list[DryRunTicket] = []
    for ticket in await FactRepository(session, workspace_id).recent_tickets(limit):
        facts = Facts(session, ticket, now=now)
        matched = await all_hold(conditions, facts.lookup, facts.changes)
        results.append(
            DryRunTicket(
                ticket_id=ticket.id,
                reference=reference(ticket.number),
                matched=matched,
                actions=[dict(a) for a in rule_actions] if matched else [],
            )
        )
    return DryRunRead(
        evaluated=len(results), matched=sum(r.matched for r in results), tickets=results
    )
