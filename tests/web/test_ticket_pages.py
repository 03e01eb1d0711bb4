"""The ticket pages (list with filters and the SLA due column, one ticket), and the tickets
API's conversation filter that the ticket panel uses."""

from __future__ import annotations

from datetime import timedelta

import httpx

from deskpilot.kit.clock import utcnow
from deskpilot.kit.deps import Resources
from deskpilot.models import Priority, SatisfactionSurvey, TicketStatus
from deskpilot.web.console.tickets import sla_due
from tests.auth import sign_in
from tests.customers.support360 import profile
from tests.factories import Tenant
from tests.tickets.helpers import new_ticket
from tests.web.test_customer_pages import PREFERENCES_COOKIE, _conversation_of


async def test_the_list_filters_by_status_assignee_priority_and_shows_the_sla_due(
    client: httpx.AsyncClient, resources: Resources, tenant: Tenant
) -> None:
    db, bus, ws = resources.database, resources.bus, tenant.workspace_id
    due = utcnow() + timedelta(hours=3)
    await new_ticket(
        db,
        bus,
        ws,
        "Mine and urgent",
        assignee_id=tenant.owner_id,
        priority=Priority.URGENT,
        due_at=due,
    )
    await new_ticket(
        db, bus, ws, "Zanzibar's, <i>waiting</i>", status=TicketStatus.PENDING_CUSTOMER
    )
    await sign_in(client, tenant.owner_email)

    everything = await client.get("/tickets")
    assert everything.status_code == 200
    assert "Mine and urgent" in everything.text
    assert "Zanzibar&#39;s, &lt;i&gt;waiting&lt;/i&gt;" in everything.text
    assert "Waiting for the customer" in everything.text
    mine = await client.get("/tickets", params={"assignee": "me"})
    assert "Mine and urgent" in mine.text
    assert "Zanzibar" not in mine.text
    nobody = await client.get("/tickets", params={"assignee": "none"})
    assert "Zanzibar" in nobody.text
    assert "Mine and urgent" not in nobody.text
    urgent = await client.get("/tickets", params={"priority": "urgent", "status": "nonsense"})
    assert urgent.status_code == 200
    assert "Mine and urgent" in urgent.text
    assert "Zanzibar" not in urgent.text
    pending = await client.get("/tickets", params={"status": "pending_customer"})
    assert "Zanzibar" in pending.text
    assert "Mine and urgent" not in pending.text
    bad_cursor = await client.get("/tickets", params={"cursor": "nope"})
    assert bad_cursor.status_code == 200

    client.cookies.set(PREFERENCES_COOKIE, "zh.light.m")
    chinese = await client.get("/tickets")
    assert "等待客户" in chinese.text
    assert "SLA 截止" in chinese.text


async def test_the_ticket_page_shows_fields_history_conversations_and_surveys(
    client: httpx.AsyncClient, resources: Resources, tenant: Tenant
) -> None:
    customer_id = await profile(resources, tenant, "ada", name="Ada")
    conversation_id = await _conversation_of(resources, customer_id)
    view = await new_ticket(
        resources.database,
        resources.bus,
        tenant.workspace_id,
        "Parcel lost",
        conversation_id=conversation_id,
        description="It never came.",
    )
    ticket_id = view.ticket.id
    async with resources.database.transaction() as session:
        session.add(
            SatisfactionSurvey(
                workspace_id=tenant.workspace_id,
                ticket_id=ticket_id,
                customer_id=customer_id,
                sent_at=utcnow(),
                answered_at=utcnow(),
                score=4,
                comment="Quick, thanks",
            )
        )
    csrf = await sign_in(client, tenant.owner_email)
    comment = await client.post(
        f"/api/v1/tickets/{ticket_id}/comments",
        json={"text": "Called the courier", "public": False},
        headers={"X-CSRF-Token": csrf},
    )
    assert comment.status_code == 201, comment.text

    page = await client.get(f"/tickets/{ticket_id}")
    assert page.status_code == 200
    assert "DP-000001" in page.text
    assert "It never came." in page.text
    assert "Called the courier" in page.text
    assert f'href="/conversations/{conversation_id}"' in page.text
    assert "Score 4 of 5" in page.text
    assert "Quick, thanks" in page.text
    assert f'href="/customers/{customer_id}"' in page.text
    assert "/static/console/ticket_panel.js" in page.text

    client.cookies.set(PREFERENCES_COOKIE, "ru.dark.m")
    russian = await client.get(f"/tickets/{ticket_id}")
    assert "История" in russian.text
    assert "Оценка 4 из 5" in russian.text


