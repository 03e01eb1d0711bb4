"""One time-ordered view per customer, newest first, with cursor pagination."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from deskpilot.kit.clock import utcnow
from deskpilot.kit.deps import Resources
from deskpilot.models import Order
from tests.customers.support360 import profile
from tests.factories import Tenant


async def pages(
    client: httpx.AsyncClient, tenant: Tenant, customer_id: str, limit: int
) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        response = await client.get(
            f"/api/v1/customers/{customer_id}/timeline", headers=tenant.headers, params=params
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert len(body["items"]) <= limit
        entries.extend(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return entries


async def test_the_timeline_merges_every_kind_newest_first_across_pages(
    client: httpx.AsyncClient, resources: Resources, tenant: Tenant
) -> None:
    customer_id = await profile(
        resources, tenant, "ada", text="Where is my parcel?", at=utcnow(), orders=3, events=4
    )
    listed = await client.get(
        "/api/v1/conversations", headers=tenant.headers, params={"customer_id": customer_id}
    )
    [conversation] = listed.json()["items"]
    for text, private in (("an internal note", True), ("On its way!", False)):
        reply = await client.post(
            f"/api/v1/conversations/{conversation['id']}/messages",
            headers=tenant.headers,
            json={"text": text, "private": private},
        )
        assert reply.status_code == 201, reply.text

    everything = await pages(client, tenant, customer_id, limit=2)
    kinds = [e["kind"] for e in everything]
    assert kinds.count("conversation") == 1
    assert kinds.count("message") == 2  # the question and the reply, not the private note
    assert kinds.count("order") == 3
    assert kinds.count("event") == 4
    assert "an internal note" not in [e["summary"] for e in everything]
    keys = [(e["at"], e["id"]) for e in everything]
    assert keys == sorted(keys, reverse=True)
    assert len(set(keys)) == len(keys)  # no entry twice across pages
    assert everything == await pages(client, tenant, customer_id, limit=200)


async def test_orders_without_a_placed_time_use_their_creation(
    client: httpx.AsyncClient, resources: Resources, tenant: Tenant
) -> None:
    customer_id = await profile(
        resources, tenant, "b", at=utcnow() - timedelta(days=30), orders=0, events=0
    )
    async with resources.database.transaction() as session:
        order = Order(
            workspace_id=tenant.workspace_id,
            external_id="no-date",
            customer_id=customer_id,
            status="pending",
        )
        session.add(order)
    [newest, *_] = await pages(client, tenant, customer_id, limit=50)
    assert (newest["kind"], newest["data"]["external_id"]) == ("order", "no-date")


async def test_a_bad_cursor_is_a_422_and_a_foreign_customer_a_404(
    client: httpx.AsyncClient, resources: Resources, tenant: Tenant, other_tenant: Tenant
) -> None:
    mine = await profile(resources, tenant, "mine")
    theirs = await profile(resources, other_tenant, "theirs")
    bad = await client.get(
        f"/api/v1/customers/{mine}/timeline", headers=tenant.headers, params={"cursor": "nope"}
    )
    assert bad.status_code == 422
    foreign = await client.get(f"/api/v1/customers/{theirs}/timeline", headers=tenant.headers)
    assert foreign.status_code == 404
