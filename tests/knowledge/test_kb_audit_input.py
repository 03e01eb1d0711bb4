"""Input checks found loose by the audit: an invisible title, publishing a blank body, a rollback
version that is not an integer, and a search language written in capitals."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from deskpilot.kit.db import Database
from deskpilot.knowledge.indexing import reindex
from tests.factories import Tenant
from tests.knowledge.helpers import create_article


async def _count(client: httpx.AsyncClient, tenant: Tenant) -> int:
    response = await client.get("/api/v1/kb/articles", headers=tenant.headers)
    return len(response.json()["items"])


@pytest.mark.parametrize("title", ["\u200b", "\u2060\u200e\u3000"])
async def test_an_invisible_title_is_refused(
    client: httpx.AsyncClient, tenant: Tenant, title: str
) -> None:
    article = await create_article(client, tenant)
    url = f"/api/v1/kb/articles/{article['id']}"

    created = await client.post(
        "/api/v1/kb/articles", json={"title": title, "body": "Two days."}, headers=tenant.headers
    )
    edited = await client.patch(url, json={"title": title}, headers=tenant.headers)
    after = (await client.get(url, headers=tenant.headers)).json()

    for response in (created, edited):
        assert response.status_code == 422
        assert response.json()["error"]["fields"][0]["field"] == "body.title"
    assert await _count(client, tenant) == 1
    assert (after["title"], after["current_version"]) == (article["title"], 1)


@pytest.mark.parametrize("body", ["", "   \n\t", "\u200b\ufeff\u2028"])
async def test_a_draft_without_text_is_kept_but_not_published(
    client: httpx.AsyncClient, tenant: Tenant, body: str
) -> None:
    """An agent may save a title first; the public never gets an article without text."""
    article = await create_article(client, tenant, body=body)
    url = f"/api/v1/kb/articles/{article['id']}"

    published = await client.post(f"{url}/publish", headers=tenant.headers)
    after = (await client.get(url, headers=tenant.headers)).json()

    assert published.status_code == 422
    assert published.json()["error"]["fields"][0]["field"] == "body"
    assert (after["status"], after["published_version"]) == ("draft", None)
    edited = await client.patch(url, json={"body": "Two days."}, headers=tenant.headers)
    assert edited.status_code == 200, edited.text
    assert (await client.post(f"{url}/publish", headers=tenant.headers)).status_code == 200


async def test_visible_text_around_invisible_characters_is_kept(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    article = await create_article(client, tenant, title="Re\u200bfunds", body="\u200bTwo days.")

    assert article["title"] == "Re\u200bfunds"
    assert article["body"] == "\u200bTwo days."


@pytest.mark.parametrize("version", [True, False, "1", 1.0, 1.5, None])
async def test_rollback_takes_only_an_integer_version(
    client: httpx.AsyncClient, tenant: Tenant, version: Any
) -> None:
    article = await create_article(client, tenant)
    url = f"/api/v1/kb/articles/{article['id']}"
    await client.patch(url, json={"body": "Changed."}, headers=tenant.headers)

    refused = await client.post(
        f"{url}/rollback", json={"version": version}, headers=tenant.headers
    )
    accepted = await client.post(f"{url}/rollback", json={"version": 1}, headers=tenant.headers)

    assert refused.status_code == 422
    assert refused.json()["error"]["fields"][0]["field"] == "body.version"
    assert accepted.status_code == 200
    assert accepted.json()["current_version"] == 3  # the refused request made no version


async def test_search_and_list_read_a_language_in_capitals_as_articles_store_it(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    article = await create_article(client, tenant, body="Parcels travel by zeppelin.")
    await client.post(f"/api/v1/kb/articles/{article['id']}/publish", headers=tenant.headers)
    await reindex(database, tenant.workspace_id)

    found: dict[str, list[str]] = {}
    for language in ("en", "EN", " En "):
        search = await client.get(
            "/api/v1/kb/search",
            params={"q": "zeppelin", "language": language},
            headers=tenant.headers,
        )
        listed = await client.get(
            "/api/v1/kb/articles", params={"language": language}, headers=tenant.headers
        )
        assert search.status_code == 200, search.text
        assert listed.status_code == 200, listed.text
        found[language] = [hit["article_id"] for hit in search.json()["hits"]] + [
            item["id"] for item in listed.json()["items"]
        ]

    assert found == {language: [article["id"]] * 2 for language in ("en", "EN", " En ")}


@pytest.mark.parametrize("language", ["english", "e", "en_US", "<b>"])
async def test_search_and_list_refuse_what_is_not_a_language_tag(
    client: httpx.AsyncClient, tenant: Tenant, language: str
) -> None:
    search = await client.get(
        "/api/v1/kb/search", params={"q": "zeppelin", "language": language}, headers=tenant.headers
    )
    listed = await client.get(
        "/api/v1/kb/articles", params={"language": language}, headers=tenant.headers
    )

    for response in (search, listed):
        assert response.status_code == 422
        assert response.json()["error"]["fields"][0]["field"] == "query.language"
