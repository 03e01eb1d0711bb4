"""Renaming and deleting categories (a review found a wrong name, or a category full of
articles, permanent): a rename keeps the slug; a workspace's own category is deleted, its
articles moved to another one first; a built-in one, or one with articles and nowhere to move
them, is a 409 that changes nothing."""

from __future__ import annotations

import httpx

from tests.factories import Tenant
from tests.knowledge.helpers import create_article, publish

CATEGORIES = "/api/v1/kb/categories"


async def _create(client: httpx.AsyncClient, tenant: Tenant, slug: str, name: str) -> None:
    made = await client.post(CATEGORIES, json={"slug": slug, "name": name}, headers=tenant.headers)
    assert made.status_code == 201, made.text


async def test_a_category_is_renamed_and_keeps_its_slug(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await _create(client, tenant, "shiping", "Shiping")

    renamed = await client.patch(
        f"{CATEGORIES}/shiping", json={"name": "Shipping"}, headers=tenant.headers
    )
    built_in = await client.patch(
        f"{CATEGORIES}/faq", json={"name": "Questions"}, headers=tenant.headers
    )
    unknown = await client.patch(f"{CATEGORIES}/nope", json={"name": "X"}, headers=tenant.headers)
    empty_name = await client.patch(f"{CATEGORIES}/faq", json={"name": ""}, headers=tenant.headers)
    listed = (await client.get(CATEGORIES, headers=tenant.headers)).json()

    assert renamed.status_code == 200
    assert (renamed.json()["slug"], renamed.json()["name"]) == ("shiping", "Shipping")
    assert built_in.status_code == 200
    assert unknown.status_code == 404
    assert empty_name.status_code == 422
    assert {c["slug"]: c["name"] for c in listed}["faq"] == "Questions"


async def test_a_category_with_articles_is_deleted_only_by_moving_them(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await _create(client, tenant, "old-news", "Old news")
    live = await publish(client, tenant, title="Recall", category="old-news")
    draft = await create_article(client, tenant, title="Draft note", category="old-news")

    refused = await client.delete(f"{CATEGORIES}/old-news", headers=tenant.headers)
    nowhere = await client.delete(
        f"{CATEGORIES}/old-news", params={"move_to": "nope"}, headers=tenant.headers
    )
    moved = await client.delete(
        f"{CATEGORIES}/old-news", params={"move_to": "news"}, headers=tenant.headers
    )
    gone = await client.patch(f"{CATEGORIES}/old-news", json={"name": "x"}, headers=tenant.headers)
    article = (await client.get(f"/api/v1/kb/articles/{live['id']}", headers=tenant.headers)).json()
    other = (await client.get(f"/api/v1/kb/articles/{draft['id']}", headers=tenant.headers)).json()
    history = await client.get(f"/api/v1/kb/articles/{live['id']}/changes", headers=tenant.headers)

    assert refused.status_code == 409
    assert "2 articles are in 'old-news'" in refused.json()["error"]["message"]
    assert nowhere.status_code == 404
    assert moved.status_code == 204
    assert gone.status_code == 404
    assert (article["category"], other["category"]) == ("news", "news")
    assert history.json()["items"][0]["changes"] == {"category": ["old-news", "news"]}


async def test_built_in_and_empty_categories(client: httpx.AsyncClient, tenant: Tenant) -> None:
    await _create(client, tenant, "empty", "Empty")

    built_in = await client.delete(f"{CATEGORIES}/faq", headers=tenant.headers)
    empty = await client.delete(f"{CATEGORIES}/empty", headers=tenant.headers)
    listed = {c["slug"] for c in (await client.get(CATEGORIES, headers=tenant.headers)).json()}

    assert built_in.status_code == 409
    assert "built-in" in built_in.json()["error"]["message"]
    assert empty.status_code == 204
    assert "faq" in listed
    assert "empty" not in listed


async def test_a_rename_is_checked_as_a_new_category_is(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    """A review found PATCH taking a blank or two-line name, keeping spaces around one, and a
    description with NUL (a 500 on PostgreSQL): it refuses them as creating one does."""
    url = f"{CATEGORIES}/faq"

    blank = await client.patch(url, json={"name": "   "}, headers=tenant.headers)
    two_lines = await client.patch(url, json={"name": "a\nb"}, headers=tenant.headers)
    nul = await client.patch(url, json={"description": "x\x00y"}, headers=tenant.headers)
    padded = await client.patch(url, json={"name": "  Questions  "}, headers=tenant.headers)
    listed = (await client.get(CATEGORIES, headers=tenant.headers)).json()

    assert [r.status_code for r in (blank, two_lines, nul)] == [422, 422, 422]
    assert blank.json()["error"]["fields"] == [
        {"field": "body.name", "reason": "must not be blank"}
    ]
    assert two_lines.json()["error"]["fields"] == [
        {"field": "body.name", "reason": "must be one line without control characters"}
    ]
    assert nul.json()["error"]["fields"] == [
        {"field": "body.description", "reason": "must not contain NUL characters"}
    ]
    assert padded.status_code == 200
    faq = next(c for c in listed if c["slug"] == "faq")
    assert (faq["name"], faq["description"]) == ("Questions", None)
