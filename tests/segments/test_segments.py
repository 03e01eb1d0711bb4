"""Segments over the API: validation, memberships kept up to date, events, preview."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from deskpilot.kit.bus import BusEvent
from deskpilot.kit.deps import Resources
from deskpilot.models import Role
from deskpilot.segments import service
from tests.factories import Tenant, create_api_key
from tests.segments.helpers import add_order, make_customer, run_jobs

BIG_SPENDERS = {"trait": "computed.lifetime_value", "op": ">", "value": 500}


async def _create(client: httpx.AsyncClient, tenant: Tenant, name: str, rules: Any) -> str:
    response = await client.post(
        "/api/v1/segments", json={"name": name, "rules": rules}, headers=tenant.headers
    )
    assert response.status_code == 201, response.text
    segment_id: str = response.json()["id"]
    return segment_id


async def _member_ids(client: httpx.AsyncClient, tenant: Tenant, segment_id: str) -> set[str]:
    response = await client.get(f"/api/v1/segments/{segment_id}/members", headers=tenant.headers)
    assert response.status_code == 200, response.text
    return {item["customer"]["id"] for item in response.json()["items"]}


async def test_rule_errors_name_their_path(client: httpx.AsyncClient, tenant: Tenant) -> None:
    rules = {
        "all": [
            {"trait": "computed.lifetime_value", "op": "~", "value": 1},
            {"trait": "computed.nonsense", "op": "=", "value": 1},
            {"event": "", "within_days": 0},
            {"any": [{"trait": "country", "op": "=", "value": 5}]},
            {"bogus": 1},
        ]
    }
    response = await client.post(
        "/api/v1/segments", json={"name": "Bad", "rules": rules}, headers=tenant.headers
    )

    assert response.status_code == 422
    fields = {f["field"] for f in response.json()["error"]["fields"]}
    assert fields == {
        "body.rules.all.0.op",
        "body.rules.all.1.trait",
        "body.rules.all.2.event",
        "body.rules.all.2.within_days",
        "body.rules.all.3.any.0.value",
        "body.rules.all.4",
    }
    listed = await client.get("/api/v1/segments", headers=tenant.headers)
    assert listed.json() == []  # nothing half-written


async def test_membership_follows_traits_and_publishes_events(
    client: httpx.AsyncClient, resources: Resources, tenant: Tenant
) -> None:
    ann = await make_customer(resources, tenant.workspace_id, "Ann")
    await add_order(resources, tenant.workspace_id, ann, "600")
    bob = await make_customer(resources, tenant.workspace_id, "Bob")
    await add_order(resources, tenant.workspace_id, bob, "100")
    await run_jobs(resources)
    subscription = resources.bus.subscribe(tenant.workspace_id)
    try:
        segment_id = await _create(client, tenant, "Big spenders", BIG_SPENDERS)
        await run_jobs(resources)
        assert await _member_ids(client, tenant, segment_id) == {ann}
        assert await _next_event(subscription.queue, "segment.entered") == {
            "segment_id": segment_id,
            "segment_name": "Big spenders",
            "customer_id": ann,
        }

        await add_order(resources, tenant.workspace_id, bob, "450")  # Bob now has 550
        await run_jobs(resources)
        assert await _member_ids(client, tenant, segment_id) == {ann, bob}
        entered = await _next_event(subscription.queue, "segment.entered")
        assert entered["customer_id"] == bob

        await add_order(resources, tenant.workspace_id, ann, "-200", status="refund")
        await run_jobs(resources)
        assert await _member_ids(client, tenant, segment_id) == {bob}
        exited = await _next_event(subscription.queue, "segment.exited")
        assert exited["customer_id"] == ann
    finally:
        resources.bus.unsubscribe(subscription)

    async with resources.database.transaction() as session:
        refs = await service.segments_of(session, tenant.workspace_id, bob)
    assert [(r.id, r.name) for r in refs] == [(segment_id, "Big spenders")]
    response = await client.get(f"/api/v1/segments/{segment_id}", headers=tenant.headers)
    assert response.json()["member_count"] == 1


async def _next_event(queue: asyncio.Queue[BusEvent], name: str) -> dict[str, Any]:
    while True:
        event = await asyncio.wait_for(queue.get(), timeout=5)
        if event.name == name:
            return event.data


async def test_changing_the_rules_reevaluates_everyone(
    client: httpx.AsyncClient, resources: Resources, tenant: Tenant
) -> None:
    ann = await make_customer(resources, tenant.workspace_id, "Ann", country="DE")
    bob = await make_customer(resources, tenant.workspace_id, "Bob", country="FR")
    segment_id = await _create(
        client, tenant, "Germany", {"trait": "country", "op": "=", "value": "DE"}
    )
    await run_jobs(resources)
    assert await _member_ids(client, tenant, segment_id) == {ann}

    response = await client.patch(
        f"/api/v1/segments/{segment_id}",
        json={"rules": {"trait": "country", "op": "in", "value": ["FR"]}},
        headers=tenant.headers,
    )
    assert response.status_code == 200, response.text
    await run_jobs(resources)

    assert await _member_ids(client, tenant, segment_id) == {bob}


async def test_preview_counts_without_saving(
    client: httpx.AsyncClient, resources: Resources, tenant: Tenant
) -> None:
    for name in ("Ann", "Bob", "Cy"):
        customer_id = await make_customer(
            resources, tenant.workspace_id, name, tags=["vip"] if name != "Cy" else []
        )
        await add_order(resources, tenant.workspace_id, customer_id, "20")
    await run_jobs(resources)
    rules = {
        "all": [
            {"trait": "tags", "op": "contains", "value": "vip"},
            {"trait": "computed.order_count", "op": ">=", "value": 1},
            {"trait": "computed.last_order_at", "op": "within_last_days", "value": 7},
            {"not": {"trait": "attributes.plan", "op": "=", "value": "free"}},
        ]
    }
    viewer_key = await create_api_key(resources.database, tenant.workspace_id, Role.VIEWER)

    response = await client.post(
        "/api/v1/segments/preview",
        json={"rules": rules, "sample_size": 1},
        headers={"Authorization": f"Bearer {viewer_key}"},
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["count"] == 2
    assert len(body["sample"]) == 1
    assert body["sample"][0]["name"] in {"Ann", "Bob"}
    assert (await client.get("/api/v1/segments", headers=tenant.headers)).json() == []


async def test_event_and_in_segment_rules(
    client: httpx.AsyncClient, resources: Resources, tenant: Tenant
) -> None:
    from deskpilot.kit.clock import utcnow
    from deskpilot.models import CustomerEvent

    ann = await make_customer(resources, tenant.workspace_id, "Ann", country="DE")
    bob = await make_customer(resources, tenant.workspace_id, "Bob", country="DE")
    async with resources.database.transaction() as session:
        for i in range(2):
            session.add(
                CustomerEvent(
                    workspace_id=tenant.workspace_id,
                    customer_id=ann,
                    type="track",
                    name="message.negative",
                    message_id=f"e-{i}",
                    occurred_at=utcnow(),
                    received_at=utcnow(),
                )
            )
    germany = await _create(
        client, tenant, "Germany", {"trait": "country", "op": "=", "value": "DE"}
    )
    unhappy = await _create(
        client,
        tenant,
        "Unhappy Germans",
        {
            "all": [
                {"in_segment": germany},
                {"event": "message.negative", "within_days": 30, "count": {"op": ">=", "value": 2}},
            ]
        },
    )
    await run_jobs(resources)
    assert await _member_ids(client, tenant, germany) == {ann, bob}
    assert await _member_ids(client, tenant, unhappy) == {ann}

    cycle = await client.patch(
        f"/api/v1/segments/{germany}",
        json={"rules": {"in_segment": unhappy}},
        headers=tenant.headers,
    )
    assert cycle.status_code == 422
    assert cycle.json()["error"]["fields"][0]["field"] == "body.rules"
    in_use = await client.delete(f"/api/v1/segments/{germany}", headers=tenant.headers)
    assert in_use.status_code == 409
    assert (
        await client.delete(f"/api/v1/segments/{unhappy}", headers=tenant.headers)
    ).status_code == 204
    assert (
        await client.get(f"/api/v1/segments/{unhappy}", headers=tenant.headers)
    ).status_code == 404


async def test_names_are_unique_and_viewers_cannot_write(
    client: httpx.AsyncClient, resources: Resources, tenant: Tenant
) -> None:
    await _create(client, tenant, "VIP", {"trait": "tags", "op": "contains", "value": "vip"})
    again = await client.post(
        "/api/v1/segments", json={"name": "VIP", "rules": {"all": []}}, headers=tenant.headers
    )
    assert again.status_code == 409
    viewer_key = await create_api_key(resources.database, tenant.workspace_id, Role.VIEWER)
    refused = await client.post(
        "/api/v1/segments",
        json={"name": "Other", "rules": {"all": []}},
        headers={"Authorization": f"Bearer {viewer_key}"},
    )
    assert refused.status_code == 403


async def test_members_are_paged_with_a_cursor(
    client: httpx.AsyncClient, resources: Resources, tenant: Tenant
) -> None:
    ids = {await make_customer(resources, tenant.workspace_id, f"C{i}") for i in range(5)}
    segment_id = await _create(client, tenant, "Everyone", {"all": []})
    await run_jobs(resources)
    seen: set[str] = set()
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, str | int] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        response = await client.get(
            f"/api/v1/segments/{segment_id}/members", params=params, headers=tenant.headers
        )
        body = response.json()
        seen |= {item["customer"]["id"] for item in body["items"]}
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == ids
    assert pages == 3
    bad = await client.get(
        f"/api/v1/segments/{segment_id}/members?cursor=nope", headers=tenant.headers
    )
    assert bad.status_code == 422
