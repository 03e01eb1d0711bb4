"""Changing what the public sees of a published article (its visibility, language or category)
takes effect at once, so it needs the publish role, like publishing; edits of text and other
metadata stay open to agents, and every metadata change is logged with its author."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from deskpilot.kit.db import Database
from deskpilot.models import Role
from tests.channels.helpers import drain, worker_for
from tests.factories import Tenant, create_api_key
from tests.knowledge.helpers import create_article, index_jobs

SECRET = "The refund override code is OVR-7731 for agents only."


async def _agent(database: Database, tenant: Tenant) -> dict[str, str]:
    key = await create_api_key(database, tenant.workspace_id, Role.AGENT)
    return {"Authorization": f"Bearer {key}"}


async def _published_internal(client: httpx.AsyncClient, tenant: Tenant) -> dict[str, Any]:
    article = await create_article(
        client, tenant, title="Agent override codes", body=SECRET, visibility="internal"
    )
    published = await client.post(
        f"/api/v1/kb/articles/{article['id']}/publish", headers=tenant.headers
    )
    assert published.status_code == 200, published.text
    result: dict[str, Any] = published.json()
    return result


async def test_an_agent_cannot_make_a_published_internal_article_public(
    client: httpx.AsyncClient, tenant: Tenant, database: Database, resources: Any
) -> None:
    agent = await _agent(database, tenant)
    article = await _published_internal(client, tenant)
    url = f"/api/v1/kb/articles/{article['id']}"
    await drain(worker_for(resources), within=60)
    jobs_before = await index_jobs(database, article["id"])

    refused = await client.patch(url, json={"visibility": "public"}, headers=agent)
    await drain(worker_for(resources), within=60)
    after = await client.get(url, headers=tenant.headers)
    help_page = await client.get(f"/help/{tenant.slug}/articles/{article['id']}")
    search = await client.get(
        "/api/v1/kb/search",
        params={"q": "refund override code", "visibility": "public"},
        headers=tenant.headers,
    )

    assert refused.status_code == 403
    message = refused.json()["error"]["message"]
    assert "visibility" in message
    assert "admin" in message
    assert after.json()["visibility"] == "internal"
    assert after.json()["updated_at"] == article["updated_at"]
    assert help_page.status_code == 404
    assert "OVR-7731" not in help_page.text
    assert search.status_code == 200
    assert "OVR-7731" not in search.text
    assert await index_jobs(database, article["id"]) == jobs_before


@pytest.mark.parametrize(
    "change",
    [
        {"visibility": "public"},
        {"language": "ru"},
        {"category": "policies"},
        {"title": "New title", "language": "zh"},  # refused whole: no new version either
    ],
)
async def test_visibility_language_and_category_of_a_published_article_need_the_publish_role(
    client: httpx.AsyncClient, tenant: Tenant, database: Database, change: dict[str, str]
) -> None:
    agent = await _agent(database, tenant)
    article = await _published_internal(client, tenant)
    url = f"/api/v1/kb/articles/{article['id']}"

    refused = await client.patch(url, json=change, headers=agent)
    after = (await client.get(url, headers=tenant.headers)).json()

    assert refused.status_code == 403
    assert "published article" in refused.json()["error"]["message"]
    for field in ("visibility", "language", "category", "title", "current_version"):
        assert after[field] == article[field]


async def test_agents_still_edit_text_drafts_and_other_metadata_and_publishers_go_live(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    agent = await _agent(database, tenant)
    published = await _published_internal(client, tenant)
    draft = await create_article(client, tenant, headers=agent, visibility="internal")
    url = f"/api/v1/kb/articles/{published['id']}"
    jobs_before = await index_jobs(database, published["id"])

    text = await client.patch(
        url, json={"body": "Ask a lead for the code.", "tags": ["refunds"]}, headers=agent
    )
    unchanged_visibility = await client.patch(url, json={"visibility": "internal"}, headers=agent)
    draft_public = await client.patch(
        f"/api/v1/kb/articles/{draft['id']}",
        json={"visibility": "public", "language": "ru", "category": "policies"},
        headers=agent,
    )
    by_admin = await client.patch(url, json={"visibility": "public"}, headers=tenant.headers)

    assert text.status_code == 200
    assert text.json()["current_version"] == 2
    assert text.json()["published_version"] == 1  # waits for a publisher
    assert text.json()["tags"] == ["refunds"]
    assert unchanged_visibility.status_code == 200  # no change, nothing to refuse
    assert draft_public.status_code == 200  # a draft shows nothing until published
    assert draft_public.json()["visibility"] == "public"
    assert by_admin.status_code == 200
    assert by_admin.json()["visibility"] == "public"
    assert await index_jobs(database, published["id"]) == jobs_before + 1


async def test_agents_may_once_the_workspace_lets_agents_publish(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    agent = await _agent(database, tenant)
    article = await _published_internal(client, tenant)
    setting = await client.patch(
        "/api/v1/workspace", json={"knowledge_publish_role": "agent"}, headers=tenant.headers
    )

    allowed = await client.patch(
        f"/api/v1/kb/articles/{article['id']}",
        json={"visibility": "public", "language": "ru"},
        headers=agent,
    )

    assert setting.status_code == 200
    assert allowed.status_code == 200
    assert (allowed.json()["visibility"], allowed.json()["language"]) == ("public", "ru")


async def test_an_agent_re_import_cannot_move_a_published_article(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    agent = await _agent(database, tenant)
    first = await client.post(
        "/api/v1/kb/import",
        files=[("files", ("faq.csv", b"id,question,answer\n1,Do you ship abroad?,Yes.\n"))],
        data={"publish": "true"},
        headers=tenant.headers,
    )
    article_id = first.json()["items"][0]["article_id"]

    again = await client.post(
        "/api/v1/kb/import",
        files=[
            (
                "files",
                ("faq.csv", b"id,question,answer,category\n1,Do you ship abroad?,Yes.,news\n"),
            )
        ],
        headers=agent,
    )
    after = await client.get(f"/api/v1/kb/articles/{article_id}", headers=tenant.headers)
    hand_set = await client.patch(
        f"/api/v1/kb/articles/{article_id}", json={"category": "faq"}, headers=tenant.headers
    )
    plain = await client.post(
        "/api/v1/kb/import",
        files=[("files", ("faq.csv", b"id,question,answer\n1,Do you ship abroad?,Yes.\n"))],
        headers=agent,
    )
    kept = await client.get(f"/api/v1/kb/articles/{article_id}", headers=tenant.headers)

    assert again.status_code == 200
    assert again.json()["failed"] == 1
    assert "category" in again.json()["items"][0]["error"]
    assert "admin" in again.json()["items"][0]["error"]
    assert after.json()["category"] is None
    assert hand_set.status_code == 200
    assert plain.json()["unchanged"] == 1  # naming no category keeps the one set by hand
    assert kept.json()["category"] == "faq"


async def test_metadata_edits_are_logged_with_author_and_changes(
    client: httpx.AsyncClient, tenant: Tenant, caplog: pytest.LogCaptureFixture
) -> None:
    article = await _published_internal(client, tenant)

    with caplog.at_level(logging.INFO, logger="deskpilot.knowledge.service"):
        changed = await client.patch(
            f"/api/v1/kb/articles/{article['id']}",
            json={"visibility": "public", "review_due_on": "2030-01-31"},
            headers=tenant.headers,
        )

    assert changed.status_code == 200
    records = [r for r in caplog.records if r.__dict__.get("article_id") == article["id"]]
    assert len(records) == 1
    record = records[0].__dict__
    assert record["event"] == "knowledge.article_metadata_changed"
    assert record["author_id"] is not None
    assert record["changes"] == {
        "visibility": ["internal", "public"],
        "review_due_on": ["None", "2030-01-31"],
    }