async def test_another_workspaces_ticket_is_not_found(
    client: httpx.AsyncClient, resources: Resources, tenant: Tenant, other_tenant: Tenant
) -> None:
    theirs = await new_ticket(
        resources.database, resources.bus, other_tenant.workspace_id, "Globex secret"
    )
    await sign_in(client, tenant.owner_email)
    page = await client.get(f"/tickets/{theirs.ticket.id}")
    assert page.status_code == 404
    assert "Globex secret" not in page.text
    assert "Globex secret" not in (await client.get("/tickets")).text


async def test_the_tickets_api_filters_by_linked_conversation(
    client: httpx.AsyncClient, resources: Resources, tenant: Tenant, other_tenant: Tenant
) -> None:
    customer_id = await profile(resources, tenant, "ada")
    conversation_id = await _conversation_of(resources, customer_id)
    linked = await new_ticket(
        resources.database,
        resources.bus,
        tenant.workspace_id,
        "Linked",
        conversation_id=conversation_id,
    )
    await new_ticket(resources.database, resources.bus, tenant.workspace_id, "Unlinked")
    found = await client.get(
        "/api/v1/tickets", params={"conversation_id": conversation_id}, headers=tenant.headers
    )
    assert found.status_code == 200
    assert [t["id"] for t in found.json()["items"]] == [linked.ticket.id]
    none = await client.get(
        "/api/v1/tickets", params={"conversation_id": "cnv_unknown"}, headers=tenant.headers
    )
    assert none.json()["items"] == []
    # another workspace's caller sees nothing linked to this conversation
    other = await client.get(
        "/api/v1/tickets",
        params={"conversation_id": conversation_id},
        headers=other_tenant.headers,
    )
    assert other.json()["items"] == []


def test_the_sla_target_is_the_first_response_until_it_is_done() -> None:
    from deskpilot.tickets.schemas import TicketRead

    now = utcnow()
    base = {
        "id": "tkt_1",
        "reference": "DP-000001",
        "number": 1,
        "type": "question",
        "category": None,
        "priority": "normal",
        "status": "open",
        "source": "api",
        "subject": "s",
        "description": "",
        "language": None,
        "labels": [],
        "attachments": [],
        "customer_id": None,
        "channel_id": None,
        "assignee_id": None,
        "team_id": None,
        "due_at": None,
        "first_response_at": None,
        "solved_at": None,
        "closed_at": None,
        "sla_policy_id": None,
        "first_response_due_at": now,
        "resolution_due_at": now,
        "sla_paused_at": None,
        "first_response_breached_at": None,
        "resolution_breached_at": None,
        "created_at": now,
        "updated_at": now,
    }
    assert sla_due(TicketRead.model_validate(base)) == ("first_response", now)
    answered = TicketRead.model_validate(base | {"first_response_at": now})
    assert sla_due(answered) == ("resolution", now)
    solved = TicketRead.model_validate(base | {"first_response_at": now, "solved_at": now})
    assert sla_due(solved) is None


async def test_a_viewer_reads_tickets_and_customers(
    client: httpx.AsyncClient, resources: Resources, tenant: Tenant
) -> None:
    from deskpilot.models import Role
    from tests.factories import create_member

    customer_id = await profile(resources, tenant, "ada", name="Ada")
    view = await new_ticket(resources.database, resources.bus, tenant.workspace_id, "Read me")
    await create_member(
        resources.database, tenant.workspace_id, "viewer@acme.example.com", Role.VIEWER
    )
    await sign_in(client, "viewer@acme.example.com")
    for path in (
        "/tickets",
        f"/tickets/{view.ticket.id}",
        "/customers",
        f"/customers/{customer_id}",
    ):
        assert (await client.get(path)).status_code == 200, path
