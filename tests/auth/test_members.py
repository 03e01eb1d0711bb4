"""Members of a workspace: create, list, change, remove; who may grant which role; keeping an
owner; disabling a user."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from deskpilot.auth import users
from deskpilot.auth.repository import UserRepository
from deskpilot.kit.db import Database
from deskpilot.models import Role, User
from tests.auth import client_for, sign_in, unique_email
from tests.factories import Tenant, create_api_key, create_member

MEMBER_PASSWORD = "a long enough password"


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def _members(client: httpx.AsyncClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/users", headers=headers)
    assert response.status_code == 200, response.text
    members: list[dict[str, Any]] = response.json()
    return members


async def _member_of(client: httpx.AsyncClient, tenant: Tenant, user_id: str) -> dict[str, Any]:
    return next(m for m in await _members(client, tenant.headers) if m["user_id"] == user_id)


async def _user_exists(database: Database, email: str) -> bool:
    async with database.transaction() as session:
        return (await session.scalars(select(User).where(User.email == email))).first() is not None


async def test_members_are_created_listed_changed_and_removed(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    email = unique_email("Agent.One")
    created = await client.post(
        "/api/v1/users",
        json={"email": email, "name": "Agent One", "password": MEMBER_PASSWORD, "role": "agent"},
        headers=tenant.headers,
    )

    assert created.status_code == 201, created.text
    member = created.json()
    assert member["email"] == email.lower()
    assert member["role"] == "agent"
    assert member["is_active"] is True
    listed = {m["email"]: m for m in await _members(client, tenant.headers)}
    assert set(listed) == {tenant.owner_email, email.lower()}
    assert listed[email.lower()]["id"] == member["id"]

    changed = await client.patch(
        f"/api/v1/users/{member['id']}", json={"role": "viewer"}, headers=tenant.headers
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["role"] == "viewer"

    async with client_for(app) as browser:
        await sign_in(browser, email, MEMBER_PASSWORD)
        assert (await browser.get("/api/v1/auth/me")).json()["role"] == "viewer"

        removed = await client.delete(f"/api/v1/users/{member['id']}", headers=tenant.headers)

        assert removed.status_code == 204, removed.text
        assert (await browser.get("/api/v1/auth/me")).status_code == 401
    emails = [m["email"] for m in await _members(client, tenant.headers)]
    assert emails == [tenant.owner_email]


async def test_an_email_already_in_use_is_a_conflict(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    response = await client.post(
        "/api/v1/users",
        json={"email": tenant.owner_email.upper(), "name": "Twin", "password": MEMBER_PASSWORD},
        headers=tenant.headers,
    )

    assert response.status_code == 409
    assert len(await _members(client, tenant.headers)) == 1


async def test_an_admin_cannot_grant_the_owner_role(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    email = unique_email("would-be-owner")
    created = await client.post(
        "/api/v1/users",
        json={"email": email, "name": "X", "password": MEMBER_PASSWORD, "role": "owner"},
        headers=tenant.headers,
    )

    assert created.status_code == 403, created.text
    assert not await _user_exists(database, email)  # no half-created user

    agent_id = await create_member(database, tenant.workspace_id, unique_email("a"), Role.AGENT)
    promoted = await client.patch(
        f"/api/v1/users/{agent_id}", json={"role": "owner"}, headers=tenant.headers
    )
    assert promoted.status_code == 403
    owner = await _member_of(client, tenant, tenant.owner_id)
    demoted = await client.patch(
        f"/api/v1/users/{owner['id']}", json={"role": "agent"}, headers=tenant.headers
    )
    assert demoted.status_code == 403
    roles = sorted(m["role"] for m in await _members(client, tenant.headers))
    assert roles == ["agent", "owner"]


async def test_an_agent_cannot_manage_members(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    agent = _bearer(await create_api_key(database, tenant.workspace_id, Role.AGENT))
    owner = await _member_of(client, tenant, tenant.owner_id)

    assert (await client.get("/api/v1/users", headers=agent)).status_code == 200
    created = await client.post(
        "/api/v1/users",
        json={"email": unique_email("x"), "name": "X", "password": MEMBER_PASSWORD},
        headers=agent,
    )
    assert created.status_code == 403
    assert (await client.delete(f"/api/v1/users/{owner['id']}", headers=agent)).status_code == 403


async def test_the_last_owner_cannot_be_demoted_or_removed(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    owner_key = _bearer(await create_api_key(database, tenant.workspace_id, Role.OWNER))
    owner = await _member_of(client, tenant, tenant.owner_id)

    demoted = await client.patch(
        f"/api/v1/users/{owner['id']}", json={"role": "admin"}, headers=owner_key
    )
    removed = await client.delete(f"/api/v1/users/{owner['id']}", headers=owner_key)

    assert demoted.status_code == 409, demoted.text
    assert removed.status_code == 409, removed.text
    assert demoted.json()["error"]["code"] == "conflict"
    assert (await _member_of(client, tenant, tenant.owner_id))["role"] == "owner"

    second = await client.post(
        "/api/v1/users",
        json={
            "email": unique_email("co-owner"),
            "name": "Co",
            "password": MEMBER_PASSWORD,
            "role": "owner",
        },
        headers=owner_key,
    )
    assert second.status_code == 201, second.text
    now_possible = await client.patch(
        f"/api/v1/users/{owner['id']}", json={"role": "admin"}, headers=owner_key
    )
    assert now_possible.status_code == 200, now_possible.text


async def test_an_owner_cannot_demote_themselves_as_the_last_owner(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    csrf = await sign_in(client, tenant.owner_email)
    owner = await _member_of(client, tenant, tenant.owner_id)

    response = await client.patch(
        f"/api/v1/users/{owner['id']}", json={"role": "agent"}, headers={"X-CSRF-Token": csrf}
    )

    assert response.status_code == 409, response.text


async def test_the_last_active_owner_cannot_be_disabled(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    owner_key = _bearer(await create_api_key(database, tenant.workspace_id, Role.OWNER))
    owner = await _member_of(client, tenant, tenant.owner_id)

    response = await client.patch(
        f"/api/v1/users/{owner['id']}", json={"is_active": False}, headers=owner_key
    )

    assert response.status_code == 409, response.text
    assert (await _member_of(client, tenant, tenant.owner_id))["is_active"] is True


async def test_disabling_a_user_signs_them_out(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    email = unique_email("agent")
    member_id = await create_member(database, tenant.workspace_id, email, Role.AGENT)
    async with client_for(app) as browser:
        await sign_in(browser, email)

        disabled = await client.patch(
            f"/api/v1/users/{member_id}", json={"is_active": False}, headers=tenant.headers
        )

        assert disabled.status_code == 200, disabled.text
        assert disabled.json()["is_active"] is False
        assert (await browser.get("/api/v1/auth/me")).status_code == 401
        enabled = await client.patch(
            f"/api/v1/users/{member_id}", json={"is_active": True}, headers=tenant.headers
        )
        assert enabled.status_code == 200
        # Their session was ended, not merely suspended.
        assert (await browser.get("/api/v1/auth/me")).status_code == 401
        await sign_in(browser, email)
        assert (await browser.get("/api/v1/auth/me")).status_code == 200


async def test_a_user_of_another_workspace_cannot_be_disabled_from_this_one(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant, database: Database
) -> None:
    async with database.transaction() as session:
        user = await UserRepository(session).by_id(other_tenant.owner_id)
        assert user is not None
        membership = await users.add_member(session, tenant.workspace_id, user, Role.AGENT, by=None)
        member_id = membership.id

    response = await client.patch(
        f"/api/v1/users/{member_id}", json={"is_active": False}, headers=tenant.headers
    )

    assert response.status_code == 409, response.text
    theirs = await client.get("/api/v1/users", headers=other_tenant.headers)
    assert all(m["is_active"] for m in theirs.json())


async def test_bad_member_input_names_the_field(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    cases = {
        "body.email": {"email": "not-an-email", "name": "X", "password": MEMBER_PASSWORD},
        "body.password": {"email": unique_email("short"), "name": "X", "password": "short"},
        "body.role": {
            "email": unique_email("role"),
            "name": "X",
            "password": MEMBER_PASSWORD,
            "role": "superuser",
        },
    }
    for field, body in cases.items():
        response = await client.post("/api/v1/users", json=body, headers=tenant.headers)

        assert response.status_code == 422, response.text
        error = response.json()["error"]
        assert error["code"] == "invalid_input"
        assert [f["field"] for f in error["fields"]] == [field]
        assert error["fields"][0]["reason"]
        assert not await _user_exists(database, str(body["email"]))
    assert len(await _members(client, tenant.headers)) == 1


async def test_members_of_another_workspace_are_not_found(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    theirs = (await _members(client, other_tenant.headers))[0]

    patched = await client.patch(
        f"/api/v1/users/{theirs['id']}", json={"role": "viewer"}, headers=tenant.headers
    )
    removed = await client.delete(f"/api/v1/users/{theirs['id']}", headers=tenant.headers)

    assert patched.status_code == removed.status_code == 404
    assert [m["email"] for m in await _members(client, tenant.headers)] == [tenant.owner_email]


async def test_removing_a_member_ends_their_sessions_for_good(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    email = unique_email("returning")
    member_id = await create_member(database, tenant.workspace_id, email, Role.AGENT)
    async with client_for(app) as browser:
        await sign_in(browser, email)
        removed = await client.delete(f"/api/v1/users/{member_id}", headers=tenant.headers)
        assert removed.status_code == 204

        async with database.transaction() as session:
            user = await UserRepository(session).by_email(email)
            assert user is not None
            await users.add_member(session, tenant.workspace_id, user, Role.AGENT, by=None)

        # Added back, the user signs in again; the session from before stays ended.
        assert (await browser.get("/api/v1/auth/me")).status_code == 401
