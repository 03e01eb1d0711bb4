"""An article's history (``GET /api/v1/kb/articles/{id}/changes``): who changed its metadata,
published, archived or rolled it back, and when. Text edits are its versions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import func, select

from deskpilot.kit.db import Database
from deskpilot.models import ArticleChange, Role
from tests.factories import Tenant, create_api_key
from tests.knowledge.helpers import create_article


async def _key(database: Database, tenant: Tenant, role: Role) -> dict[str, str]:
    key = await create_api_key(database, tenant.workspace_id, role)
    return {"Authorization": f"Bearer {key}"}


async def _history(
    client: httpx.AsyncClient, article_id: str, headers: dict[str, str], **params: Any
) -> dict[str, Any]:
    response = await client.get(
        f"/api/v1/kb/articles/{article_id}/changes", params=params, headers=headers
    )
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


async def _creator(client: httpx.AsyncClient, article_id: str, headers: dict[str, str]) -> str:
    """Who made version 1: the id the API stores for the caller (its user or API key)."""
    response = await client.get(f"/api/v1/kb/articles/{article_id}/versions", headers=headers)
    author: str = response.json()[-1]["author_id"]
    assert author
    return author


async def _post(client: httpx.AsyncClient, url: str, headers: dict[str, str], **body: Any) -> int:
    response = await client.post(url, json=body or None, headers=headers)
    return response.status_code


async def test_a_metadata_change_records_who_when_and_old_and_new_values(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    agent = await _key(database, tenant, Role.AGENT)
    viewer = await _key(database, tenant, Role.VIEWER)
    article = await create_article(client, tenant, headers=agent)
    url = f"/api/v1/kb/articles/{article['id']}"
    agent_id = await _creator(client, article["id"], agent)
    change = {
        "visibility": "internal",
        "category": "policies",
        "tags": ["shipping"],
        "owner_team": "Logistics",
        "review_due_on": "2027-01-31",
    }

    before = datetime.now(UTC)
    edited = await client.patch(url, json=change, headers=agent)
    after = datetime.now(UTC)
    text_only = await client.patch(url, json={"body": "We ship in 3 days."}, headers=agent)
    same = await client.patch(url, json={"visibility": "internal"}, headers=agent)
    page = await _history(client, article["id"], viewer)  # viewers read the history

    assert edited.status_code == 200, edited.text
    assert text_only.json()["current_version"] == 2  # text goes into versions, not here
    assert same.status_code == 200
    [entry] = page["items"]
    assert page["next_cursor"] is None
    assert entry["action"] == "metadata"
    assert entry["article_id"] == article["id"]
    assert entry["author_id"] == agent_id
    assert before <= datetime.fromisoformat(entry["created_at"]) <= after
    assert entry["changes"] == {
        "visibility": ["public", "internal"],
        "category": ["faq", "policies"],
        "tags": [[], ["shipping"]],
        "owner_team": [None, "Logistics"],
        "review_due_on": [None, "2027-01-31"],
    }


async def test_publish_archive_and_rollback_are_recorded_newest_first_in_pages(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    article = await create_article(client, tenant)
    url = f"/api/v1/kb/articles/{article['id']}"
    admin_id = await _creator(client, article["id"], tenant.headers)

    assert await _post(client, f"{url}/publish", tenant.headers) == 200
    edited = await client.patch(url, json={"body": "We ship in 3 days."}, headers=tenant.headers)
    assert edited.json()["current_version"] == 2
    assert await _post(client, f"{url}/rollback", tenant.headers, version=1) == 200
    assert await _post(client, f"{url}/archive", tenant.headers) == 200
    assert await _post(client, f"{url}/archive", tenant.headers) == 200  # already: no entry
    assert await _post(client, f"{url}/publish", tenant.headers) == 200
    assert await _post(client, f"{url}/publish", tenant.headers) == 200  # already: no entry

    everything = await _history(client, article["id"], tenant.headers)
    first = await _history(client, article["id"], tenant.headers, limit=3)
    rest = await _history(
        client, article["id"], tenant.headers, limit=3, cursor=first["next_cursor"]
    )
    bad_cursor = await client.get(
        f"{url}/changes", params={"cursor": "not-ours"}, headers=tenant.headers
    )

    assert [(e["action"], e["changes"]) for e in everything["items"]] == [
        ("published", {"version": 3, "status": ["archived", "published"]}),
        ("archived", {"status": ["published", "archived"]}),
        ("rolled_back", {"source_version": 1, "version": 3, "published_version": [1, 3]}),
        ("published", {"version": 1, "status": ["draft", "published"]}),
    ]
    assert {e["author_id"] for e in everything["items"]} == {admin_id}
    stamps = [e["created_at"] for e in everything["items"]]
    assert stamps == sorted(stamps, reverse=True)
    assert first["items"] + rest["items"] == everything["items"]
    assert first["next_cursor"] is not None
    assert rest["next_cursor"] is None
    assert bad_cursor.status_code == 422


async def test_a_rollback_of_a_draft_publishes_nothing(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    article = await create_article(client, tenant)
    url = f"/api/v1/kb/articles/{article['id']}"
    await client.patch(url, json={"title": "Shipping times (new)"}, headers=tenant.headers)

    assert await _post(client, f"{url}/rollback", tenant.headers, version=1) == 200

    [entry] = (await _history(client, article["id"], tenant.headers))["items"]
    assert entry["action"] == "rolled_back"
    assert entry["changes"] == {"source_version": 1, "version": 3}


async def test_a_refused_change_records_nothing(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    agent = await _key(database, tenant, Role.AGENT)
    article = await create_article(client, tenant, headers=agent)
    url = f"/api/v1/kb/articles/{article['id']}"
    assert await _post(client, f"{url}/publish", tenant.headers) == 200
    before = await _history(client, article["id"], tenant.headers)

    refused = await client.patch(
        url, json={"visibility": "internal", "tags": ["refunds"]}, headers=agent
    )
    archive = await _post(client, f"{url}/archive", agent)
    rollback = await _post(client, f"{url}/rollback", agent, version=1)

    assert refused.status_code == 403
    assert (archive, rollback) == (403, 403)
    assert await _history(client, article["id"], tenant.headers) == before
    assert [e["action"] for e in before["items"]] == ["published"]


async def test_another_workspace_gets_404_and_sees_nothing(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    article = await create_article(client, other_tenant, title="Globex returns")
    url = f"/api/v1/kb/articles/{article['id']}"
    await client.patch(url, json={"owner_team": "globex team"}, headers=other_tenant.headers)

    response = await client.get(f"{url}/changes", headers=tenant.headers)

    assert response.status_code == 404
    assert "globex" not in response.text.lower()
    assert len((await _history(client, article["id"], other_tenant.headers))["items"]) == 1


async def test_deleting_an_article_deletes_its_history(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    article = await create_article(client, tenant)
    url = f"/api/v1/kb/articles/{article['id']}"
    await client.patch(url, json={"tags": ["shipping"]}, headers=tenant.headers)
    await _post(client, f"{url}/publish", tenant.headers)
    assert len((await _history(client, article["id"], tenant.headers))["items"]) == 2

    deleted = await client.delete(url, headers=tenant.headers)
    gone = await client.get(f"{url}/changes", headers=tenant.headers)

    assert deleted.status_code == 204
    assert gone.status_code == 404
    async with database.transaction() as session:
        left = await session.scalar(
            select(func.count())
            .select_from(ArticleChange)
            .where(ArticleChange.article_id == article["id"])
        )
    assert left == 0


async def test_marking_reviewed_and_publishing_on_import_record_who(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    article = await create_article(client, tenant, review_due_on="2026-01-01")
    admin_id = await _creator(client, article["id"], tenant.headers)
    url = f"/api/v1/kb/articles/{article['id']}/reviewed"
    assert await _post(client, url, tenant.headers, review_due_on="2099-06-30") == 200
    assert await _post(client, url, tenant.headers, review_due_on="2020-01-01") == 422
    [reviewed] = (await _history(client, article["id"], tenant.headers))["items"]
    assert reviewed["action"] == "reviewed"
    assert reviewed["author_id"] == admin_id
    assert reviewed["changes"] == {"review_due_on": ["2026-01-01", "2099-06-30"]}

    imported = await client.post(
        "/api/v1/kb/import",
        files=[("files", ("faq.md", b"# Returns\n\nReturns are free within 30 days."))],
        data={"publish": "true"},
        headers=tenant.headers,
    )
    assert imported.status_code == 200, imported.text
    [item] = imported.json()["items"]
    [published] = (await _history(client, item["article_id"], tenant.headers))["items"]
    assert published["action"] == "published"
    assert published["author_id"] == admin_id
