"""Merge protection, merge and unmerge, and the review queue."""

from __future__ import annotations

import httpx
import pytest

from deskpilot.customers import service
from deskpilot.customers.protection import DEFAULT_PROTECTION
from deskpilot.customers.service import SenderHandle, propose_match, resolve_sender
from deskpilot.kit.deps import Resources
from deskpilot.models import IdentityKind
from tests.customers.support360 import api_channel, profile, snapshot
from tests.factories import Tenant


async def merge(
    client: httpx.AsyncClient, tenant: Tenant, survivor: str, other: str
) -> httpx.Response:
    return await client.post(
        f"/api/v1/customers/{survivor}/merge",
        headers=tenant.headers,
        json={"other_id": other, "reason": "same person"},
    )


# --- merge protection -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "blocked", "shared"),
    [
        (IdentityKind.EMAIL, "test@test.com", True, False),
        (IdentityKind.EMAIL, "noreply@shop.example", True, True),
        (IdentityKind.EMAIL, "support@shop.example", False, True),
        (IdentityKind.EMAIL, "info+eu@shop.example", False, True),
        (IdentityKind.EMAIL, "ada@shop.example", False, False),
        (IdentityKind.PHONE, "+441234567890", True, False),
        (IdentityKind.PHONE, "+49000000", True, False),
        (IdentityKind.PHONE, "+4915112345678", False, False),
        (IdentityKind.EXTERNAL, "000000", True, False),
    ],
)
def test_blocked_and_shared_values(
    kind: IdentityKind, value: str, blocked: bool, shared: bool
) -> None:
    assert DEFAULT_PROTECTION.is_blocked(kind, value) is blocked
    assert DEFAULT_PROTECTION.is_shared(kind, value) is shared


async def test_a_role_address_is_stored_but_never_matches_a_second_profile(
    resources: Resources, tenant: Tenant
) -> None:
    channel_id = await api_channel(resources, tenant)
    async with resources.database.transaction() as session:
        first = await resolve_sender(
            session, tenant.workspace_id, channel_id, SenderHandle("a", email="Support@Shop.com")
        )
        second = await resolve_sender(
            session, tenant.workspace_id, channel_id, SenderHandle("b", email="support@shop.com")
        )
        assert first.id != second.id
        owner = await service.owner_of(
            session, tenant.workspace_id, IdentityKind.EMAIL, "support@shop.com"
        )
        assert owner is not None
        assert owner.id == first.id


async def test_a_blocked_value_is_neither_stored_nor_matched(
    resources: Resources, tenant: Tenant
) -> None:
    channel_id = await api_channel(resources, tenant)
    async with resources.database.transaction() as session:
        first = await resolve_sender(
            session, tenant.workspace_id, channel_id, SenderHandle("a", email="test@test.com")
        )
        second = await resolve_sender(
            session, tenant.workspace_id, channel_id, SenderHandle("b", email="TEST@test.com")
        )
        assert first.id != second.id
        assert first.email is None
        identities = await service.identities_of(session, tenant.workspace_id, first.id)
        assert [i.kind for i in identities] == [IdentityKind.CHANNEL]


async def test_an_identifier_on_three_profiles_stops_matching(
    resources: Resources, tenant: Tenant
) -> None:
    channel_id = await api_channel(resources, tenant)
    family = "+4915112345678"
    async with resources.database.transaction() as session:
        owner = await resolve_sender(
            session, tenant.workspace_id, channel_id, SenderHandle("mum", phone=family)
        )
        # Two more profiles carry the number as their phone (e.g. from an import).
        for name in ("dad", "kid"):
            other = await resolve_sender(
                session, tenant.workspace_id, channel_id, SenderHandle(name)
            )
            other.phone = family
        await session.flush()
        again = await resolve_sender(
            session, tenant.workspace_id, channel_id, SenderHandle("grandma", phone=family)
        )
        assert again.id != owner.id
        # A number on one profile still matches.
        single = await resolve_sender(
            session, tenant.workspace_id, channel_id, SenderHandle("x", phone="+4915199999991")
        )
        same = await resolve_sender(
            session, tenant.workspace_id, channel_id, SenderHandle("y", phone="+4915199999991")
        )
        assert same.id == single.id


# --- merge and unmerge ------------------------------------------------------------------------


