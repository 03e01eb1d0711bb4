"""``/api/v1/ws`` against a real uvicorn server on loopback, serving its own app instance.

The server's bus is the one the settings pick: in-process, or Redis when the tests have Redis.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from deskpilot.app import create_app
from deskpilot.auth.dependencies import SESSION_COOKIE
from deskpilot.config import Settings
from deskpilot.kit.db import Database
from tests.factories import PASSWORD, Tenant
from tests.support.servers import EVENT_TIMEOUT, event_socket, next_message, serve_app

POLICY_VIOLATION = 1008


@pytest.fixture
async def server(settings: Settings, database: Database) -> AsyncIterator[str]:
    """``host:port`` of a server whose lifespan uvicorn runs (``database`` has migrated)."""
    async with serve_app(create_app(settings)) as address:
        yield address


@pytest.fixture
async def http(server: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=f"http://{server}", timeout=EVENT_TIMEOUT) as client:
        yield client


async def rename(http: httpx.AsyncClient, tenant: Tenant, name: str) -> None:
    response = await http.patch("/api/v1/workspace", json={"name": name}, headers=tenant.headers)
    assert response.status_code == 200, response.text
    assert response.json()["name"] == name


async def sign_in(http: httpx.AsyncClient, tenant: Tenant) -> str:
    """The session cookie's value. It is Secure, so an http:// client keeps it to itself:
    the tests send it in a Cookie header of their own."""
    response = await http.post(
        "/api/v1/auth/login", json={"email": tenant.owner_email, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    token = response.cookies.get(SESSION_COOKIE)
    assert token
    return token


async def assert_refused(server: str, headers: Mapping[str, str], reason: str) -> None:
    async with connect(f"ws://{server}/api/v1/ws", additional_headers=headers) as websocket:
        with pytest.raises(ConnectionClosed) as closed:
            await next_message(websocket)  # nothing, not even realtime.connected
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == POLICY_VIOLATION
    assert reason in closed.value.rcvd.reason


async def test_api_key_client_is_greeted_then_gets_its_workspace_update(
    server: str, http: httpx.AsyncClient, tenant: Tenant
) -> None:
    async with connect(f"ws://{server}/api/v1/ws", additional_headers=tenant.headers) as ws:
        greeting = await next_message(ws)
        assert greeting == {"name": "realtime.connected", "workspace_id": tenant.workspace_id}

        await rename(http, tenant, "Acme Renamed")

        event = await next_message(ws)
        assert event["name"] == "workspace.updated"
        assert event["workspace_id"] == tenant.workspace_id
        assert event["data"] == {
            "id": tenant.workspace_id,
            "name": "Acme Renamed",
            "changed": ["name"],
        }
        assert event["id"].startswith("evt")


async def test_client_does_not_receive_another_workspaces_update(
    server: str, http: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    async with (
        event_socket(server, tenant.headers) as ours,
        event_socket(server, other_tenant.headers) as theirs,
    ):
        await rename(http, other_tenant, "Globex Renamed")
        # Their client got it: the event has gone through the bus of the server we are on.
        assert (await next_message(theirs))["data"]["name"] == "Globex Renamed"

        await rename(http, tenant, "Acme Renamed")
        # Had theirs leaked to us it would be ahead of ours in our stream.
        event = await next_message(ours)
        assert event["workspace_id"] == tenant.workspace_id
        assert event["data"]["name"] == "Acme Renamed"


async def test_cookie_signed_in_client_receives_events(
    server: str, http: httpx.AsyncClient, tenant: Tenant
) -> None:
    token = await sign_in(http, tenant)
    async with event_socket(server, {"Cookie": f"{SESSION_COOKIE}={token}"}) as websocket:
        await rename(http, tenant, "Acme by Cookie")

        event = await next_message(websocket)
        assert event["name"] == "workspace.updated"
        assert event["data"]["name"] == "Acme by Cookie"


async def test_cookie_client_on_its_own_origin_is_accepted_and_on_another_refused(
    server: str, http: httpx.AsyncClient, tenant: Tenant
) -> None:
    cookie = f"{SESSION_COOKIE}={await sign_in(http, tenant)}"
    async with event_socket(server, {"Cookie": cookie, "Origin": f"http://{server}"}):
        pass

    await assert_refused(
        server, {"Cookie": cookie, "Origin": "https://evil.example"}, "cross-origin"
    )


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no credentials"),
        pytest.param({"Authorization": "Bearer dp_not-a-real-key"}, id="unknown api key"),
        pytest.param({"Authorization": "Basic dXNlcjpwdw=="}, id="not a bearer"),
        pytest.param({"Cookie": f"{SESSION_COOKIE}=not-a-session"}, id="unknown session"),
    ],
)
async def test_client_without_valid_credentials_is_closed_with_policy_violation(
    server: str, tenant: Tenant, headers: dict[str, str]
) -> None:
    await assert_refused(server, headers, "sign in or send an API key")


async def test_what_a_client_sends_does_not_end_its_stream(
    server: str, http: httpx.AsyncClient, tenant: Tenant
) -> None:
    async with event_socket(server, tenant.headers) as websocket:
        await websocket.send("ping")
        await websocket.send(b"\x00binary")
        await websocket.ping()

        await rename(http, tenant, "Still Streaming")

        assert (await next_message(websocket))["data"]["name"] == "Still Streaming"
