"""The review date of a published article moves only with the publish role, the role that marks
it reviewed: an agent cannot take an overdue article off the review queue by editing the date."""

from __future__ import annotations

import httpx
import pytest

from deskpilot.kit.db import Database
from deskpilot.models import Role
from tests.factories import Tenant, create_api_key
from tests.knowledge.helpers import create_article


async def _agent(database: Database, tenant: Tenant) -> dict[str, str]:
    key = await create_api_key(database, tenant.workspace_id, Role.AGENT)
    return {"Authorization": f"Bearer {key}"}


async def _overdue_published(client: httpx.AsyncClient, tenant: Tenant) -> str:
    article = await create_article(client, tenant, title="Perm test", review_due_on="2020-01-01")
    published = await client.post(
        f"/api/v1/kb/articles/{article['id']}/publish", headers=tenant.headers
    )
    assert published.status_code == 200, published.text
    return str(article["id"])


async def _queue(client: httpx.AsyncClient, tenant: Tenant) -> list[str]:
    response = await client.get("/api/v1/kb/review", headers=tenant.headers)
    assert response.status_code == 200, response.text
    return [item["article"]["id"] for item in response.json()]


@pytest.mark.parametrize(
    "change",
    [
        {"review_due_on": "2030-01-01"},
        {"review_due_on": None},
        {"body": "A new text", "review_due_on": "2030-01-01"},  # refused whole
    ],
)
async def test_an_agent_cannot_move_the_review_date_of_a_published_article(
    client: httpx.AsyncClient, tenant: Tenant, database: Database, change: dict[str, str]
) -> None:
    agent = await _agent(database, tenant)
    article_id = await _overdue_published(client, tenant)
    url = f"/api/v1/kb/articles/{article_id}"
    before = (await client.get(url, headers=tenant.headers)).json()

    refused = await client.patch(url, json=change, headers=agent)
    marked = await client.post(f"{url}/reviewed", json={}, headers=agent)
    after = (await client.get(url, headers=tenant.headers)).json()
    history = (await client.get(f"{url}/changes", headers=tenant.headers)).json()

    assert refused.status_code == 403
    message = refused.json()["error"]["message"]
    assert "review_due_on" in message
    assert "admin" in message
    assert marked.status_code == 403  # the same role as marking it reviewed
    assert after == before
    assert [entry["action"] for entry in history["items"]] == ["published"]
    assert article_id in await _queue(client, tenant)


async def test_publishers_move_it_and_agents_still_date_drafts_and_edit_other_metadata(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    agent = await _agent(database, tenant)
    article_id = await _overdue_published(client, tenant)
    draft = await create_article(client, tenant, headers=agent, review_due_on="2020-01-01")
    url = f"/api/v1/kb/articles/{article_id}"

    same_date = await client.patch(
        url, json={"review_due_on": "2020-01-01", "tags": ["x"]}, headers=agent
    )
    draft_dated = await client.patch(
        f"/api/v1/kb/articles/{draft['id']}", json={"review_due_on": "2030-01-01"}, headers=agent
    )
    by_admin = await client.patch(url, json={"review_due_on": "2030-01-01"}, headers=tenant.headers)
    await client.patch(
        "/api/v1/workspace", json={"knowledge_publish_role": "agent"}, headers=tenant.headers
    )
    by_agent_publisher = await client.patch(
        url, json={"review_due_on": "2031-01-01"}, headers=agent
    )

    assert same_date.status_code == 200  # the date is not changed: nothing to refuse
    assert same_date.json()["tags"] == ["x"]
    assert draft_dated.status_code == 200  # a draft is dated by whoever writes it
    assert by_admin.status_code == 200
    assert by_admin.json()["review_due_on"] == "2030-01-01"
    assert article_id not in await _queue(client, tenant)
    assert by_agent_publisher.status_code == 200
    assert by_agent_publisher.json()["review_due_on"] == "2031-01-01"