async def test_merge_then_undo_gives_back_the_same_rows(
    client: httpx.AsyncClient, resources: Resources, tenant: Tenant
) -> None:
    channel_id = await api_channel(resources, tenant)
    a = await profile(
        resources,
        tenant,
        "ada",
        email="ada@example.org",
        name="Ada",
        orders=2,
        channel_id=channel_id,
    )
    b = await profile(
        resources, tenant, "lovelace", email="al@example.org", events=3, channel_id=channel_id
    )
    async with resources.database.transaction() as session:
        other = await service.live_customer(session, tenant.workspace_id, b)
        other.city, other.tags, other.attributes = "London", ["vip"], {"plan": "gold"}
    before = await snapshot(resources.database, tenant.workspace_id)

    response = await merge(client, tenant, a, b)
    assert response.status_code == 200, response.text
    moved = response.json()["moved"]
    assert len(moved["identities"]) == 2  # channel handle and email
    assert len(moved["orders"]) == 1
    assert len(moved["events"]) == 3
    assert len(moved["conversations"]) == 1
    assert len(moved["consents"]) == 1
    assert moved["traits_before"] == {"city": None, "tags": [], "attributes": {}}

    survivor = (await client.get(f"/api/v1/customers/{a}", headers=tenant.headers)).json()
    assert survivor["name"] == "Ada"
    assert survivor["city"] == "London"
    assert survivor["email"] == "ada@example.org"  # the survivor wins a conflict
    assert survivor["tags"] == ["vip"]
    assert survivor["attributes"] == {"plan": "gold"}
    assert {i["value"] for i in survivor["identities"]} >= {"ada@example.org", "al@example.org"}
    assert len(survivor["consents"]) == 2
    kinds = [e["kind"] for e in survivor["timeline"]["items"]]
    assert kinds.count("order") == 3
    assert kinds.count("conversation") == 2

    redirected = (await client.get(f"/api/v1/customers/{b}", headers=tenant.headers)).json()
    assert redirected["id"] == a
    assert redirected["merged_into"] == a
    assert redirected["requested_id"] == b

    undo = await client.post(
        f"/api/v1/customers/merges/{response.json()['id']}/undo", headers=tenant.headers
    )
    assert undo.status_code == 200, undo.text
    assert undo.json()["undone_at"] is not None
    assert await snapshot(resources.database, tenant.workspace_id) == before

    again = await client.post(
        f"/api/v1/customers/merges/{response.json()['id']}/undo", headers=tenant.headers
    )
    assert again.status_code == 409


async def test_merging_a_profile_with_itself_is_refused(
    client: httpx.AsyncClient, resources: Resources, tenant: Tenant
) -> None:
    a = await profile(resources, tenant, "ada")
    response = await merge(client, tenant, a, a)
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "body.other_id"


async def test_merging_into_a_merged_profile_follows_it_to_the_survivor(
    client: httpx.AsyncClient, resources: Resources, tenant: Tenant
) -> None:
    channel_id = await api_channel(resources, tenant)
    a, b, c = [await profile(resources, tenant, h, channel_id=channel_id) for h in "abc"]
    first = await merge(client, tenant, a, b)
    assert first.status_code == 200
    second = await merge(client, tenant, b, c)  # b lives on as a
    assert second.status_code == 200
    assert second.json()["survivor_id"] == a
    # b is now part of a: merging it into a again is the same profile.
    assert (await merge(client, tenant, a, b)).status_code == 422
    # The first merge cannot be undone before the later one into the same survivor.
    undo_first = await client.post(
        f"/api/v1/customers/merges/{first.json()['id']}/undo", headers=tenant.headers
    )
    assert undo_first.status_code == 409
    for merge_id in (second.json()["id"], first.json()["id"]):
        undone = await client.post(
            f"/api/v1/customers/merges/{merge_id}/undo", headers=tenant.headers
        )
        assert undone.status_code == 200, undone.text


async def test_another_workspaces_profile_cannot_be_merged(
    client: httpx.AsyncClient, resources: Resources, tenant: Tenant, other_tenant: Tenant
) -> None:
    mine = await profile(resources, tenant, "mine")
    theirs = await profile(resources, other_tenant, "theirs")
    assert (await merge(client, tenant, mine, theirs)).status_code == 404
    assert (await merge(client, tenant, theirs, mine)).status_code == 404
    assert (
        await client.get(f"/api/v1/customers/{theirs}", headers=tenant.headers)
    ).status_code == 404


# --- the review queue -------------------------------------------------------------------------


async def test_reviews_are_deduplicated_listed_merged_and_rejected(
    client: httpx.AsyncClient, resources: Resources, tenant: Tenant
) -> None:
    channel_id = await api_channel(resources, tenant)
    a, b, c = [await profile(resources, tenant, h, channel_id=channel_id) for h in "abc"]
    async with resources.database.transaction() as session:
        first = await propose_match(session, tenant.workspace_id, a, b, 0.7, {"name": 0.9})
        again = await propose_match(session, tenant.workspace_id, b, a, 0.8, {"name": 1.0})
        other = await propose_match(session, tenant.workspace_id, a, c, 0.6, {"dob": 1.0})
        assert first is not None
        assert again is not None
        assert other is not None
        assert first.id == again.id
        assert again.score == 0.8
        assert await propose_match(session, tenant.workspace_id, a, a, 0.9, {}) is None
        review_ab, review_ac = first.id, other.id

    listed = await client.get("/api/v1/customers/reviews?status=pending", headers=tenant.headers)
    assert listed.status_code == 200
    assert {r["id"] for r in listed.json()["items"]} == {review_ab, review_ac}

    merged = await client.post(
        f"/api/v1/customers/reviews/{review_ab}/merge", headers=tenant.headers
    )
    assert merged.status_code == 200, merged.text
    assert merged.json()["survivor_id"] == a  # the older profile survives
    rejected = await client.post(
        f"/api/v1/customers/reviews/{review_ac}/reject", headers=tenant.headers
    )
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "rejected"
    decided = await client.post(
        f"/api/v1/customers/reviews/{review_ac}/merge", headers=tenant.headers
    )
    assert decided.status_code == 409
    pending = await client.get("/api/v1/customers/reviews", headers=tenant.headers)
    assert pending.json()["items"] == []
