"""The 360 API: the profile, search, traits, consents."""

from __future__ import annotations

import httpx
import pytest

from deskpilot.kit.clock import utcnow
from deskpilot.kit.deps import Resources
from deskpilot.models import Segment, SegmentMembership
from tests.customers.support360 import api_channel, profile
from tests.factories import Tenant


async def test_the_360_has_traits_identities_consents_segments_and_timeline(
    client: httpx.AsyncClient, resources: Resources, tenant: Tenant
) -> None:
    customer_id = await profile(resources, tenant, "ada", email="ada@example.org", name="Ada")
    async with resources.database.transaction() as session:
        segment = Segment(workspace_id=tenant.workspace_id, name="Big spenders")
        session.add(segment)
        await session.flush()
        session.add(
            SegmentMembership(
                workspace_id=tenant.workspace_id,
                segment_id=segment.id,
                customer_id=customer_id,
                since=utcnow(),
            )
        )
    response = await client.get(f"/api/v1/customers/{customer_id}", headers=tenant.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["name"] == "Ada"
    assert body["merged_into"] is None
    assert {i["kind"] for i in body["identities"]} == {"channel", "email"}
    assert [c["purpose"] for c in body["consents"]] == ["marketing-ada"]
    assert [s["name"] for s in body["segments"]] == ["Big spenders"]
    assert body["computed"] == {}
    assert {e["kind"] for e in body["timeline"]["items"]} == {
        "conversation",
        "message",
        "order",
        "event",
    }


async def test_search_by_any_identifier_or_name_with_a_cursor(
    client: httpx.AsyncClient, resources: Resources, tenant: Tenant
) -> None:
    channel_id = await api_channel(resources, tenant)
    ada = await profile(
        resources,
        tenant,
        "h-ada",
        email="Ada.L@GMail.com",
        name="Ada Lovelace",
        channel_id=channel_id,
    )
    for n in range(3):
        await profile(resources, tenant, f"h-{n}", name=f"Grace {n}", channel_id=channel_id)

    async def ids(q: str) -> list[str]:
        response = await client.get("/api/v1/customers", headers=tenant.headers, params={"q": q})
        assert response.status_code == 200, response.text
        return [c["id"] for c in response.json()["items"]]

    assert await ids("adal@gmail.com") == [ada]
    assert await ids("ada.l+shop@gmail.com") == [ada]
    assert await ids(f"{channel_id}:h-ada") == [ada]
    assert await ids("LOVELACE") == [ada]
    assert await ids("nobody") == []

    seen: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, str | int] = {
            "q": "grace",
            "limit": 2,
            **({"cursor": cursor} if cursor else {}),
        }
        page = (await client.get("/api/v1/customers", headers=tenant.headers, params=params)).json()
        seen.extend(c["id"] for c in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 3


async def test_patch_validates_and_normalises_traits(
    client: httpx.AsyncClient, resources: Resources, tenant: Tenant
) -> None:
    customer_id = await profile(resources, tenant, "ada")
    url = f"/api/v1/customers/{customer_id}"
    response = await client.patch(
        url,
        headers=tenant.headers,
        json={
            "country": "de",
            "phone": "0151 12345678",
            "email": "Ada@Example.org",
            "language": "de-DE",
            "tags": ["vip"],
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["country"], body["phone"], body["email"]) == (
        "DE",
        "+4915112345678",
        "ada@example.org",
    )
    found = await client.get(
        "/api/v1/customers", headers=tenant.headers, params={"q": "+4915112345678"}
    )
    assert [c["id"] for c in found.json()["items"]] == [customer_id]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not an email"}, "body.email"),
        ({"country": "XX"}, "body.country"),
        ({"language": "english!"}, "body.language"),
        ({"phone": "12"}, "body.phone"),
        ({"email": "test@test.com"}, "body.email"),
        ({"unknown": 1}, "body.unknown"),
    ],
)
async def test_patch_refuses_bad_traits_by_field(
    client: httpx.AsyncClient,
    resources: Resources,
    tenant: Tenant,
    body: dict[str, object],
    field: str,
) -> None:
    customer_id = await profile(resources, tenant, "ada")
    response = await client.patch(
        f"/api/v1/customers/{customer_id}", headers=tenant.headers, json=body
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"]["fields"][0]["field"] == field


async def test_consents_are_set_per_purpose(
    client: httpx.AsyncClient, resources: Resources, tenant: Tenant
) -> None:
    customer_id = await profile(resources, tenant, "ada")
    url = f"/api/v1/customers/{customer_id}/consents/email-marketing"
    for status in ("granted", "withdrawn"):
        response = await client.put(
            url, headers=tenant.headers, json={"status": status, "source": "preference centre"}
        )
        assert response.status_code == 200, response.text
    body = (await client.get(f"/api/v1/customers/{customer_id}", headers=tenant.headers)).json()
    [consent] = [c for c in body["consents"] if c["purpose"] == "email-marketing"]
    assert consent["status"] == "withdrawn"
    bad = await client.put(
        f"/api/v1/customers/{customer_id}/consents/Bad Purpose!",
        headers=tenant.headers,
        json={"status": "granted"},
    )
    assert bad.status_code == 422


async def test_another_workspaces_customer_is_not_found(
    client: httpx.AsyncClient, resources: Resources, tenant: Tenant, other_tenant: Tenant
) -> None:
    theirs = await profile(resources, other_tenant, "theirs", name="Globex person")
    for method, url, body in (
        ("GET", f"/api/v1/customers/{theirs}", None),
        ("PATCH", f"/api/v1/customers/{theirs}", {"name": "x"}),
        ("PUT", f"/api/v1/customers/{theirs}/consents/sms", {"status": "granted"}),
        ("GET", f"/api/v1/customers/{theirs}/timeline", None),
    ):
        response = await client.request(method, url, headers=tenant.headers, json=body)
        assert response.status_code == 404, (method, url)
    listed = await client.get("/api/v1/customers", headers=tenant.headers, params={"q": "globex"})
    assert listed.json()["items"] == []
