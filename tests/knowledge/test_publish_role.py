"""Who may publish: the workspace's ``knowledge_publish_role`` (admin by default, or agent)."""

from __future__ import annotations

import httpx

from deskpilot.kit.db import Database
from deskpilot.models import Role
from tests.factories import Tenant, create_api_key
from tests.knowledge.helpers import create_article

FAQ_CSV = "question,answer\nDo you ship abroad?,Yes.\n"


async def _headers(database: Database, tenant: Tenant, role: Role) -> dict[str, str]:
    return {"Authorization": f"Bearer {await create_api_key(database, tenant.workspace_id, role)}"}


async def _set_role(client: httpx.AsyncClient, tenant: Tenant, value: str) -> httpx.Response:
    return await client.patch(
        "/api/v1/workspace", json={"knowledge_publish_role": value}, headers=tenant.headers
    )


async def _import(client: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
    return await client.post(
        "/api/v1/kb/import",
        files=[("files", ("faq.csv", FAQ_CSV.encode(), "text/csv"))],
        data={"publish": "true"},
        headers=headers,
    )


async def test_admin_by_default_and_agents_once_the_workspace_allows(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    agent = await _headers(database, tenant, Role.AGENT)
    viewer = await _headers(database, tenant, Role.VIEWER)
    article = await create_article(client, tenant, headers=agent)
    url = f"/api/v1/kb/articles/{article['id']}"

    default = await client.get("/api/v1/workspace", headers=agent)
    refused = await client.post(f"{url}/publish", headers=agent)
    refused_import = await _import(client, agent)
    changed = await _set_role(client, tenant, "agent")
    published = await client.post(f"{url}/publish", headers=agent)
    await client.patch(url, json={"body": "A second version."}, headers=agent)
    rolled_back = await client.post(f"{url}/rollback", json={"version": 1}, headers=agent)
    archived = await client.post(f"{url}/archive", headers=agent)
    imported = await _import(client, agent)
    viewer_publish = await client.post(f"{url}/publish", headers=viewer)
    back = await _set_role(client, tenant, "admin")
    refused_again = await client.post(f"{url}/publish", headers=agent)
    admin_publish = await client.post(f"{url}/publish", headers=tenant.headers)

    assert default.json()["knowledge_publish_role"] == "admin"
    assert refused.status_code == 403
    assert "admin" in refused.json()["error"]["message"]
    assert refused_import.status_code == 403
    assert changed.status_code == 200
    assert changed.json()["knowledge_publish_role"] == "agent"
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    assert rolled_back.status_code == 200
    assert rolled_back.json()["published_version"] == 3
    assert archived.json()["status"] == "archived"
    assert imported.status_code == 200
    assert imported.json()["created"] == 1
    assert viewer_publish.status_code == 403
    assert back.json()["knowledge_publish_role"] == "admin"
    assert refused_again.status_code == 403
    assert admin_publish.status_code == 200


async def test_only_admins_change_the_setting_and_only_to_agent_or_admin(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    agent = await _headers(database, tenant, Role.AGENT)

    by_agent = await client.patch(
        "/api/v1/workspace", json={"knowledge_publish_role": "agent"}, headers=agent
    )
    to_viewer = await _set_role(client, tenant, "viewer")
    after = await client.get("/api/v1/workspace", headers=tenant.headers)

    assert by_agent.status_code == 403
    assert to_viewer.status_code == 422
    fields = {f["field"] for f in to_viewer.json()["error"]["fields"]}
    assert any("knowledge_publish_role" in f for f in fields)
    assert after.json()["knowledge_publish_role"] == "admin"
