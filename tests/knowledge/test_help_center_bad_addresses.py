"""A visitor who edits the help center's address gets a page, never JSON: a language that is
no language code or a search over 500 characters is a 400 page saying so, a page number past
the last is the 404 page, and a thank-you flag that is not one is ignored. A vote the form
never sends is a 422 page, and a category with nothing to show is the 404 page."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from deskpilot.kit.db import Database
from deskpilot.models.knowledge import ArticleFeedback
from deskpilot.web.help import FEEDBACK_PER_WINDOW, MAX_QUERY_CHARS
from deskpilot.web.help_texts import TEXTS
from tests.factories import Tenant
from tests.knowledge.helpers import publish


async def test_bad_query_values_get_the_help_centers_pages(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    article = await publish(client, tenant, title="Shipping times")
    home = f"/help/{tenant.slug}"

    language = await client.get(home, params={"lang": "xx!!"})
    query = await client.get(home, params={"q": "x" * (MAX_QUERY_CHARS + 1)})
    page = await client.get(home, params={"page": "999999999"})
    thanks = await client.get(f"{home}/articles/{article['id']}", params={"thanks": "abc"})
    article_language = await client.get(
        f"{home}/articles/{article['id']}", params={"lang": "x" * 40}
    )

    for response in (language, query, page, article_language):
        assert response.headers["content-type"].startswith("text/html"), response.text[:200]
    assert language.status_code == 400
    assert "not a language code" in language.text
    assert query.status_code == 400
    assert f"at most {MAX_QUERY_CHARS} characters" in query.text
    assert page.status_code == 404
    assert "This page does not exist" in page.text
    assert thanks.status_code == 200
    assert "Shipping times" in thanks.text
    assert "Thank you for your feedback" not in thanks.text
    assert article_language.status_code == 400


async def test_a_vote_the_form_never_sends_gets_a_page_not_json(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    """The docs promise no JSON error to a visitor; the vote form answered JSON 422 for a
    ``helpful`` other than yes or no, a version that is no number, a missing vote, a long
    comment."""
    article = await publish(client, tenant, title="Shipping times")
    url = f"/help/{tenant.slug}/articles/{article['id']}/feedback"

    refused = [
        await client.post(url, data=data)
        for data in (
            {"helpful": "maybe"},
            {"helpful": "true", "version": "abc"},
            {"helpful": "true", "version": "0"},
            {"comment": "no vote"},
            {"helpful": "true", "comment": "x" * 2001},
        )
    ]
    chinese = await client.post(
        url, data={"helpful": "maybe"}, headers={"accept-language": "zh-CN"}
    )

    for response in (*refused, chinese):
        assert response.status_code == 422, response.text[:200]
        assert response.headers["content-type"].startswith("text/html"), response.text[:200]
        assert "<html" in response.text
    assert "Choose Yes or No" in refused[0].text
    assert "Choose Yes or No" in refused[1].text
    assert "at most 2000 characters" in refused[4].text
    assert TEXTS["zh"]["bad_vote.form"] in chinese.text
    async with database.transaction() as session:
        assert (await session.scalars(select(ArticleFeedback))).all() == []


async def test_a_category_with_nothing_public_in_the_language_is_the_same_404(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    """``?category=staff-only`` (internal articles only) said "No articles yet" (200) while an
    unknown one was the 404 page: the difference told that such a category exists."""
    made = await client.post(
        "/api/v1/kb/categories",
        json={"slug": "staff-only", "name": "Staff only"},
        headers=tenant.headers,
    )
    assert made.status_code == 201, made.text
    await publish(
        client, tenant, title="Staff discount", category="staff-only", visibility="internal"
    )
    await publish(client, tenant, title="Shipping times", category="faq")
    await publish(
        client, tenant, title="配送时间", body="两天。", category="policies", language="zh"
    )
    home = f"/help/{tenant.slug}"

    unknown = await client.get(home, params={"category": "nope", "lang": "en"})
    pages = [
        await client.get(home, params={"category": slug, "lang": "en"})
        for slug in ("staff-only", "news", "policies")  # internal only, empty, zh only
    ]
    shown = await client.get(home, params={"category": "faq", "lang": "en"})
    zh = await client.get(home, params={"category": "policies", "lang": "zh"})

    assert unknown.status_code == 404
    assert [p.status_code for p in pages] == [404, 404, 404]
    assert {p.text for p in pages} == {unknown.text}
    assert "Staff" not in pages[0].text
    assert shown.status_code == 200
    assert "Shipping times" in shown.text
    assert zh.status_code == 200
    assert "配送时间" in zh.text


async def test_too_many_votes_get_a_page_that_says_when_to_try_again(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    article = await publish(client, tenant, title="Shipping times")
    url = f"/help/{tenant.slug}/articles/{article['id']}/feedback"
    for _ in range(FEEDBACK_PER_WINDOW):
        assert (await client.post(url, data={"helpful": "true"})).status_code == 303

    refused = await client.post(url, data={"helpful": "true"}, headers={"accept-language": "ru"})

    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.headers["content-type"].startswith("text/html"), refused.text[:200]
    assert TEXTS["ru"]["bad_vote.too_many"] in refused.text
