"""Search shows an article only as it is now: between a change and its index job (or after
that job failed), the index still holds the old passages, and a hit is checked against the
article's status, published version and visibility."""

from __future__ import annotations

import httpx

from deskpilot.kit.deps import Resources
from tests.channels.helpers import drain, worker_for
from tests.factories import Tenant
from tests.knowledge.helpers import publish

BODY = "Gift cards never expire and can be used on any order."


async def found(client: httpx.AsyncClient, tenant: Tenant, **params: str) -> list[str]:
    response = await client.get(
        "/api/v1/kb/search", params={"q": "gift cards expire", **params}, headers=tenant.headers
    )
    assert response.status_code == 200, response.text
    return [hit["text"] for hit in response.json()["hits"]]


async def indexed(client: httpx.AsyncClient, tenant: Tenant, resources: Resources) -> str:
    article = await publish(client, tenant, title="Gift cards", body=BODY)
    await drain(worker_for(resources))
    assert await found(client, tenant) == [BODY]
    return str(article["id"])


async def test_an_archived_article_is_gone_before_its_index_job_runs(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources
) -> None:
    article_id = await indexed(client, tenant, resources)
    archived = await client.post(
        f"/api/v1/kb/articles/{article_id}/archive", headers=tenant.headers
    )
    assert archived.status_code == 200, archived.text

    assert await found(client, tenant) == []


async def test_an_old_versions_text_is_gone_before_its_index_job_runs(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources
) -> None:
    article_id = await indexed(client, tenant, resources)
    url = f"/api/v1/kb/articles/{article_id}"
    edited = await client.patch(url, headers=tenant.headers, json={"body": "Gift cards expire."})
    assert edited.status_code == 200, edited.text
    assert (await client.post(f"{url}/publish", headers=tenant.headers)).status_code == 200

    assert await found(client, tenant) == []
    await drain(worker_for(resources))
    assert await found(client, tenant) == ["Gift cards expire."]


async def test_an_article_made_internal_leaves_public_search_at_once(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources
) -> None:
    article_id = await indexed(client, tenant, resources)
    hidden = await client.patch(
        f"/api/v1/kb/articles/{article_id}", headers=tenant.headers, json={"visibility": "internal"}
    )
    assert hidden.status_code == 200, hidden.text

    assert await found(client, tenant, visibility="public") == []
    assert await found(client, tenant) == [BODY]  # agents still find it
