"""The settings pages: admins see every area with real data; other roles are refused."""

from __future__ import annotations

import httpx
import pytest

from deskpilot.kit.db import Database
from deskpilot.models import Role
from deskpilot.web.console.settings.common import AREAS
from tests.auth import sign_in
from tests.factories import Tenant, create_member

PAGES = [f"/settings/{area}" for area, _ in AREAS]


async def test_settings_starts_at_channels(client: httpx.AsyncClient) -> None:
    response = await client.get("/settings")
    assert response.status_code == 303
    assert response.headers["location"] == "/settings/channels"


@pytest.mark.parametrize("path", PAGES)
async def test_an_admin_sees_each_area_with_the_sub_navigation(
    client: httpx.AsyncClient, tenant: Tenant, path: str
) -> None:
    await sign_in(client, tenant.owner_email)
    page = await client.get(path)
    assert page.status_code == 200, page.text
    assert f'<a href="{path}" aria-current="page">' in page.text
    for other in PAGES:
        assert f'href="{other}"' in page.text
    assert "/static/console/settings.js" in page.text


@pytest.mark.parametrize("role", [Role.AGENT, Role.VIEWER])
@pytest.mark.parametrize("path", PAGES)
async def test_agents_and_viewers_are_refused(
    client: httpx.AsyncClient, tenant: Tenant, database: Database, path: str, role: Role
) -> None:
    email = f"{role.value}@acme.example.com"
    await create_member(database, tenant.workspace_id, email, role)
    await sign_in(client, email)
    page = await client.get(path)
    assert page.status_code == 403
    assert "Your role cannot open this page." in page.text


async def test_strangers_are_sent_to_sign_in(client: httpx.AsyncClient) -> None:
    response = await client.get("/settings/ai")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fsettings%2Fai"


async def test_channels_list_shows_the_widget_snippet_and_the_connect_form(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    csrf = await sign_in(client, tenant.owner_email)
    created = await client.post(
        "/api/v1/channels",
        json={"type": "webchat", "name": "Shop <chat>"},
        headers={"X-CSRF-Token": csrf},
    )
    assert created.status_code == 201, created.text
    key = created.json()["public_key"]
    page = await client.get("/settings/channels")
    assert "Shop &lt;chat&gt;" in page.text  # escaped
    assert f"/widget.js&#34; data-key=&#34;{key}&#34;&gt;&lt;/script&gt;" in page.text
    assert 'id="channel-types"' in page.text
    assert "Never" in page.text or "never" in page.text


async def test_ai_page_shows_the_thresholds_and_intents(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await sign_in(client, tenant.owner_email)
    page = await client.get("/settings/ai")
    assert 'name="handoff_confidence"' in page.text
    assert 'value="0.45"' in page.text
    assert "order_status" in page.text
    # what the embedding model does, under the field
    assert "changing it re-embeds every article" in page.text


async def test_keys_team_and_webhooks_list_their_records(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await sign_in(client, tenant.owner_email)
    keys = await client.get("/settings/keys")
    assert '<th scope="row">tests</th>' in keys.text  # the tenant's key, by name
    team = await client.get("/settings/team")
    assert tenant.owner_email in team.text
    hooks = await client.get("/settings/webhooks")
    assert 'value="ticket.created"' in hooks.text


async def test_pages_follow_the_agents_language(client: httpx.AsyncClient, tenant: Tenant) -> None:
    await sign_in(client, tenant.owner_email)
    client.cookies.set("deskpilot_console", "zh.light.m")
    page = await client.get("/settings/ai")
    assert "阈值" in page.text
    client.cookies.set("deskpilot_console", "ru.light.m")
    page = await client.get("/settings/keys")
    assert "API-ключи" in page.text
