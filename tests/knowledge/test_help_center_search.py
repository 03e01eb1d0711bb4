"""The help center's search box and categories, and its 404 page for people."""

from __future__ import annotations

from typing import Any

import httpx

from deskpilot.kit.db import Database
from deskpilot.knowledge.indexing import reindex
from tests.factories import Tenant
from tests.knowledge.helpers import create_article, publish


async def _published(client: httpx.AsyncClient, tenant: Tenant, **fields: Any) -> str:
    return str((await publish(client, tenant, **fields))["id"])


async def test_search_finds_public_published_articles_of_the_language(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    zeppelin = await _published(
        client, tenant, title="Delivery", body="Parcels travel by zeppelin.", category="faq"
    )
    await _published(client, tenant, title="Payments", body="We take cards.", category="faq")
    internal = await _published(
        client, tenant, title="Zeppelin costs", body="Zeppelin rates.", visibility="internal"
    )
    russian = await _published(
        client, tenant, title="Доставка", body="Zeppelin доставка.", language="ru"
    )
    archived = await _published(client, tenant, title="Old zeppelin", body="Zeppelin news.")
    await reindex(database, tenant.workspace_id)  # the index as the jobs leave it
    await client.post(f"/api/v1/kb/articles/{archived}/archive", headers=tenant.headers)

    page = await client.get(f"/help/{tenant.slug}", params={"q": "zeppelin", "lang": "en"})

    assert page.status_code == 200
    assert f"/articles/{zeppelin}" in page.text
    assert "Parcels travel by zeppelin." in page.text
    # internal, another language, and archived (even before its index job ran) never show
    for hidden in (internal, russian, archived):
        assert hidden not in page.text


async def test_a_query_with_html_is_escaped(client: httpx.AsyncClient, tenant: Tenant) -> None:
    await _published(client, tenant)

    page = await client.get(f"/help/{tenant.slug}", params={"q": '<script>alert(1)</script>"><b>x'})

    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert '"><b>x' not in page.text


async def test_categories_list_and_narrow_the_articles(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await _published(client, tenant, title="Shipping times", category="faq")
    await _published(client, tenant, title="Warranty terms", category="policies")

    home = await client.get(f"/help/{tenant.slug}")
    policies = await client.get(f"/help/{tenant.slug}", params={"category": "policies"})
    unknown = await client.get(f"/help/{tenant.slug}", params={"category": "no-such"})

    assert "FAQ (1)" in home.text
    assert "Policies (1)" in home.text
    assert "News" not in home.text  # categories without articles are not listed
    assert "Warranty terms" in policies.text
    assert "Shipping times" not in policies.text
    assert unknown.status_code == 404


async def test_missing_pages_are_html_for_people_and_say_nothing_about_what_exists(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    draft = await create_article(client, tenant, title="Secret draft")

    pages = [
        await client.get("/help/no-such-workspace"),
        await client.get(f"/help/{tenant.slug}/articles/no-such-article"),
        await client.get(f"/help/{tenant.slug}/articles/{draft['id']}"),
        await client.get(f"/help/{other_tenant.slug}/articles/{draft['id']}"),
    ]

    assert [p.status_code for p in pages] == [404, 404, 404, 404]
    assert all(p.headers["content-type"].startswith("text/html") for p in pages)
    assert len({p.text for p in pages}) == 1
    assert "Secret draft" not in pages[2].text
