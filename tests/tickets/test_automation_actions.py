"""Rules running on events through the job queue: every action, the run log, loop prevention,
and time rules."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from deskpilot.config import Settings
from deskpilot.kit.deps import Resources
from deskpilot.kit.jobs import Worker
from deskpilot.models import (
    Direction,
    Message,
    Priority,
    RuleRun,
    SenderType,
    Team,
    TeamMember,
    TicketStatus,
)
from deskpilot.models.team import AssignmentMethod
from deskpilot.tickets import service as tickets
from deskpilot.tickets.automation import engine, service
from deskpilot.tickets.automation.schemas import RuleCreate
from deskpilot.tickets.automation.tasks import WEBHOOK_ATTEMPTS
from deskpilot.tickets.events import ticket_event
from deskpilot.tickets.schemas import Actor, TicketUpdate
from deskpilot.workspaces import service as workspaces
from tests.channels.helpers import drain
from tests.factories import Tenant
from tests.support.servers import serve_app
from tests.tickets.helpers import new_ticket
from tests.tickets.test_automation_conditions import ANNOTATIONS, ticket_in_conversation
from tests.webhooks.helpers import Receiver


def worker_for(resources: Resources, *, max_attempts: int = 3) -> Worker:
    """A worker with every resource the jobs of the tickets domain ask for."""
    return Worker(
        resources.database,
        resources={Resources: resources, Settings: SETTINGS[0]},
        backoff_seconds=0.01,
        max_attempts=max_attempts,
        poll_seconds=0.01,
    )


SETTINGS: list[Settings] = []


@pytest.fixture(autouse=True)
def _settings(settings: Settings) -> None:
    SETTINGS[:] = [settings]


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    stand_in = Receiver()
    async with serve_app(stand_in.app) as address:
        stand_in.base = f"http://{address}"
        yield stand_in


async def add_rule(resources: Resources, tenant: Tenant, **fields: Any) -> str:
    fields.setdefault("name", f"rule {fields.get('position', 0)} {len(str(fields))}")
    async with resources.database.transaction() as session:
        rule = await service.create_rule(
            session, tenant.workspace_id, RuleCreate.model_validate(fields)
        )
    return rule.id


async def runs_of(resources: Resources, rule_id: str) -> list[RuleRun]:
    async with resources.database.transaction() as session:
        query = select(RuleRun).where(RuleRun.rule_id == rule_id).order_by(RuleRun.created_at)
        return list((await session.scalars(query)).all())


async def test_a_matching_rule_changes_the_ticket_through_the_service_and_logs_its_run(
    resources: Resources, tenant: Tenant
) -> None:
    rule_id = await add_rule(
        resources,
        tenant,
        name="Refunds are urgent",
        trigger="ticket.created",
        conditions=[{"field": "ticket.subject", "op": "contains", "value": "refund"}],
        actions=[
            {"type": "set_priority", "value": "urgent"},
            {"type": "set_type", "value": "complaint"},
            {"type": "set_category", "value": "billing"},
            {"type": "add_labels", "labels": ["refund", "vip"]},
            {"type": "remove_labels", "labels": ["vip"]},
            {"type": "assign", "user_id": tenant.owner_id},
            {"type": "set_status", "value": "open"},
            {"type": "add_note", "text": "Checked by a rule"},
            {"type": "notify", "to": "assignee", "title": "Refund asked"},
        ],
    )
    other = await add_rule(
        resources,
        tenant,
        name="Never",
        trigger="ticket.created",
        conditions=[{"field": "ticket.priority", "op": "eq", "value": "low"}],
        actions=[{"type": "set_status", "value": "on_hold"}],
    )
    view = await new_ticket(resources.database, resources.bus, tenant.workspace_id, "A refund")
    await drain(worker_for(resources))
    async with resources.database.transaction() as session:
        ticket = (await tickets.get_ticket(session, tenant.workspace_id, view.ticket.id)).ticket
        history = await tickets.history(session, tenant.workspace_id, ticket.id)
    assert ticket.priority == Priority.URGENT
    assert ticket.type == "complaint"
    assert ticket.category == "billing"
    assert ticket.labels == ["refund"]
    assert ticket.assignee_id == tenant.owner_id
    assert ticket.status == TicketStatus.OPEN
    by_rule = [h for h in history if h.actor_type == "rule"]
    assert {h.actor_id for h in by_rule} == {rule_id}
    assert [h.note for h in by_rule if h.kind == "comment"] == ["Checked by a rule"]
    assert not next(h for h in by_rule if h.kind == "comment").is_public
    (run,) = await runs_of(resources, rule_id)
    assert run.matched
    assert run.error is None
    assert run.ticket_id == ticket.id
    assert [a["type"] for a in run.actions_done] == [
        "set_priority",
        "set_type",
        "set_category",
        "add_labels",
        "remove_labels",
        "assign",
        "set_status",
        "add_note",
        "notify",
    ]
    assert run.actions_done[-1]["user_ids"] == [tenant.owner_id]
    (missed,) = await runs_of(resources, other)
    assert not missed.matched
    assert missed.actions_done == []


async def test_a_failing_action_is_logged_and_the_others_still_run(
    resources: Resources, tenant: Tenant
) -> None:
    rule_id = await add_rule(
        resources,
        tenant,
        name="Broken assignee",
        trigger="ticket.created",
        actions=[
            {"type": "assign", "user_id": "usr_nobody"},
            {"type": "set_priority", "value": "high"},
        ],
    )
    view = await new_ticket(resources.database, resources.bus, tenant.workspace_id)
    await drain(worker_for(resources))
    (run,) = await runs_of(resources, rule_id)
    assert run.matched
    assert run.actions_done[0]["ok"] is False
    assert run.actions_done[1] == {"type": "set_priority", "ok": True, "value": "high"}
    assert run.error is not None
    assert run.error.startswith("actions[0] (assign)")
    async with resources.database.transaction() as session:
        ticket = (await tickets.get_ticket(session, tenant.workspace_id, view.ticket.id)).ticket
    assert ticket.priority == Priority.HIGH
    assert ticket.assignee_id is None


async def test_reply_is_an_outbound_bot_message_or_a_public_comment(
    resources: Resources, tenant: Tenant
) -> None:
    await add_rule(
        resources,
        tenant,
        name="Acknowledge",
        trigger="ticket.created",
        actions=[{"type": "reply", "template": "We have your request {{ ticket.reference }}."}],
    )
    linked = await ticket_in_conversation(resources, tenant)
    alone = await new_ticket(resources.database, resources.bus, tenant.workspace_id)
    await drain(worker_for(resources))
    async with resources.database.transaction() as session:
        query = select(Message).where(
            Message.direction == Direction.OUTBOUND, Message.text.startswith("We have your")
        )
        (message,) = (await session.scalars(query)).all()  # other domains may write too
        comments = await tickets.history(session, tenant.workspace_id, alone.ticket.id)
    assert message.conversation_id == linked.conversation_ids[0]
    assert message.sender_type == SenderType.BOT
    assert not message.is_private
    assert message.text.startswith("We have your request")
    (comment,) = [c for c in comments if c.kind == "comment"]
    assert comment.is_public
    assert comment.actor_type == "rule"


async def test_message_received_rules_read_the_ai_annotations(
    resources: Resources, tenant: Tenant
) -> None:
    rule_id = await add_rule(
        resources,
        tenant,
        name="Angry customers",
        trigger="message.received",
        conditions=[{"field": "ai.sentiment", "op": "eq", "value": "negative"}],
        actions=[{"type": "add_labels", "labels": ["angry"]}],
    )
    # the message's job runs once the ticket exists (jobs run after the test's commits)
    view = await ticket_in_conversation(resources, tenant, annotations=ANNOTATIONS)
    await drain(worker_for(resources))
    (run,) = await runs_of(resources, rule_id)
    assert run.matched
    assert run.ticket_id == view.ticket.id
    async with resources.database.transaction() as session:
        ticket = (await tickets.get_ticket(session, tenant.workspace_id, view.ticket.id)).ticket
    assert ticket.labels == ["angry"]


async def test_send_webhook_posts_the_event_signed_with_the_workspace_secret(
    resources: Resources, tenant: Tenant, receiver: Receiver
) -> None:
    async with resources.database.transaction() as session:
        await workspaces.put_secret(
            session, resources.secret_box, tenant.workspace_id, "automation_webhook", "s3cret"
        )
    rule_id = await add_rule(
        resources,
        tenant,
        name="Tell the CRM",
        trigger="ticket.created",
        actions=[{"type": "send_webhook", "url": receiver.url("crm")}],
    )
    receiver.status["crm"] = 503  # the first attempts fail: the job retries
    worker = worker_for(resources)
    view = await new_ticket(resources.database, resources.bus, tenant.workspace_id)
    await drain(worker)
    assert len(receiver.at("crm")) == WEBHOOK_ATTEMPTS  # retried up to the limit
    receiver.requests.clear()
    receiver.status["crm"] = 200
    await new_ticket(resources.database, resources.bus, tenant.workspace_id)
    await drain(worker)
    (received,) = receiver.at("crm")
    assert received.signed_with("s3cret")
    assert received.json["event"] == "ticket.created"
    assert received.json["rule"] == {"id": rule_id, "name": "Tell the CRM"}
    assert received.json["ticket"]["number"] == view.ticket.number + 1


async def test_round_robin_assigns_through_routing(resources: Resources, tenant: Tenant) -> None:
    view = await new_ticket(resources.database, resources.bus, tenant.workspace_id)  # no team yet
    async with resources.database.transaction() as session:
        team = Team(
            workspace_id=tenant.workspace_id,
            name="Support",
            assignment=AssignmentMethod.ROUND_ROBIN,
        )
        session.add(team)
        await session.flush()
        session.add(
            TeamMember(workspace_id=tenant.workspace_id, team_id=team.id, user_id=tenant.owner_id)
        )
        team_id = team.id
    rule_id = await add_rule(
        resources,
        tenant,
        name="Spread the work",
        trigger="ticket.updated",
        conditions=[{"field": "ticket.priority", "op": "changed_to", "value": "urgent"}],
        actions=[
            {"type": "assign", "user_id": "round_robin", "team_id": team_id},
            {"type": "notify", "to": "team"},
        ],
    )
    async with resources.database.transaction() as session:
        await tickets.update_ticket(
            session,
            resources.bus,
            tenant.workspace_id,
            view.ticket.id,
            TicketUpdate(priority=Priority.URGENT),
            Actor("user", tenant.owner_id),
        )
    await drain(worker_for(resources))
    (run,) = await runs_of(resources, rule_id)
    assert run.actions_done[0]["assignee_id"] == tenant.owner_id
    assert run.actions_done[1]["user_ids"] == [tenant.owner_id]
    async with resources.database.transaction() as session:
        ticket = (await tickets.get_ticket(session, tenant.workspace_id, view.ticket.id)).ticket
        history = await tickets.history(session, tenant.workspace_id, ticket.id)
    assert (ticket.assignee_id, ticket.team_id) == (tenant.owner_id, team_id)
    (by_rule,) = [h for h in history if h.actor_type == "rule"]
    assert by_rule.changes["assignee_id"] == [None, tenant.owner_id]


async def test_rules_do_not_loop(resources: Resources, tenant: Tenant) -> None:
    """Two rules undoing each other stop at the depth cap, and neither fires on its own change."""
    up = await add_rule(
        resources,
        tenant,
        name="Up",
        trigger="ticket.updated",
        conditions=[{"field": "ticket.priority", "op": "ne", "value": "high"}],
        actions=[{"type": "set_priority", "value": "high"}],
    )
    down = await add_rule(
        resources,
        tenant,
        name="Down",
        trigger="ticket.updated",
        position=1,
        conditions=[{"field": "ticket.priority", "op": "eq", "value": "high"}],
        actions=[{"type": "set_priority", "value": "low"}],
    )
    view = await new_ticket(resources.database, resources.bus, tenant.workspace_id)
    async with resources.database.transaction() as session:
        await tickets.update_ticket(
            session,
            resources.bus,
            tenant.workspace_id,
            view.ticket.id,
            TicketUpdate(category="shipping"),
            Actor("user", tenant.owner_id),
        )
    await drain(worker_for(resources))
    up_runs, down_runs = await runs_of(resources, up), await runs_of(resources, down)
    assert len(up_runs) + len(down_runs) <= 2 * engine.MAX_DEPTH
    own = {run.event_id for run in up_runs} & {run.event_id for run in down_runs}
    assert len(up_runs) >= 1
    assert len(down_runs) >= 1
    assert len(own) >= 1  # the user's event reached both
    async with resources.database.transaction() as session:
        history = await tickets.history(session, tenant.workspace_id, view.ticket.id)
    assert len(history) <= 2 + 2 * engine.MAX_DEPTH


async def test_a_time_rule_fires_once_per_ticket_state(
    resources: Resources, tenant: Tenant
) -> None:
    """Pending customer for 72 h -> solved, with a message."""
    rule_id = await add_rule(
        resources,
        tenant,
        name="Close the silent ones",
        trigger="time",
        conditions=[
            {"field": "ticket.status", "op": "eq", "value": "pending_customer"},
            {"field": "ticket.hours_in_status", "op": "gte", "value": 72},
        ],
        actions=[
            {"type": "reply", "template": "We have not heard back, so we solved your request."},
            {"type": "set_status", "value": "solved"},
        ],
    )
    waiting = await ticket_in_conversation(resources, tenant)
    fresh = await new_ticket(resources.database, resources.bus, tenant.workspace_id)
    for view in (waiting,):  # the other ticket stays new
        async with resources.database.transaction() as session:
            await tickets.update_ticket(
                session,
                resources.bus,
                tenant.workspace_id,
                view.ticket.id,
                TicketUpdate(status=TicketStatus.PENDING_CUSTOMER),
                Actor("user", tenant.owner_id),
            )
    async with resources.database.transaction() as session:
        ticket = (await tickets.get_ticket(session, tenant.workspace_id, waiting.ticket.id)).ticket
        later = ticket.updated_at + timedelta(hours=73)
        assert await engine.run_time_rules(session, resources.bus, now=ticket.updated_at) == []
    async with resources.database.transaction() as session:
        first = await engine.run_time_rules(session, resources.bus, now=later)
    async with resources.database.transaction() as session:
        again = await engine.run_time_rules(session, resources.bus, now=later)
    assert [r.ticket_id for r in first] == [waiting.ticket.id]
    assert again == []
    assert fresh.ticket.id not in [r.ticket_id for r in first]
    (run,) = await runs_of(resources, rule_id)
    assert run.dedupe_key is not None
    assert run.dedupe_key.startswith(waiting.ticket.id)
    async with resources.database.transaction() as session:
        solved = (await tickets.get_ticket(session, tenant.workspace_id, waiting.ticket.id)).ticket
        outbound = (
            await session.scalars(select(Message).where(Message.direction == Direction.OUTBOUND))
        ).all()
    assert solved.status == TicketStatus.SOLVED
    texts = [m.text for m in outbound]
    assert texts.count("We have not heard back, so we solved your request.") == 1


async def test_a_low_rating_fires_a_ticket_rated_rule(resources: Resources, tenant: Tenant) -> None:
    rule_id = await add_rule(
        resources,
        tenant,
        name="Unhappy",
        trigger="ticket.rated",
        conditions=[{"field": "event.score", "op": "lte", "value": 2}],
        actions=[{"type": "add_labels", "labels": ["unhappy"]}],
    )
    view = await new_ticket(resources.database, resources.bus, tenant.workspace_id)
    for score in (5, 1):
        event = ticket_event("ticket.rated", view.ticket, [], Actor("customer", None), score=score)
        payload = engine.evaluation_for(event)
        assert payload is not None
        async with resources.database.transaction() as session:
            await engine.evaluate(session, resources.bus, payload)
    runs = await runs_of(resources, rule_id)
    assert [r.matched for r in runs] == [False, True]
    async with resources.database.transaction() as session:
        ticket = (await tickets.get_ticket(session, tenant.workspace_id, view.ticket.id)).ticket
    assert ticket.labels == ["unhappy"]
