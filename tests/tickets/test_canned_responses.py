"""Canned responses: agents read and render, admins write, shortcuts are unique per workspace."""

from __future__ import annotations

from typing import Any

import httpx

from deskpilot.kit.db import Database
from deskpilot.kit.deps import Resources
from deskpilot.models import Customer, Role
from tests.factories import Tenant, create_api_key
from tests.test_workspace_isolation import _conversation
from tests.tickets.helpers import new_ticket

URL = "/api/v1/canned-responses"


async def create(client: httpx.AsyncClient, tenant: Tenant, **fields: Any) -> dict[str, Any]:
    body = {"shortcut": "hello", "title": "Greeting", "body": "Hi {{ customer.name }}"} | fields
    response = await client.post(URL, json=body, headers=tenant.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def test_admins_write_and_agents_read_and_search(
    client: httpx.AsyncClient, database: Database, tenant: Tenant
) -> None:
    hello = await create(client, tenant)
    await create(client, tenant, shortcut="refund", title="Refund policy", body="We refund.")
    agent = {
        "Authorization": f"Bearer {await create_api_key(database, tenant.workspace_id, Role.AGENT)}"
    }

    listed = (await client.get(URL, headers=agent)).json()
    assert [r["shortcut"] for r in listed] == ["hello", "refund"]
    assert [
        r["shortcut"] for r in (await client.get(URL, params={"q": "POLICY"}, headers=agent)).json()
    ] == ["refund"]
    assert [
        r["shortcut"] for r in (await client.get(URL, params={"q": "hel"}, headers=agent)).json()
    ] == ["hello"]
    assert (await client.get(URL, params={"q": "%"}, headers=agent)).json() == []
    assert (await client.get(f"{URL}/{hello['id']}", headers=agent)).json()["body"] == hello["body"]

    refused = await client.post(
        URL, json={"shortcut": "x", "title": "X", "body": "X"}, headers=agent
    )
    assert refused.status_code == 403
    assert (await client.delete(f"{URL}/{hello['id']}", headers=agent)).status_code == 403

    changed = await client.patch(
        f"{URL}/{hello['id']}", json={"title": "Hello!"}, headers=tenant.headers
    )
    assert changed.status_code == 200
    assert changed.json()["title"] == "Hello!"
    assert (await client.delete(f"{URL}/{hello['id']}", headers=tenant.headers)).status_code == 204
    assert (await client.get(f"{URL}/{hello['id']}", headers=agent)).status_code == 404


async def test_a_shortcut_is_unique_in_a_workspace_and_bad_input_is_a_clear_4xx(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    first = await create(client, tenant)
    await create(client, tenant, shortcut="other")
    await create(client, other_tenant)  # another workspace may use the same shortcut
    again = await client.post(
        URL, json={"shortcut": "hello", "title": "T", "body": "B"}, headers=tenant.headers
    )
    assert again.status_code == 409
    renamed = await client.patch(
        f"{URL}/{first['id']}", json={"shortcut": "other"}, headers=tenant.headers
    )
    assert renamed.status_code == 409
    cleared = await client.patch(
        f"{URL}/{first['id']}", json={"body": None}, headers=tenant.headers
    )
    assert cleared.status_code == 422
    bad = await client.post(
        URL, json={"shortcut": "has space", "title": "T", "body": "B"}, headers=tenant.headers
    )
    assert bad.status_code == 422


async def test_render_for_a_ticket_or_a_conversation(
    client: httpx.AsyncClient, database: Database, resources: Resources, tenant: Tenant
) -> None:
    async with database.transaction() as session:
        customer = Customer(workspace_id=tenant.workspace_id, name="Ann Lee")
        session.add(customer)
    view = await new_ticket(
        database, resources.bus, tenant.workspace_id, subject="Late", customer_id=customer.id
    )
    response = await create(
        client,
        tenant,
        body='Hi {{ customer.first_name | default: "there" }}, about {{ ticket.reference }}: '
        "{{ ticket.subject }}. {{ workspace.name }}",
    )
    rendered = await client.post(
        f"{URL}/{response['id']}/render", json={"ticket_id": view.ticket.id}, headers=tenant.headers
    )
    assert rendered.status_code == 200, rendered.text
    assert rendered.json() == {
        "id": response["id"],
        "shortcut": "hello",
        "text": "Hi Ann, about DP-000001: Late. Acme",
    }

    conversation_id = await _conversation(resources, tenant)
    rendered = await client.post(
        f"{URL}/{response['id']}/render",
        json={"conversation_id": conversation_id},
        headers=tenant.headers,
    )
    assert rendered.json()["text"] == "Hi acme, about : . Acme"

    both = await client.post(
        f"{URL}/{response['id']}/render",
        json={"ticket_id": view.ticket.id, "conversation_id": conversation_id},
        headers=tenant.headers,
    )
    assert both.status_code == 422
    missing = await client.post(
        f"{URL}/{response['id']}/render", json={"ticket_id": "tkt_nope"}, headers=tenant.headers
    )
    assert missing.status_code == 404


async def test_another_workspaces_responses_tickets_and_conversations_are_not_found(
    client: httpx.AsyncClient, resources: Resources, tenant: Tenant, other_tenant: Tenant
) -> None:
    theirs = await create(client, other_tenant, body="secret globex text")
    ours = await create(client, tenant)
    their_ticket = await new_ticket(resources.database, resources.bus, other_tenant.workspace_id)
    their_conversation = await _conversation(resources, other_tenant)
    listed = (await client.get(URL, headers=tenant.headers)).json()
    assert [r["id"] for r in listed] == [ours["id"]]
    for method, path, body in (
        ("GET", f"{URL}/{theirs['id']}", None),
        ("PATCH", f"{URL}/{theirs['id']}", {"title": "Mine now"}),
        ("DELETE", f"{URL}/{theirs['id']}", None),
        ("POST", f"{URL}/{theirs['id']}/render", {"ticket_id": their_ticket.ticket.id}),
        ("POST", f"{URL}/{ours['id']}/render", {"ticket_id": their_ticket.ticket.id}),
        ("POST", f"{URL}/{ours['id']}/render", {"conversation_id": their_conversation}),
    ):
        response = await client.request(method, path, json=body, headers=tenant.headers)
        assert response.status_code == 404, (method, path, response.text)
    assert (await client.get(f"{URL}/{theirs['id']}", headers=other_tenant.headers)).json()[
        "title"
    ] == "Greeting"
