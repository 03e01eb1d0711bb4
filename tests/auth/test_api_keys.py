"""API keys: shown once, stored as a hash, revocable, and bounded by the creator's role."""

from __future__ import annotations

import hashlib

import httpx
from sqlalchemy import select

from deskpilot.kit.db import Database
from deskpilot.models import ApiKey, Role
from tests.factories import Tenant, create_api_key


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def _create_key(
    client: httpx.AsyncClient, headers: dict[str, str], role: str, name: str = "zapier"
) -> httpx.Response:
    return await client.post("/api/v1/api-keys", json={"name": name, "role": role}, headers=headers)


async def test_a_new_key_is_shown_once_and_stored_only_as_a_hash(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    created = await _create_key(client, tenant.headers, "agent")

    assert created.status_code == 201, created.text
    body = created.json()
    key = body["key"]
    assert key.startswith("dp_")
    assert key.startswith(body["prefix"])
    assert body["role"] == "agent"

    listed = await client.get("/api/v1/api-keys", headers=tenant.headers)
    assert listed.status_code == 200
    entry = next(k for k in listed.json() if k["id"] == body["id"])
    assert "key" not in entry
    assert key not in listed.text

    async with database.transaction() as session:
        row = (await session.scalars(select(ApiKey).where(ApiKey.id == body["id"]))).one()
        stored = [getattr(row, column.key) for column in ApiKey.__table__.columns]
    assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert not any(key in str(value) for value in stored)

    me = await client.get("/api/v1/auth/me", headers=_bearer(key))
    assert me.status_code == 200, me.text
    assert me.json()["api_key_id"] == body["id"]
    assert me.json()["role"] == "agent"
    assert me.json()["workspace_id"] == tenant.workspace_id


async def test_a_revoked_key_is_refused(client: httpx.AsyncClient, tenant: Tenant) -> None:
    created = (await _create_key(client, tenant.headers, "agent")).json()
    assert (await client.get("/api/v1/auth/me", headers=_bearer(created["key"]))).is_success

    revoked = await client.delete(f"/api/v1/api-keys/{created['id']}", headers=tenant.headers)

    assert revoked.status_code == 204, revoked.text
    refused = await client.get("/api/v1/auth/me", headers=_bearer(created["key"]))
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "unauthorized"
    listed = await client.get("/api/v1/api-keys", headers=tenant.headers)
    assert created["id"] not in [k["id"] for k in listed.json()]


async def test_an_unknown_key_is_refused(client: httpx.AsyncClient) -> None:
    for token in ("dp_notakey_atall", "something-else"):
        response = await client.get("/api/v1/auth/me", headers=_bearer(token))
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"


async def test_a_viewer_key_can_read_but_not_change_the_workspace(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    viewer = _bearer(await create_api_key(database, tenant.workspace_id, Role.VIEWER))

    read = await client.get("/api/v1/workspace", headers=viewer)
    change = await client.patch("/api/v1/workspace", json={"name": "Nope"}, headers=viewer)

    assert read.status_code == 200, read.text
    assert change.status_code == 403
    assert change.json()["error"]["code"] == "forbidden"
    assert (await client.get("/api/v1/workspace", headers=viewer)).json()["name"] == "Acme"


async def test_an_agent_cannot_see_or_create_keys(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    agent = _bearer(await create_api_key(database, tenant.workspace_id, Role.AGENT))

    assert (await _create_key(client, agent, "agent")).status_code == 403
    assert (await _create_key(client, agent, "viewer")).status_code == 403
    assert (await client.get("/api/v1/api-keys", headers=agent)).status_code == 403


async def test_an_admin_cannot_create_a_key_above_admin(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    refused = await _create_key(client, tenant.headers, "owner")

    assert refused.status_code == 403, refused.text
    assert (await _create_key(client, tenant.headers, "admin")).status_code == 201
    owner = _bearer(await create_api_key(database, tenant.workspace_id, Role.OWNER))
    assert (await _create_key(client, owner, "owner")).status_code == 201
    roles = [k["role"] for k in (await client.get("/api/v1/api-keys", headers=owner)).json()]
    assert roles.count("owner") == 2  # the factory's and the one the owner made


async def test_an_admin_cannot_revoke_an_owner_key(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    owner = _bearer(await create_api_key(database, tenant.workspace_id, Role.OWNER))
    owner_key = (await _create_key(client, owner, "owner", name="owner automation")).json()

    refused = await client.delete(f"/api/v1/api-keys/{owner_key['id']}", headers=tenant.headers)

    assert refused.status_code == 403, refused.text
    assert (await client.get("/api/v1/auth/me", headers=_bearer(owner_key["key"]))).is_success
    revoked = await client.delete(f"/api/v1/api-keys/{owner_key['id']}", headers=owner)
    assert revoked.status_code == 204


async def test_a_key_of_another_workspace_cannot_be_revoked(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    theirs = (await _create_key(client, other_tenant.headers, "agent")).json()

    response = await client.delete(f"/api/v1/api-keys/{theirs['id']}", headers=tenant.headers)

    assert response.status_code == 404
    assert (await client.get("/api/v1/auth/me", headers=_bearer(theirs["key"]))).is_success
