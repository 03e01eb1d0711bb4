"""The sign-in form (double-submit CSRF cookie), signing out, and the start page."""

from __future__ import annotations

import re

import httpx
from fastapi import FastAPI

from deskpilot.config import Settings
from deskpilot.kit.db import Database
from tests.auth import (
    SESSION_COOKIE,
    app_with,
    client_for,
    cookie_attributes,
    sets_cookie,
    sign_in,
    unique_email,
)
from tests.factories import PASSWORD, Tenant

LOGIN_CSRF_COOKIE = "deskpilot_login_csrf"
_CSRF_INPUT = re.compile(r'<input type="hidden" name="csrf_token" value="([^"]+)">')


async def _form_token(client: httpx.AsyncClient, path: str = "/login") -> str:
    page = await client.get(path)
    assert page.status_code == 200, page.text
    found = _CSRF_INPUT.search(page.text)
    assert found is not None, page.text
    return found.group(1)


async def test_the_login_page_renders_a_form_with_a_csrf_token(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/login")

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<form method="post" action="/login">' in page.text
    assert 'name="email"' in page.text
    assert 'name="password"' in page.text
    found = _CSRF_INPUT.search(page.text)
    assert found is not None
    cookie = cookie_attributes(page, LOGIN_CSRF_COOKIE)
    assert cookie["value"] == found.group(1)
    assert "httponly" in cookie
    assert "secure" in cookie
    # Each page view gets its own token.
    assert await _form_token(client) != found.group(1)


async def test_posting_the_form_with_its_token_signs_in(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    token = await _form_token(client)

    response = await client.post(
        "/login", data={"email": tenant.owner_email, "password": PASSWORD, "csrf_token": token}
    )

    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/"
    cookie = cookie_attributes(response, SESSION_COOKIE)
    assert "httponly" in cookie
    assert "secure" in cookie
    assert cookie["samesite"].lower() == "lax"
    me = await client.get("/api/v1/auth/me")
    assert me.status_code == 200
    assert me.json()["user_id"] == tenant.owner_id


async def test_a_wrong_form_token_is_refused_without_signing_in(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    token = await _form_token(client)
    credentials = {"email": tenant.owner_email, "password": PASSWORD}

    wrong = await client.post("/login", data={**credentials, "csrf_token": token + "x"})

    assert wrong.status_code == 403
    assert not sets_cookie(wrong, SESSION_COOKIE)
    assert SESSION_COOKIE not in client.cookies
    assert "expired" in wrong.text
    # A token from the page but no cookie (a forged cross-site post) is refused as well.
    async with client_for(app) as forger:
        forged = await forger.post("/login", data={**credentials, "csrf_token": token})
        assert forged.status_code == 403
        assert not sets_cookie(forged, SESSION_COOKIE)
    assert (await client.get("/api/v1/auth/me")).status_code == 401


async def test_a_wrong_password_shows_the_form_again(app: FastAPI, tenant: Tenant) -> None:
    async with client_for(app) as client:
        token = await _form_token(client)

        response = await client.post(
            "/login",
            data={"email": tenant.owner_email, "password": "wrong", "csrf_token": token},
        )

    assert response.status_code == 401
    assert "wrong email or password" in response.text
    assert f'value="{tenant.owner_email}"' in response.text
    assert not sets_cookie(response, SESSION_COOKIE)


async def test_the_start_page_sends_strangers_to_the_login_page(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/")

    assert response.status_code == 303
    assert response.headers["location"] == "/login"


async def test_the_start_page_takes_a_member_to_the_inbox_which_shows_who_they_are(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await sign_in(client, tenant.owner_email)

    start = await client.get("/")
    assert start.status_code == 303
    assert start.headers["location"] == "/inbox"
    response = await client.get("/inbox")

    assert response.status_code == 200, response.text
    assert tenant.owner_email in response.text
    assert "owner" in response.text
    assert "Acme" in response.text


async def test_signing_out_through_the_form(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    csrf = await sign_in(client, tenant.owner_email)
    assert await _form_token(client, "/inbox") == csrf  # the console's sign-out form
    async with client_for(app) as other_tab:
        other_tab.cookies.set(SESSION_COOKIE, client.cookies[SESSION_COOKIE])

        forged = await other_tab.post("/logout", data={"csrf_token": "forged"})
        assert forged.status_code == 303
        assert (await client.get("/api/v1/auth/me")).status_code == 200  # session lives on

        response = await client.post("/logout", data={"csrf_token": csrf})

        assert response.status_code == 303
        assert response.headers["location"] == "/login"
        assert (await client.get("/")).status_code == 303
        assert (await other_tab.get("/api/v1/auth/me")).status_code == 401


async def test_a_throttled_form_login_says_when_to_retry(
    settings: Settings, database: Database
) -> None:
    email = unique_email("form-throttle")
    async with app_with(settings, login_attempts_per_window=1) as app, client_for(app) as client:
        token = await _form_token(client)
        failed = await client.post(
            "/login", data={"email": email, "password": "wrong", "csrf_token": token}
        )
        assert failed.status_code == 401
        token = await _form_token(client)

        throttled = await client.post(
            "/login", data={"email": email, "password": "wrong", "csrf_token": token}
        )

    assert throttled.status_code == 429
    assert 1 <= int(throttled.headers["retry-after"]) <= settings.login_window_seconds
    assert "too many" in throttled.text
