# ruff: noqa: RUF001 - Chinese article text
"""Language tags are written one way (``ZH`` is ``zh``, ``zh-cn`` is ``zh-CN``) and a filter of
one language admits its regional tags: a review found ``zh-CN`` articles missing from the
``zh`` help center and from ``language=zh`` searches, and ``ZH`` refused at creation."""

from __future__ import annotations

import httpx

from deskpilot.kit.db import Database
from deskpilot.knowledge.indexing import reindex
from tests.factories import Tenant
from tests.knowledge.helpers import publish


async def search_ids(client: httpx.AsyncClient, tenant: Tenant, language: str) -> set[str]:
    response = await client.get(
        "/api/v1/kb/search",
        params={"q": "退货", "language": language, "mode": "lexical"},
        headers=tenant.headers,
    )
    assert response.status_code == 200, response.text
    return {hit["article_id"] for hit in response.json()["hits"]}


async def test_regional_and_plain_tags_find_each_other(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    plain = await publish(
        client, tenant, title="退货政策", body="三十天内可以退货。", language="ZH"
    )
    regional = await publish(
        client, tenant, title="退货运费", body="您可以申请退货，运费由我们承担。", language="zh-cn"
    )

    await reindex(database, tenant.workspace_id)  # the index as the jobs leave it

    assert (plain["language"], regional["language"]) == ("zh", "zh-CN")
    assert await search_ids(client, tenant, "zh") == {plain["id"], regional["id"]}
    assert await search_ids(client, tenant, "ZH-CN") == {plain["id"], regional["id"]}
    assert await search_ids(client, tenant, "zh-TW") == {plain["id"]}
    listed = await client.get(
        "/api/v1/kb/articles", params={"language": "zh"}, headers=tenant.headers
    )
    assert {a["id"] for a in listed.json()["items"]} == {plain["id"], regional["id"]}
    page = await client.get(f"/help/{tenant.slug}", params={"lang": "zh"})
    assert "退货政策" in page.text
    assert "退货运费" in page.text
