"""Macros: admins write them, agents apply them to a ticket as themselves."""

from __future__ import annotations

from typing import Any

import httpx

from deskpilot.kit.db import Database
from deskpilot.kit.deps import Resources
from deskpilot.models import Role
from deskpilot.tickets import service as tickets
from tests.factories import Tenant, create_api_key
from tests.tickets.helpers import new_ticket

MACROS = "/api/v1/macros"
MACRO: dict[str, Any] = {
    "name": "Escalate billing",
    "description": "Urgent, billing, with a note",
    "actions": [
        {"type": "set_priority", "value": "urgent"},
        {"type": "set_category", "value": "billing"},
        {"type": "add_labels", "labels": ["escalated"]},
        {"type": "add_note", "text": "Escalated to billing"},
    ],
}


async def test_crud_roles_and_validation(
    client: httpx.AsyncClient, database: Database, tenant: Tenant
) -> None:
    agent_key = await create_api_key(database, tenant.workspace_id, Role.AGENT)
    agent = {"Authorization": f"Bearer {agent_key}"}
    assert (await client.post(MACROS, headers=agent, json=MACRO)).status_code == 403
    created = await client.post(MACROS, headers=tenant.headers, json=MACRO)
    assert created.status_code == 201, created.text
    macro = created.json()
    assert (await client.post(MACROS, headers=tenant.headers, json=MACRO)).status_code == 409
    assert [m["id"] for m in (await client.get(MACROS, headers=agent)).json()] == [macro["id"]]
    bad = await client.patch(
        f"{MACROS}/{macro['id']}",
        headers=tenant.headers,
        json={"actions": [{"type": "set_status", "value": "gone"}]},
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["fields"][0]["field"] == "actions[0].value"
    renamed = await client.patch(
        f"{MACROS}/{macro['id']}", headers=tenant.headers, json={"name": "Billing"}
    )
    assert renamed.status_code == 200
    assert renamed.json()["name"] == "Billing"
    assert (await client.get(f"{MACROS}/{macro['id']}", headers=agent)).status_code == 200
    assert (await client.delete(f"{MACROS}/{macro['id']}", headers=agent)).status_code == 403
    deleted = await client.delete(f"{MACROS}/{macro['id']}", headers=tenant.headers)
    assert deleted.status_code == 204
    assert (await client.get(f"{MACROS}/{macro['id']}", headers=agent)).status_code == 404


async def test_applying_a_macro_changes_the_ticket_as_the_agent(
    client: httpx.AsyncClient, database: Database, resources: Resources, tenant: Tenant
) -> None:
    agent_key = await create_api_key(database, tenant.workspace_id, Role.AGENT)
    agent = {"Authorization": f"Bearer {agent_key}"}
    macro = (await client.post(MACROS, headers=tenant.headers, json=MACRO)).json()
    view = await new_ticket(database, resources.bus, tenant.workspace_id)
    answer = await client.post(
        f"/api/v1/tickets/{view.ticket.id}/macros/{macro['id']}", headers=agent
    )
    assert answer.status_code == 200, answer.text
    ticket = answer.json()
    assert (ticket["priority"], ticket["category"]) == ("urgent", "billing")
    assert "escalated" in ticket["labels"]
    async with database.transaction() as session:
        history = await tickets.history(session, tenant.workspace_id, view.ticket.id)
    applied = [h for h in history if h.actor_type == "api_key"]
    assert [h.kind for h in applied] == ["updated", "updated", "updated", "comment"]
    assert applied[-1].note == "Escalated to billing"
    assert not applied[-1].is_public
    missing = await client.post(f"/api/v1/tickets/{view.ticket.id}/macros/mac_nope", headers=agent)
    assert missing.status_code == 404


async def test_a_macro_that_cannot_apply_changes_nothing(
    client: httpx.AsyncClient, database: Database, resources: Resources, tenant: Tenant
) -> None:
    body = {
        "name": "Hand to a stranger",
        "actions": [
            {"type": "set_priority", "value": "high"},
            {"type": "assign", "user_id": "usr_stranger"},
        ],
    }
    macro = (await client.post(MACROS, headers=tenant.headers, json=body)).json()
    view = await new_ticket(database, resources.bus, tenant.workspace_id)
    answer = await client.post(
        f"/api/v1/tickets/{view.ticket.id}/macros/{macro['id']}", headers=tenant.headers
    )
    assert answer.status_code == 422
    async with database.transaction() as session:
        ticket = (await tickets.get_ticket(session, tenant.workspace_id, view.ticket.id)).ticket
    assert ticket.priority == "normal"
