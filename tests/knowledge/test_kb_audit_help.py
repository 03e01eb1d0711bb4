"""Audit fixes in the help center: search within a category, and votes on a version that was
never published."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select

from deskpilot.kit.db import Database
from deskpilot.knowledge.indexing import reindex
from deskpilot.models import ArticleFeedback
from deskpilot.web import help as help_pages
from tests.factories import Tenant
from tests.knowledge.helpers import publish


async def _published(client: httpx.AsyncClient, tenant: Tenant, **fields: Any) -> str:
    return str((await publish(client, tenant, **fields))["id"])


async def test_search_within_a_category_is_not_crowded_out_by_other_categories(
    client: httpx.AsyncClient, tenant: Tenant, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(help_pages, "SEARCH_LIMIT", 2)
    for n in range(4):  # better matches for the word, all in another category
        await _published(
            client, tenant, title=f"Widgetword guide {n}", body="widgetword " * 5, category="faq"
        )
    news = await _published(
        client,
        tenant,
        title="Release notes",
        body="This release mentions widgetword once among many other words about the launch.",
        category="news",
    )
    await reindex(database, tenant.workspace_id)

    page = await client.get(
        f"/help/{tenant.slug}", params={"q": "widgetword", "category": "news", "lang": "en"}
    )

    assert page.status_code == 200
    assert f"/articles/{news}" in page.text
    assert "Nothing found" not in page.text
    assert "Widgetword guide" not in page.text


async def _votes(database: Database) -> list[tuple[int, bool]]:
    async with database.transaction() as session:
        rows = (await session.scalars(select(ArticleFeedback))).all()
    return sorted((row.version, row.helpful) for row in rows)


async def test_a_vote_naming_a_version_never_published_counts_for_the_published_one(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    article_id = await _published(client, tenant, title="Fb version test", body="v1 text")
    url = f"/api/v1/kb/articles/{article_id}"
    for text in ("v2 draft never published", "v3 text"):
        edited = await client.patch(url, json={"body": text}, headers=tenant.headers)
        assert edited.status_code == 200, edited.text
    await client.post(f"{url}/publish", headers=tenant.headers)  # v3 live; v2 never was
    page_url = f"/help/{tenant.slug}/articles/{article_id}/feedback"

    draft_vote = await client.post(page_url, data={"helpful": "false", "version": "2"})
    old_vote = await client.post(page_url, data={"helpful": "true", "version": "1"})
    summary = await client.get(f"{url}/feedback", headers=tenant.headers)

    assert draft_vote.status_code == 303
    assert old_vote.status_code == 303
    # v1 was published (a page open since then votes on it); v2 never showed anywhere
    assert await _votes(database) == [(1, True), (3, False)]
    assert [v["version"] for v in summary.json()["versions"]] == [3, 1]


async def test_a_vote_on_a_version_published_by_rollback_is_kept(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    article_id = await _published(client, tenant, title="Rolled", body="v1 text")
    url = f"/api/v1/kb/articles/{article_id}"
    await client.patch(url, json={"body": "v2 draft"}, headers=tenant.headers)
    rolled = await client.post(f"{url}/rollback", json={"version": 1}, headers=tenant.headers)
    assert rolled.json()["published_version"] == 3  # live at once
    await client.patch(url, json={"body": "v4 text"}, headers=tenant.headers)
    await client.post(f"{url}/publish", headers=tenant.headers)
    page_url = f"/help/{tenant.slug}/articles/{article_id}/feedback"

    for version in ("3", "2"):
        vote = await client.post(page_url, data={"helpful": "true", "version": version})
        assert vote.status_code == 303

    assert await _votes(database) == [(3, True), (4, True)]
