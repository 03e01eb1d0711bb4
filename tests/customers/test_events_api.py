"""The Segment-compatible events API: identify, track, page, alias, batch."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select

from deskpilot.kit.db import Database
from deskpilot.models import Customer, CustomerEvent, MatchReview, Role
from tests.factories import Tenant, create_api_key


async def send(
    client: httpx.AsyncClient, tenant: Tenant, call: str, body: dict[str, Any]
) -> httpx.Response:
    return await client.post(f"/api/v1/events/{call}", headers=tenant.headers, json=body)


async def find(client: httpx.AsyncClient, tenant: Tenant, q: str) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/customers", headers=tenant.headers, params={"q": q})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def count(database: Database, model: type[Any]) -> int:
    async with database.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_identify_creates_a_profile_with_traits_and_identities(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    response = await send(
        client,
        tenant,
        "identify",
        {
            "userId": "u-42",
            "traits": {
                "firstName": "Ada",
                "lastName": "Lovelace",
                "email": "Ada.Lovelace+news@GMail.com",
                "phone": "+44 20 7946 0958",
                "plan": "gold",
                "address": {"city": "London", "country": "gb", "postalCode": "N1 9GU"},
            },
            "messageId": "m-1",
            "timestamp": "2024-05-01T10:00:00Z",
        },
    )
    assert response.status_code == 200
    assert response.json() == {"success": True}
    [profile] = await find(client, tenant, "u-42")
    assert profile["name"] == "Ada Lovelace"
    assert profile["email"] == "adalovelace@gmail.com"
    assert profile["phone"] == "+442079460958"
    assert (profile["city"], profile["country"], profile["postcode"]) == ("London", "GB", "N1 9GU")
    assert profile["attributes"]["plan"] == "gold"
    # Every identifier finds the same profile.
    for q in ("ada.lovelace@gmail.com", "+44 20 7946 0958", "ada"):
        assert [p["id"] for p in await find(client, tenant, q)] == [profile["id"]]


async def test_message_id_deduplicates(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    body = {"userId": "u-1", "event": "Order Completed", "messageId": "dup-1"}
    for _ in range(2):
        assert (await send(client, tenant, "track", body)).status_code == 200
    assert await count(database, CustomerEvent) == 1
    batch = {"batch": [{"type": "track", **body}, {"type": "page", "userId": "u-1"}]}
    assert (await send(client, tenant, "batch", batch)).status_code == 200
    assert await count(database, CustomerEvent) == 2


async def test_anonymous_events_attach_when_the_visitor_is_identified(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    for n in range(2):
        response = await send(
            client, tenant, "page", {"anonymousId": "anon-7", "name": f"Pricing {n}"}
        )
        assert response.status_code == 200
    await send(client, tenant, "identify", {"userId": "u-7", "anonymousId": "anon-7"})
    [profile] = await find(client, tenant, "u-7")
    timeline = await client.get(
        f"/api/v1/customers/{profile['id']}/timeline", headers=tenant.headers
    )
    names = [e["data"]["name"] for e in timeline.json()["items"]]
    assert "Pricing 0" in names
    assert "Pricing 1" in names
    # Later anonymous events of the same visitor go straight to the profile.
    await send(client, tenant, "track", {"anonymousId": "anon-7", "event": "Clicked"})
    timeline = await client.get(
        f"/api/v1/customers/{profile['id']}/timeline", headers=tenant.headers
    )
    assert "Clicked" in [e["data"]["name"] for e in timeline.json()["items"]]


async def test_alias_merges_an_anonymous_profile_into_the_known_one(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    await send(client, tenant, "track", {"userId": "old-id", "event": "Signed Up"})
    await send(client, tenant, "identify", {"userId": "new-id", "traits": {"name": "Grace"}})
    assert (
        await send(client, tenant, "alias", {"userId": "new-id", "previousId": "old-id"})
    ).status_code == 200
    [profile] = await find(client, tenant, "old-id")
    assert profile["name"] == "Grace"
    assert await count(database, MatchReview) == 0


async def test_alias_of_a_profile_with_its_own_email_goes_to_review(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    await send(client, tenant, "identify", {"userId": "a", "traits": {"email": "a@x.org"}})
    await send(client, tenant, "identify", {"userId": "b", "traits": {"email": "b@x.org"}})
    await send(client, tenant, "alias", {"userId": "b", "previousId": "a"})
    assert await count(database, Customer) == 2
    reviews = await client.get("/api/v1/customers/reviews", headers=tenant.headers)
    [review] = reviews.json()["items"]
    assert review["evidence"]["source"] == "alias"


async def test_identify_respects_merge_protection(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    await send(client, tenant, "identify", {"userId": "a", "traits": {"email": "info@x.org"}})
    await send(client, tenant, "identify", {"userId": "b", "traits": {"email": "info@x.org"}})
    await send(client, tenant, "identify", {"userId": "c", "traits": {"email": "test@test.com"}})
    assert await count(database, Customer) == 3
    [c] = await find(client, tenant, "c")
    assert c["email"] is None


async def test_identify_with_an_email_of_another_profile_queues_a_review(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await send(client, tenant, "identify", {"userId": "a", "traits": {"email": "a@x.org"}})
    await send(client, tenant, "identify", {"userId": "b"})
    await send(client, tenant, "identify", {"userId": "b", "traits": {"email": "a@x.org"}})
    [review] = (await client.get("/api/v1/customers/reviews", headers=tenant.headers)).json()[
        "items"
    ]
    assert review["evidence"]["identifier"] == {"kind": "email", "value": "a@x.org"}


async def test_a_bad_batch_item_is_named_and_nothing_is_stored(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    batch = {
        "batch": [
            {"type": "track", "userId": "u", "event": "Fine"},
            {"type": "track", "userId": "u"},  # no event
        ]
    }
    response = await send(client, tenant, "batch", batch)
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "body.batch.1.event"
    unknown = await send(client, tenant, "batch", {"batch": [{"type": "group", "userId": "u"}]})
    assert unknown.json()["error"]["fields"][0]["field"] == "body.batch.0.type"
    nobody = await send(client, tenant, "batch", {"batch": [{"type": "page"}]})
    assert nobody.json()["error"]["fields"][0]["field"] == "body.batch.0.userId"
    too_many = {"batch": [{"type": "page", "userId": "u"}] * 501}
    assert (await send(client, tenant, "batch", too_many)).status_code == 422
    assert await count(database, CustomerEvent) == 0
    assert await count(database, Customer) == 0


async def test_a_call_without_any_id_is_refused(client: httpx.AsyncClient, tenant: Tenant) -> None:
    response = await send(client, tenant, "track", {"event": "Orphan"})
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "body.userId"


async def test_a_viewer_key_cannot_send_events(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    key = await create_api_key(database, tenant.workspace_id, Role.VIEWER)
    response = await client.post(
        "/api/v1/events/track",
        headers={"Authorization": f"Bearer {key}"},
        json={"userId": "u", "event": "X"},
    )
    assert response.status_code == 403
