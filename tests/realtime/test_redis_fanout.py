"""Realtime fan-out across server processes.

Acceptance: two app instances run on one Redis, and a WebSocket client connected to one server
process receives events published by another. Each server is a real ``deskpilot serve`` child
process on the test database.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from deskpilot.config import Settings
from deskpilot.kit.db import Database
from tests.factories import Tenant
from tests.support.servers import event_socket, next_message, serve_processes, server_env

# The negative check waits this long for an event that must not come.
SILENCE_SECONDS = 1.0


def env_for(settings: Settings, data_dir: Path, redis_url: str | None) -> dict[str, str]:
    values = {
        "DESKPILOT_DATABASE_URL": settings.effective_database_url,
        "DESKPILOT_DATA_DIR": str(data_dir),
        "DESKPILOT_SECRET_KEY": "x",
        "DESKPILOT_MIGRATE_ON_START": "false",
        "DESKPILOT_LOG_FORMAT": "text",
    }
    if redis_url is not None:
        values["DESKPILOT_REDIS_URL"] = redis_url
    return server_env(values)


async def rename_on(address: str, tenant: Tenant, name: str) -> None:
    async with httpx.AsyncClient(base_url=f"http://{address}", timeout=5) as http:
        response = await http.patch(
            "/api/v1/workspace", json={"name": name}, headers=tenant.headers
        )
    assert response.status_code == 200, response.text


async def test_a_websocket_on_one_server_receives_events_published_by_another(
    needs_redis: str, settings: Settings, database: Database, tenant: Tenant, tmp_path: Path
) -> None:
    env = env_for(settings, tmp_path, needs_redis)
    async with (
        serve_processes(2, env, tmp_path) as (a, b),
        event_socket(a.address, tenant.headers) as on_a,
        event_socket(b.address, tenant.headers) as on_b,
    ):
        await rename_on(b.address, tenant, "Renamed on B")

        event = await next_message(on_a)
        assert event["name"] == "workspace.updated"
        assert event["workspace_id"] == tenant.workspace_id
        assert event["data"]["name"] == "Renamed on B"
        # The publishing server's own clients get it too (once: through Redis only).
        assert (await next_message(on_b))["id"] == event["id"]

        await rename_on(a.address, tenant, "Renamed on A")
        assert (await next_message(on_b))["data"]["name"] == "Renamed on A"
        assert (await next_message(on_a))["data"]["name"] == "Renamed on A"


async def test_without_redis_events_stay_in_the_process_that_published_them(
    settings: Settings, database: Database, tenant: Tenant, tmp_path: Path
) -> None:
    env = env_for(settings, tmp_path, redis_url=None)
    async with (
        serve_processes(2, env, tmp_path) as (a, b),
        event_socket(a.address, tenant.headers) as on_a,
        event_socket(b.address, tenant.headers) as on_b,
    ):
        await rename_on(b.address, tenant, "Renamed on B")
        # Published: B's own client has it ...
        assert (await next_message(on_b))["data"]["name"] == "Renamed on B"
        # ... but A's does not,
        with pytest.raises(TimeoutError):
            await next_message(on_a, within=SILENCE_SECONDS)

        # though A's stream works: A's own event arrives, and is the next thing on it.
        await rename_on(a.address, tenant, "Renamed on A")
        assert (await next_message(on_a))["data"]["name"] == "Renamed on A"
