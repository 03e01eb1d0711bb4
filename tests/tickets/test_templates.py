"""Reply templates: every variable family, defaults, missing values, and no code execution."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from deskpilot.kit.db import Database
from deskpilot.kit.deps import Resources
from deskpilot.models import Conversation, Customer, Order
from deskpilot.tickets.repository import TicketRepository
from deskpilot.tickets.responses.templates import (
    conversation_variables,
    render,
    ticket_variables,
)
from deskpilot.tickets.schemas import SYSTEM
from deskpilot.tickets.service import link_conversation
from tests.factories import Tenant
from tests.test_workspace_isolation import _conversation
from tests.tickets.helpers import new_ticket

VARIABLES: dict[str, object] = {
    "customer": {"name": "Ann Lee", "traits": {"plan": "gold", "vip": True, "empty": ""}},
    "ticket": {"reference": "DP-000007", "total": Decimal("19.90"), "tags": ["a", "b"]},
}


def test_placeholders_are_filled_from_nested_variables() -> None:
    text = "Hi {{customer.name}}, {{ ticket.reference }} ({{ customer.traits.plan }})"
    assert render(text, VARIABLES) == "Hi Ann Lee, DP-000007 (gold)"
    assert render("{{ ticket.total }} {{ ticket.tags }}", VARIABLES) == "19.90 a, b"
    assert render("VIP: {{ customer.traits.vip }}", VARIABLES) == "VIP: yes"


def test_unknown_or_empty_variables_render_empty_or_their_default() -> None:
    assert render("[{{ customer.email }}]", VARIABLES) == "[]"
    assert render("[{{ nothing.at.all }}]", {}) == "[]"
    assert render("[{{ customer }}]", VARIABLES) == "[]"  # a mapping is not a value
    assert render('Hi {{ customer.first_name | default: "there" }}!', VARIABLES) == "Hi there!"
    assert render("{{ customer.traits.empty|default:'n/a' }}", VARIABLES) == "n/a"
    assert render('{{ customer.name | default: "there" }}', VARIABLES) == "Ann Lee"
    assert render('{{ x | default: "say \\"hi\\"" }}', {}) == 'say "hi"'
    assert render("no placeholders {single} }}", VARIABLES) == "no placeholders {single} }}"


def test_templates_cannot_execute_code_or_reach_attributes() -> None:
    class Secret:
        password = "hunter2"

    variables: dict[str, object] = {"obj": Secret(), "customer": {"name": "Ann"}}
    for template in (
        "{{ __import__('os').system('echo hacked') }}",
        "{{ customer.name.__class__ }}",
        "{{ obj.password }}",
        "{{ customer.name | upper }}",
        "{{ 7*7 }}",
        "{% for x in y %}",
    ):
        rendered = render(template, variables)
        assert "hunter2" not in rendered
        assert "49" not in rendered
        assert "class" not in rendered
    assert render("{{ obj.password }}", variables) == ""
    assert render("{% for x in y %}", variables) == "{% for x in y %}"  # not ours: left alone


async def test_ticket_variables_come_from_the_customer_360_ticket_agent_and_workspace(
    database: Database, resources: Resources, tenant: Tenant
) -> None:
    async with database.transaction() as session:
        customer = Customer(
            workspace_id=tenant.workspace_id,
            name="Ann Lee",
            email="ann@example.com",
            attributes={"plan": "gold"},
            computed={"order_count": 2, "plan": "computed"},
        )
        session.add(customer)
        await session.flush()
        for number, status, day in (("1001", "delivered", 1), ("1002", "shipped", 5)):
            session.add(
                Order(
                    workspace_id=tenant.workspace_id,
                    external_id=number,
                    customer_id=customer.id,
                    status=status,
                    total=Decimal("42.50"),
                    placed_at=datetime(2026, 3, day, tzinfo=UTC),
                )
            )
    view = await new_ticket(
        database,
        resources.bus,
        tenant.workspace_id,
        subject="Where is my parcel?",
        customer_id=customer.id,
        assignee_id=tenant.owner_id,
    )
    template = (
        "Hi {{ customer.first_name }} ({{ customer.name }}, {{ customer.email }}), "
        "{{ ticket.reference }} '{{ ticket.subject }}' is {{ ticket.status }}. "
        "Order {{ customer.last_order.number }}: {{ customer.last_order.status }}. "
        "Plan {{ customer.traits.plan }}, orders {{ customer.traits.order_count }}. "
        "{{ agent.name }} at {{ workspace.name }}"
    )
    async with database.transaction() as session:
        ticket = await TicketRepository(session, tenant.workspace_id).get_or_404(view.ticket.id)
        text = render(template, await ticket_variables(session, ticket))
    assert text == (
        "Hi Ann (Ann Lee, ann@example.com), DP-000001 'Where is my parcel?' is new. "
        "Order 1002: shipped. Plan gold, orders 2. acme owner at Acme"
    )


async def test_a_ticket_without_customer_or_agent_renders_defaults(
    database: Database, resources: Resources, tenant: Tenant
) -> None:
    view = await new_ticket(database, resources.bus, tenant.workspace_id)
    async with database.transaction() as session:
        ticket = await TicketRepository(session, tenant.workspace_id).get_or_404(view.ticket.id)
        variables = await ticket_variables(session, ticket)
    template = 'Hi {{ customer.name | default: "there" }}, {{ agent.name | default: "we" }}'
    assert render(template, variables) == "Hi there, we"


async def test_conversation_variables_name_its_customer_and_open_ticket(
    database: Database, resources: Resources, tenant: Tenant
) -> None:
    conversation_id = await _conversation(resources, tenant)
    view = await new_ticket(database, resources.bus, tenant.workspace_id)
    async with database.transaction() as session:
        await link_conversation(
            session, resources.bus, tenant.workspace_id, view.ticket.id, conversation_id, SYSTEM
        )
    async with database.transaction() as session:
        conversation = await session.get(Conversation, conversation_id)
        assert conversation is not None
        variables = await conversation_variables(session, conversation, agent_id=tenant.owner_id)
    text = "{{ customer.name }} / {{ ticket.reference }} / {{ agent.first_name }}"
    assert render(text, variables) == "acme customer / DP-000001 / acme"
