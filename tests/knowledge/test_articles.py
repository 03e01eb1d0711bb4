"""Articles over the API: categories, versions, diffs, publishing, rollback, permissions."""

from __future__ import annotations

import httpx

from deskpilot.kit.db import Database
from deskpilot.models import Role
from tests.factories import Tenant, create_api_key
from tests.knowledge.helpers import create_article, index_jobs


async def _headers(database: Database, tenant: Tenant, role: Role) -> dict[str, str]:
    return {"Authorization": f"Bearer {await create_api_key(database, tenant.workspace_id, role)}"}


async def test_built_in_categories_appear_once_and_custom_ones_join(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    first = await client.get("/api/v1/kb/categories", headers=tenant.headers)
    again = await client.get("/api/v1/kb/categories", headers=tenant.headers)
    created = await client.post(
        "/api/v1/kb/categories",
        json={"slug": "warranty", "name": "Warranty"},
        headers=tenant.headers,
    )
    taken = await client.post(
        "/api/v1/kb/categories", json={"slug": "faq", "name": "FAQ"}, headers=tenant.headers
    )
    bad = await client.post(
        "/api/v1/kb/categories", json={"slug": "Not A Slug", "name": "x"}, headers=tenant.headers
    )
    listed = await client.get("/api/v1/kb/categories", headers=tenant.headers)

    slugs = [c["slug"] for c in first.json()]
    assert set(slugs) == {
        "product-information",
        "faq",
        "cases",
        "policies",
        "technical-documentation",
        "news",
    }
    assert [c["slug"] for c in again.json()] == slugs
    assert created.status_code == 201
    assert taken.status_code == 409
    assert bad.status_code == 422
    assert "body.slug" in {f["field"] for f in bad.json()["error"]["fields"]}
    assert "warranty" in {c["slug"] for c in listed.json()}
    assert len(listed.json()) == 7


async def test_create_makes_a_draft_version_one(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    article = await create_article(client, tenant, tags=["Shipping", "shipping", "delivery"])

    assert article["status"] == "draft"
    assert article["current_version"] == 1
    assert article["published_version"] is None
    assert article["category"] == "faq"
    assert article["tags"] == ["shipping", "delivery"]
    assert await index_jobs(database, article["id"]) == 0  # a draft is not indexed


async def test_unknown_category_and_blank_title_name_their_fields(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    unknown = await client.post(
        "/api/v1/kb/articles",
        json={"title": "x", "body": "y", "category": "nope"},
        headers=tenant.headers,
    )
    blank = await client.post(
        "/api/v1/kb/articles", json={"title": "  ", "body": "y"}, headers=tenant.headers
    )
    assert unknown.status_code == 422
    assert "body.category" in {f["field"] for f in unknown.json()["error"]["fields"]}
    assert blank.status_code == 422
    assert "body.title" in {f["field"] for f in blank.json()["error"]["fields"]}


async def test_edits_make_versions_with_author_and_a_diff(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    agent_key = await create_api_key(database, tenant.workspace_id, Role.AGENT)
    agent = {"Authorization": f"Bearer {agent_key}"}
    article = await create_article(client, tenant, headers=agent)
    url = f"/api/v1/kb/articles/{article['id']}"

    await client.patch(url, json={"body": "We ship in 3 days."}, headers=agent)
    await client.patch(url, json={"tags": ["x"]}, headers=agent)  # no text change
    third = await client.patch(
        url, json={"title": "Delivery times", "note": "renamed"}, headers=agent
    )
    versions = await client.get(f"{url}/versions", headers=tenant.headers)
    two = await client.get(f"{url}/versions/2", headers=tenant.headers)
    missing = await client.get(f"{url}/versions/9", headers=tenant.headers)
    diff = await client.get(f"{url}/diff", params={"from": 1, "to": 3}, headers=tenant.headers)
    bad_diff = await client.get(f"{url}/diff", params={"from": 1, "to": 7}, headers=tenant.headers)

    assert third.status_code == 200, third.text
    assert third.json()["current_version"] == 3
    assert third.json()["title"] == "Delivery times"
    assert third.json()["tags"] == ["x"]
    assert [v["number"] for v in versions.json()] == [3, 2, 1]
    assert versions.json()[0]["note"] == "renamed"
    assert {v["author_id"] for v in versions.json()} == {versions.json()[0]["author_id"]}
    assert versions.json()[0]["author_id"].startswith("key")
    assert two.json()["body"] == "We ship in 3 days."
    assert missing.status_code == 404
    text = diff.json()["diff"]
    for line in ("--- v1", "+++ v3", "-# Shipping times", "+# Delivery times"):
        assert line in text
    assert "-We ship in 2 days." in text
    assert "+We ship in 3 days." in text
    assert bad_diff.status_code == 422
    assert "query.to" in {f["field"] for f in bad_diff.json()["error"]["fields"]}


async def test_publishing_needs_an_admin_and_editing_keeps_the_published_version(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    agent = await _headers(database, tenant, Role.AGENT)
    article = await create_article(client, tenant, headers=agent)
    url = f"/api/v1/kb/articles/{article['id']}"

    by_agent = await client.post(f"{url}/publish", headers=agent)
    archive_by_agent = await client.post(f"{url}/archive", headers=agent)
    rollback_by_agent = await client.post(f"{url}/rollback", json={"version": 1}, headers=agent)
    published = await client.post(f"{url}/publish", headers=tenant.headers)
    jobs_after_publish = await index_jobs(database, article["id"])
    edited = await client.patch(url, json={"body": "New text, not live yet."}, headers=agent)
    jobs_after_edit = await index_jobs(database, article["id"])
    live = await client.get(f"{url}/versions/{edited.json()['published_version']}", headers=agent)
    republished = await client.post(f"{url}/publish", headers=tenant.headers)

    assert by_agent.status_code == 403
    assert archive_by_agent.status_code == 403
    assert rollback_by_agent.status_code == 403
    assert published.json()["status"] == "published"
    assert published.json()["published_version"] == 1
    assert jobs_after_publish == 1
    assert edited.json()["status"] == "published"
    assert edited.json()["current_version"] == 2
    assert edited.json()["published_version"] == 1
    assert edited.json()["body"] == "New text, not live yet."
    assert jobs_after_edit == 1  # the published text did not change
    assert live.json()["body"] == "We ship in 2 days."
    assert republished.json()["published_version"] == 2
    assert await index_jobs(database, article["id"]) == 2


async def test_rollback_makes_a_new_version_and_republishes(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    article = await create_article(client, tenant)
    url = f"/api/v1/kb/articles/{article['id']}"
    await client.patch(url, json={"body": "Version two."}, headers=tenant.headers)
    await client.post(f"{url}/publish", headers=tenant.headers)

    rolled = await client.post(f"{url}/rollback", json={"version": 1}, headers=tenant.headers)
    missing = await client.post(f"{url}/rollback", json={"version": 8}, headers=tenant.headers)
    versions = await client.get(f"{url}/versions", headers=tenant.headers)

    assert rolled.status_code == 200, rolled.text
    assert rolled.json()["current_version"] == 3
    assert rolled.json()["published_version"] == 3
    assert rolled.json()["body"] == "We ship in 2 days."
    assert versions.json()[0]["note"] == "rollback to version 1"
    assert missing.status_code == 422
    assert "body.version" in {f["field"] for f in missing.json()["error"]["fields"]}
    assert await index_jobs(database, article["id"]) == 2  # publish, rollback


async def test_rollback_of_a_draft_stays_a_draft(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    article = await create_article(client, tenant)
    url = f"/api/v1/kb/articles/{article['id']}"
    await client.patch(url, json={"body": "Version two."}, headers=tenant.headers)

    rolled = await client.post(f"{url}/rollback", json={"version": 1}, headers=tenant.headers)

    assert rolled.json()["status"] == "draft"
    assert rolled.json()["current_version"] == 3
    assert rolled.json()["published_version"] is None
    assert await index_jobs(database, article["id"]) == 0


async def test_archive_and_delete_queue_the_index(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    article = await create_article(client, tenant)
    url = f"/api/v1/kb/articles/{article['id']}"
    await client.post(f"{url}/publish", headers=tenant.headers)

    archived = await client.post(f"{url}/archive", headers=tenant.headers)
    deleted = await client.delete(url, headers=tenant.headers)
    gone = await client.get(url, headers=tenant.headers)

    assert archived.json()["status"] == "archived"
    assert deleted.status_code == 204
    assert gone.status_code == 404
    assert await index_jobs(database, article["id"]) == 3  # publish, archive, delete


async def test_list_filters_and_pages(client: httpx.AsyncClient, tenant: Tenant) -> None:
    for number in range(5):
        await create_article(
            client,
            tenant,
            title=f"Returns {number}",
            language="de" if number == 4 else "en",
            tags=["returns"] if number % 2 else [],
            category="policies" if number == 3 else "faq",
        )
    await create_article(client, tenant, title="Payment methods", visibility="internal")

    async def ids(**params: str | int) -> list[str]:
        response = await client.get("/api/v1/kb/articles", params=params, headers=tenant.headers)
        assert response.status_code == 200, response.text
        return [a["title"] for a in response.json()["items"]]

    assert await ids(q="RETURNS") == [f"Returns {n}" for n in (4, 3, 2, 1, 0)]
    assert await ids(language="de") == ["Returns 4"]
    assert await ids(tag="returns") == ["Returns 3", "Returns 1"]
    assert await ids(category="policies") == ["Returns 3"]
    assert await ids(visibility="internal") == ["Payment methods"]
    assert await ids(status="published") == []
    pages: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, str | int] = {"limit": 4} | ({"cursor": cursor} if cursor else {})
        response = await client.get("/api/v1/kb/articles", params=params, headers=tenant.headers)
        pages.extend(a["title"] for a in response.json()["items"])
        cursor = response.json()["next_cursor"]
        if cursor is None:
            break
    assert len(pages) == 6 == len(set(pages))
    unknown = await client.get(
        "/api/v1/kb/articles", params={"category": "nope"}, headers=tenant.headers
    )
    assert unknown.status_code == 422


async def test_viewers_read_but_do_not_write(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    viewer = await _headers(database, tenant, Role.VIEWER)
    article = await create_article(client, tenant)

    read = await client.get(f"/api/v1/kb/articles/{article['id']}", headers=viewer)
    write = await client.post(
        "/api/v1/kb/articles", json={"title": "x", "body": "y"}, headers=viewer
    )

    assert read.status_code == 200
    assert write.status_code == 403
