"""Signing in through the API: the session cookie, CSRF on changes, signing out, throttling of
failed logins, and changing the password."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from deskpilot.config import Settings
from deskpilot.kit.db import Database
from deskpilot.models import Role, WebSession
from tests.auth import (
    LOGIN_URL,
    SESSION_COOKIE,
    app_with,
    client_for,
    cookie_attributes,
    sets_cookie,
    sign_in,
    unique_address,
    unique_email,
)
from tests.factories import PASSWORD, Tenant, create_api_key, create_member

NEW_PASSWORD = "a brand new passphrase"


async def _session_count(database: Database, user_id: str) -> int:
    async with database.transaction() as session:
        query = select(func.count()).select_from(WebSession).where(WebSession.user_id == user_id)
        return int((await session.scalars(query)).one())


async def test_login_sets_a_locked_down_session_cookie_that_identifies_the_user(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    response = await client.post(
        LOGIN_URL, json={"email": tenant.owner_email, "password": PASSWORD}
    )

    assert response.status_code == 200, response.text
    cookie = cookie_attributes(response, SESSION_COOKIE)
    assert cookie["value"]
    assert "httponly" in cookie
    assert "secure" in cookie
    assert cookie["samesite"].lower() == "lax"
    assert cookie["path"] == "/"
    assert response.json()["csrf_token"]

    me = await client.get("/api/v1/auth/me")
    assert me.status_code == 200, me.text
    body = me.json()
    assert body["user_id"] == tenant.owner_id
    assert body["email"] == tenant.owner_email
    assert body["workspace_id"] == tenant.workspace_id
    assert body["role"] == "owner"
    assert body["csrf_token"] == response.json()["csrf_token"]


async def test_me_without_credentials_is_401(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/auth/me")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


async def test_a_cookie_caller_must_echo_the_csrf_token_on_changes(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    csrf = await sign_in(client, tenant.owner_email)

    missing = await client.patch("/api/v1/workspace", json={"name": "Hijacked"})
    wrong = await client.patch(
        "/api/v1/workspace", json={"name": "Hijacked"}, headers={"X-CSRF-Token": csrf + "x"}
    )

    for refused in (missing, wrong):
        assert refused.status_code == 403, refused.text
        assert refused.json()["error"]["code"] == "forbidden"
        assert "CSRF" in refused.json()["error"]["message"]
    unchanged = await client.get("/api/v1/workspace")
    assert unchanged.status_code == 200
    assert unchanged.json()["name"] == "Acme"

    accepted = await client.patch(
        "/api/v1/workspace", json={"name": "Acme Renamed"}, headers={"X-CSRF-Token": csrf}
    )
    assert accepted.status_code == 200, accepted.text
    assert (await client.get("/api/v1/workspace")).json()["name"] == "Acme Renamed"


async def test_logout_ends_the_session(
    client: httpx.AsyncClient, tenant: Tenant, database: Database, app: FastAPI
) -> None:
    csrf = await sign_in(client, tenant.owner_email)
    token = client.cookies[SESSION_COOKIE]

    refused = await client.post("/api/v1/auth/logout")
    assert refused.status_code == 403
    assert (await client.get("/api/v1/auth/me")).status_code == 200

    response = await client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf})

    assert response.status_code == 204, response.text
    assert (await client.get("/api/v1/auth/me")).status_code == 401
    assert await _session_count(database, tenant.owner_id) == 0
    # The old cookie, sent again by someone who kept it, is dead too.
    async with client_for(app) as replay:
        replay.cookies.set(SESSION_COOKIE, token)
        assert (await replay.get("/api/v1/auth/me")).status_code == 401


async def test_wrong_password_and_unknown_email_get_the_same_answer(
    app: FastAPI, tenant: Tenant
) -> None:
    async with client_for(app) as client:
        wrong_password = await client.post(
            LOGIN_URL, json={"email": tenant.owner_email, "password": "not the password"}
        )
        unknown_email = await client.post(
            LOGIN_URL, json={"email": "nobody@acme.example.com", "password": PASSWORD}
        )

    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.json()["error"]["code"] == unknown_email.json()["error"]["code"]
    assert wrong_password.json()["error"]["message"] == unknown_email.json()["error"]["message"]
    assert not sets_cookie(wrong_password, SESSION_COOKIE)
    assert not sets_cookie(unknown_email, SESSION_COOKIE)


async def _attempt(app: FastAPI, email: str, password: str, address: str) -> httpx.Response:
    async with client_for(app, address) as client:
        return await client.post(LOGIN_URL, json={"email": email, "password": password})


def _assert_throttled(response: httpx.Response, settings: Settings) -> None:
    assert response.status_code == 429, response.text
    assert response.json()["error"]["code"] == "too_many_requests"
    retry_after = int(response.headers["retry-after"])
    assert 1 <= retry_after <= settings.login_window_seconds
    assert not sets_cookie(response, SESSION_COOKIE)


# A small limit keeps these tests quick: every failed attempt costs an argon2 hash.
SMALL_LIMIT = 2


async def test_failed_logins_for_one_email_are_throttled(
    settings: Settings, database: Database, tenant: Tenant
) -> None:
    email = unique_email("throttled")
    await create_member(database, tenant.workspace_id, email, Role.AGENT)
    async with app_with(settings, login_attempts_per_window=SMALL_LIMIT) as app:
        # Each attempt from its own address, so that only the email's counter can fill up.
        for _ in range(SMALL_LIMIT):
            failed = await _attempt(app, email, "wrong password", unique_address())
            assert failed.status_code == 401, failed.text

        throttled = await _attempt(app, email, PASSWORD, unique_address())

    _assert_throttled(throttled, settings)


async def test_failed_logins_from_one_address_are_throttled(
    settings: Settings, database: Database, tenant: Tenant
) -> None:
    email = unique_email("victim")
    await create_member(database, tenant.workspace_id, email, Role.AGENT)
    address = unique_address()
    async with app_with(settings, login_attempts_per_window=SMALL_LIMIT) as app:
        # Guessing different emails from one address.
        for _ in range(SMALL_LIMIT):
            failed = await _attempt(app, unique_email("guess"), "wrong password", address)
            assert failed.status_code == 401, failed.text

        _assert_throttled(await _attempt(app, email, PASSWORD, address), settings)
        elsewhere = await _attempt(app, email, PASSWORD, unique_address())
        assert elsewhere.status_code == 200, elsewhere.text


async def test_a_successful_login_clears_the_email_counter(
    settings: Settings, database: Database, tenant: Tenant
) -> None:
    email = unique_email("forgetful")
    await create_member(database, tenant.workspace_id, email, Role.AGENT)
    almost = SMALL_LIMIT - 1
    async with app_with(settings, login_attempts_per_window=SMALL_LIMIT) as app:
        for _ in range(almost):
            assert (await _attempt(app, email, "wrong", unique_address())).status_code == 401
        assert (await _attempt(app, email, PASSWORD, unique_address())).status_code == 200
        # Had the success not cleared the counter, the limit would be reached on the way here.
        for _ in range(almost):
            assert (await _attempt(app, email, "wrong", unique_address())).status_code == 401

        assert (await _attempt(app, email, PASSWORD, unique_address())).status_code == 200


async def test_a_disabled_account_cannot_sign_in(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    email = unique_email("leaver")
    member_id = await create_member(database, tenant.workspace_id, email, Role.AGENT)
    disabled = await client.patch(
        f"/api/v1/users/{member_id}", json={"is_active": False}, headers=tenant.headers
    )
    assert disabled.status_code == 200, disabled.text

    response = await _attempt(app, email, PASSWORD, unique_address())

    assert response.status_code == 401
    assert not sets_cookie(response, SESSION_COOKIE)


async def test_changing_the_password_needs_the_current_one(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    csrf = await sign_in(client, tenant.owner_email)

    response = await client.post(
        "/api/v1/auth/password",
        json={"current_password": "not my password", "new_password": NEW_PASSWORD},
        headers={"X-CSRF-Token": csrf},
    )

    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert [f["field"] for f in error["fields"]] == ["current_password"]
    async with client_for(app) as other:
        await sign_in(other, tenant.owner_email, PASSWORD)  # unchanged


async def test_a_too_short_new_password_is_refused(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    csrf = await sign_in(client, tenant.owner_email)

    response = await client.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": "short"},
        headers={"X-CSRF-Token": csrf},
    )

    assert response.status_code == 422
    assert [f["field"] for f in response.json()["error"]["fields"]] == ["body.new_password"]


async def test_changing_the_password_signs_out_the_other_sessions(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    csrf = await sign_in(client, tenant.owner_email)
    async with client_for(app) as laptop:
        await sign_in(laptop, tenant.owner_email)

        response = await client.post(
            "/api/v1/auth/password",
            json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
            headers={"X-CSRF-Token": csrf},
        )

        assert response.status_code == 204, response.text
        assert (await laptop.get("/api/v1/auth/me")).status_code == 401
    assert (await client.get("/api/v1/auth/me")).status_code == 200
    async with client_for(app) as fresh:
        old = await fresh.post(LOGIN_URL, json={"email": tenant.owner_email, "password": PASSWORD})
        assert old.status_code == 401
        await sign_in(fresh, tenant.owner_email, NEW_PASSWORD)


async def test_an_api_key_has_no_password_to_change(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    key = await create_api_key(database, tenant.workspace_id, Role.OWNER)

    response = await client.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers={"Authorization": f"Bearer {key}"},
    )

    assert response.status_code == 403
