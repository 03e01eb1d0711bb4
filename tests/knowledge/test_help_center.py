"""The public help center: published public articles only, their published text, per language."""

from __future__ import annotations

import httpx

from tests.factories import Tenant
from tests.knowledge.helpers import create_article


async def _publish(client: httpx.AsyncClient, tenant: Tenant, article_id: str) -> None:
    response = await client.post(
        f"/api/v1/kb/articles/{article_id}/publish", headers=tenant.headers
    )
    assert response.status_code == 200, response.text


async def test_only_published_public_articles_in_the_language_show(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    live = await create_article(
        client, tenant, title="Shipping", body="**Two** days.<script>x</script>"
    )
    await _publish(client, tenant, live["id"])
    await client.patch(
        f"/api/v1/kb/articles/{live['id']}",
        json={"title": "Shipping (draft edit)"},
        headers=tenant.headers,
    )
    draft = await create_article(client, tenant, title="Secret draft")
    internal = await create_article(client, tenant, title="Internal note", visibility="internal")
    await _publish(client, tenant, internal["id"])
    archived = await create_article(client, tenant, title="Old news")
    await _publish(client, tenant, archived["id"])
    await client.post(f"/api/v1/kb/articles/{archived['id']}/archive", headers=tenant.headers)
    chinese = await create_article(client, tenant, title="配送时间", body="两天。", language="zh")
    await _publish(client, tenant, chinese["id"])

    home = await client.get(f"/help/{tenant.slug}")
    home_zh = await client.get(f"/help/{tenant.slug}", params={"lang": "zh"})
    page = await client.get(f"/help/{tenant.slug}/articles/{live['id']}")
    hidden = [
        await client.get(f"/help/{tenant.slug}/articles/{a['id']}")
        for a in (draft, internal, archived)
    ]
    foreign = await client.get(f"/help/{other_tenant.slug}/articles/{live['id']}")
    unknown = await client.get("/help/no-such-workspace")

    assert home.status_code == 200
    assert "Shipping" in home.text
    assert "draft edit" not in home.text
    for title in ("Secret draft", "Internal note", "Old news", "配送时间"):
        assert title not in home.text
    assert "配送时间" in home_zh.text
    assert "Shipping" not in home_zh.text
    assert page.status_code == 200
    assert "<strong>Two</strong> days." in page.text
    assert "<script>x</script>" not in page.text
    assert [r.status_code for r in hidden] == [404, 404, 404]
    assert foreign.status_code == 404
    assert unknown.status_code == 404


async def test_a_markdown_table_shows_as_a_table(client: httpx.AsyncClient, tenant: Tenant) -> None:
    """The HTML import writes tables as Markdown tables; the help center showed their pipes."""
    body = "Sizes:\n\n| Size | Chest |\n| --- | --- |\n| S | 90 cm |\n| M | 96 cm |\n"
    article = await create_article(client, tenant, title="Size chart", body=body)
    await _publish(client, tenant, article["id"])

    page = await client.get(f"/help/{tenant.slug}/articles/{article['id']}")

    assert "<th>Chest</th>" in page.text
    assert "<td>96 cm</td>" in page.text
    assert "| --- |" not in page.text
