"""Helpers shared by the auth and web-login tests."""

from __future__ import annotations

import itertools
import secrets
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI

from deskpilot.app import create_app
from deskpilot.config import Settings
from tests.factories import PASSWORD

SESSION_COOKIE = "deskpilot_session"
LOGIN_URL = "/api/v1/auth/login"

# Failed logins count per client address, and with Redis the counters outlive a test: every
# client that is meant to fail a login gets an address no other test uses.
_addresses = itertools.count(1)
_address_base = f"10.{secrets.randbelow(256)}"


def unique_address() -> str:
    number = next(_addresses)
    return f"{_address_base}.{number // 250 % 250}.{number % 250 + 1}"


def unique_email(label: str, domain: str = "acme.example.com") -> str:
    return f"{label}-{uuid.uuid4().hex[:10]}@{domain}"


def client_for(app: FastAPI, address: str | None = None) -> httpx.AsyncClient:
    """A client with its own cookie jar, calling from ``address`` (a fresh one by default)."""
    transport = httpx.ASGITransport(app=app, client=(address or unique_address(), 123))
    return httpx.AsyncClient(transport=transport, base_url="https://testserver")


@asynccontextmanager
async def app_with(settings: Settings, **changes: Any) -> AsyncIterator[FastAPI]:
    """The app, run through its lifespan, with some settings changed."""
    application = create_app(settings.model_copy(update=changes))
    async with application.router.lifespan_context(application):
        yield application


async def sign_in(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> str:
    """Sign in through the API; returns the CSRF token to send on changes."""
    response = await client.post(LOGIN_URL, json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    token = response.json()["csrf_token"]
    assert isinstance(token, str)
    assert token
    return token


def cookie_attributes(response: httpx.Response, name: str) -> dict[str, str]:
    """The attributes of the ``Set-Cookie`` header for ``name`` (lower-case keys)."""
    for header in response.headers.get_list("set-cookie"):
        first, *rest = header.split(";")
        if first.strip().startswith(f"{name}="):
            attributes = {"value": first.strip().partition("=")[2]}
            for part in rest:
                key, _, value = part.strip().partition("=")
                attributes[key.lower()] = value
            return attributes
    raise AssertionError(f"no Set-Cookie for {name}: {response.headers.get_list('set-cookie')}")


def sets_cookie(response: httpx.Response, name: str) -> bool:
    return any(
        header.strip().startswith(f"{name}=") for header in response.headers.get_list("set-cookie")
    )
