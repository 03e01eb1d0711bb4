"""Rule conditions: every operator, every field family, and the checks made when saving."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from deskpilot.channels import service as channel_service
from deskpilot.channels.schemas import ChannelCreate
from deskpilot.conversations.intake import InboundMessage, receive
from deskpilot.customers.service import SenderHandle
from deskpilot.kit.clock import utcnow
from deskpilot.kit.deps import Resources
from deskpilot.models import (
    Customer,
    Message,
    Segment,
    SegmentMembership,
    TicketSource,
    TicketStatus,
)
from deskpilot.tickets import service as tickets
from deskpilot.tickets.automation.conditions import holds, validate
from deskpilot.tickets.automation.facts import Facts
from deskpilot.tickets.schemas import SYSTEM, TicketCreate, TicketUpdate
from deskpilot.tickets.service import TicketView
from tests.factories import Tenant
from tests.tickets.helpers import new_ticket

ANNOTATIONS = {
    "language": "en",
    "intent": "order_status",
    "confidence": 0.91,
    "sentiment": {"score": -0.6, "label": "negative"},
    "urgency": "high",
}


async def ticket_in_conversation(
    resources: Resources,
    tenant: Tenant,
    text: str = "Where is my order?",
    annotations: dict[str, Any] | None = None,
    **fields: Any,
) -> TicketView:
    """A customer message through intake on an API channel, (annotated as the AI would), and a
    ticket made from its conversation."""
    async with resources.database.transaction() as session:
        channel = await channel_service.create_channel(
            session,
            resources.secret_box,
            tenant.workspace_id,
            ChannelCreate(type="api", name=f"api {utcnow().timestamp()}"),
        )
        result = await receive(
            session,
            resources.bus,
            resources.files,
            channel,
            InboundMessage(sender=SenderHandle("ann-1", name="Ann"), text=text, external_id="m-1"),
        )
        if annotations is not None:
            result.message.annotations = annotations
        conversation_id = result.conversation.id
    async with resources.database.transaction() as session:
        return await tickets.create_ticket(
            session,
            resources.bus,
            tenant.workspace_id,
            TicketCreate(subject="Order", conversation_id=conversation_id, **fields),
            SYSTEM,
            TicketSource.AGENT,
        )


def c(field: str, op: str, value: object = None, **extra: object) -> dict[str, Any]:
    condition: dict[str, Any] = {"field": field, "op": op}
    if value is not None or extra.get("null"):
        condition["value"] = value
    return condition


@pytest.mark.parametrize(
    ("condition", "value", "expected"),
    [
        (c("ticket.priority", "eq", "high"), "high", True),
        (c("ticket.subject", "eq", "HELLO"), "hello", True),
        (c("ticket.priority", "ne", "high"), "low", True),
        (c("ticket.priority", "in", ["high", "urgent"]), "urgent", True),
        (c("ticket.priority", "not_in", ["high", "urgent"]), "high", False),
        (c("ticket.subject", "contains", "REFUND"), "I want a refund", True),
        (c("ticket.subject", "not_contains", "refund"), "Where is it", True),
        (c("ticket.labels", "contains", "vip"), ["vip", "b2b"], True),
        (c("ticket.labels", "not_contains", "vip"), ["b2b"], True),
        (c("ticket.labels", "eq", "b2b"), ["vip", "b2b"], True),
        (c("ai.intent_confidence", "gt", 0.5), 0.9, True),
        (c("ai.intent_confidence", "gte", 0.9), 0.9, True),
        (c("ai.intent_confidence", "lt", 0.5), 0.9, False),
        (c("ai.intent_confidence", "lte", 0.9), 0.9, True),
        (c("ai.intent_confidence", "gt", 0.5), None, False),
        (c("customer.traits.orders", "gte", 3), "4", True),
        (c("ticket.assignee_id", "is_set"), "usr_1", True),
        (c("ticket.assignee_id", "is_set"), None, False),
        (c("ticket.labels", "is_empty"), [], True),
        (c("ticket.category", "is_empty"), "billing", False),
        (c("customer.traits.vip", "eq", True), True, True),
        (c("customer.traits.vip", "eq", True), 1, False),
    ],
)
def test_every_operator(condition: dict[str, Any], value: object, expected: bool) -> None:
    assert validate([condition]) == []
    assert holds(condition, value, None) is expected


def test_changed_and_changed_to_look_at_the_event_changes() -> None:
    changes = {"status": ["open", "pending_customer"]}
    assert holds(c("ticket.status", "changed"), "pending_customer", changes)
    assert not holds(c("ticket.priority", "changed"), "high", changes)
    assert holds(c("ticket.status", "changed_to", "pending_customer"), None, changes)
    assert not holds(c("ticket.status", "changed_to", "solved"), None, changes)
    assert not holds(c("ticket.status", "changed"), "open", None)  # not an update


def test_saving_names_every_problem_by_its_path() -> None:
    errors = validate(
        [
            c("ticket.priority", "eq", "high"),
            {"field": "ticket.priority", "op": "like", "value": "x"},
            {"field": "ticket.nope", "op": "eq", "value": "x"},
            c("ticket.priority", "eq", "extreme"),
            c("ticket.subject", "gt", 3),
            c("ai.intent_confidence", "eq", "high"),
            c("ticket.priority", "in", []),
            {"field": "ticket.status", "op": "is_set", "value": "x", "extra": 1},
            c("ai.intent", "changed"),
            "not an object",
        ]
    )
    fields = [e.field for e in errors]
    assert fields == [
        "conditions[1].op",
        "conditions[2].field",
        "conditions[3].value",
        "conditions[4].op",
        "conditions[5].value",
        "conditions[6].value",
        "conditions[7].extra",
        "conditions[7].value",
        "conditions[8].op",
        "conditions[9]",
    ]


async def test_ticket_fields_and_time_fields(resources: Resources, tenant: Tenant) -> None:
    view = await new_ticket(
        resources.database, resources.bus, tenant.workspace_id, labels=["vip"], category="billing"
    )
    async with resources.database.transaction() as session:
        await tickets.update_ticket(
            session,
            resources.bus,
            tenant.workspace_id,
            view.ticket.id,
            TicketUpdate(status=TicketStatus.PENDING_CUSTOMER),
            SYSTEM,
        )
    async with resources.database.transaction() as session:
        ticket = (await tickets.get_ticket(session, tenant.workspace_id, view.ticket.id)).ticket
        facts = Facts(session, ticket, now=ticket.updated_at + timedelta(hours=73))
        assert await facts.lookup("ticket.status") == "pending_customer"
        assert await facts.lookup("ticket.labels") == ["vip"]
        assert await facts.lookup("ticket.category") == "billing"
        assert await facts.lookup("ticket.source") == "api"
        assert await facts.lookup("ticket.channel_type") is None
        assert 72.9 < float(await facts.lookup("ticket.hours_since_update")) < 73.1  # type: ignore[arg-type]
        assert 72.9 < float(await facts.lookup("ticket.hours_in_status")) < 73.1  # type: ignore[arg-type]
        assert float(await facts.lookup("ticket.hours_since_created")) >= 73  # type: ignore[arg-type]


async def test_customer_and_ai_fields(resources: Resources, tenant: Tenant) -> None:
    view = await ticket_in_conversation(resources, tenant, annotations=ANNOTATIONS)
    async with resources.database.transaction() as session:
        customer = await session.get(Customer, view.ticket.customer_id)
        assert customer is not None
        customer.email = "ann@Example.org"
        customer.attributes = {"plan": "gold", "orders": 4}
        segment = Segment(workspace_id=tenant.workspace_id, name="VIP")
        session.add(segment)
        await session.flush()
        session.add(
            SegmentMembership(
                workspace_id=tenant.workspace_id,
                segment_id=segment.id,
                customer_id=customer.id,
                since=utcnow(),
            )
        )
    async with resources.database.transaction() as session:
        ticket = (await tickets.get_ticket(session, tenant.workspace_id, view.ticket.id)).ticket
        facts = Facts(session, ticket, now=utcnow())
        segments = await facts.lookup("customer.segments")
        assert holds(c("customer.segments", "contains", "vip"), segments, None)
        assert holds(c("customer.segments", "in", [segment.id]), segments, None)
        assert await facts.lookup("customer.email_domain") == "example.org"
        assert await facts.lookup("customer.traits.plan") == "gold"
        assert await facts.lookup("customer.traits.orders") == 4
        assert await facts.lookup("customer.traits.name") == "Ann"
        assert await facts.lookup("customer.traits.unknown") is None
        assert await facts.lookup("ticket.channel_type") == "api"
        assert await facts.lookup("ai.intent") == "order_status"
        assert await facts.lookup("ai.intent_confidence") == 0.91
        assert await facts.lookup("ai.sentiment") == "negative"
        assert await facts.lookup("ai.sentiment_score") == -0.6
        assert await facts.lookup("ai.language") == "en"
        assert await facts.lookup("ai.urgency") == "high"
        messages = (await session.scalars(select(Message))).all()
        assert len(messages) == 1


async def test_event_fields(resources: Resources, tenant: Tenant) -> None:
    view = await new_ticket(resources.database, resources.bus, tenant.workspace_id)
    event = {
        "changes": {"status": ["new", "open"], "priority": ["normal", "high"]},
        "score": 2,
        "actor": {"type": "user", "id": tenant.owner_id},
    }
    async with resources.database.transaction() as session:
        ticket = (await tickets.get_ticket(session, tenant.workspace_id, view.ticket.id)).ticket
        facts = Facts(session, ticket, now=utcnow(), event=event)
        assert await facts.lookup("event.changes") == ["priority", "status"]
        assert await facts.lookup("event.score") == 2
        assert await facts.lookup("event.actor_type") == "user"
        assert holds(c("event.changes", "contains", "status"), ["priority", "status"], None)
        assert holds(c("event.score", "lte", 2), 2, None)
        no_event = Facts(session, ticket, now=utcnow())
        assert await no_event.lookup("event.score") is None
        assert await no_event.lookup("ai.intent") is None  # no conversation
