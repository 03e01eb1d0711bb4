"""A help center with many articles: the list and the search results come in pages, and a
language with more than a thousand articles still shows (looking up their published versions
was one OR term per article, and SQLite refused the query past 1,000: a 500 for every page
of the help center)."""

from __future__ import annotations

import httpx

from deskpilot.kit.db import Database
from deskpilot.knowledge.indexing import reindex
from deskpilot.models import Article, ArticleStatus, ArticleVersion, Visibility
from tests.factories import Tenant


async def _published(database: Database, tenant: Tenant, titles: list[str], body: str) -> None:
    async with database.transaction() as session:
        for title in titles:
            article = Article(
                workspace_id=tenant.workspace_id,
                title=title,
                language="en",
                visibility=Visibility.PUBLIC,
                status=ArticleStatus.PUBLISHED,
                current_version=1,
                published_version=1,
            )
            session.add(article)
            await session.flush()
            session.add(
                ArticleVersion(
                    workspace_id=tenant.workspace_id,
                    article_id=article.id,
                    number=1,
                    title=title,
                    body=body,
                )
            )


def _links(page: str) -> list[str]:
    articles = page.split('<ul class="articles"')[1].split("</ul>")[0]
    return [line for line in articles.splitlines() if "<li>" in line]


async def test_more_than_a_thousand_articles_show_in_pages(
    client: httpx.AsyncClient, database: Database, tenant: Tenant
) -> None:
    titles = [f"Article {n:04d}" for n in range(1, 1006)]
    await _published(database, tenant, titles, "Some text.")

    first = await client.get(f"/help/{tenant.slug}", params={"lang": "en"})
    last = await client.get(f"/help/{tenant.slug}", params={"lang": "en", "page": 21})
    beyond = await client.get(f"/help/{tenant.slug}", params={"lang": "en", "page": 1000})

    assert first.status_code == 200, first.text[:300]
    assert len(_links(first.text)) == 50
    assert "Article 0001" in first.text
    assert "Article 0051" not in first.text
    assert 'href="?lang=en&amp;page=2" rel="next"' in first.text
    assert 'rel="prev"' not in first.text
    assert last.status_code == 200
    assert len(_links(last.text)) == 5
    assert "Article 1005" in last.text
    assert 'href="?lang=en&amp;page=20" rel="prev"' in last.text
    assert 'rel="next"' not in last.text
    assert beyond.status_code == 404  # the help center's own 404 page, as for "?page=abc"
    assert "<html" in beyond.text
    for bad in ("abc", "0", "22"):
        page = await client.get(f"/help/{tenant.slug}", params={"lang": "en", "page": bad})
        assert page.status_code == 404


async def test_search_results_come_in_pages_that_keep_the_query(
    client: httpx.AsyncClient, database: Database, tenant: Tenant
) -> None:
    titles = [f"Delivery zone {n:02d}" for n in range(1, 46)]
    await _published(database, tenant, titles, "Parcels to this zone arrive in three days.")
    await reindex(database, tenant.workspace_id)

    params = {"lang": "en", "q": "parcels zone"}
    first = await client.get(f"/help/{tenant.slug}", params=params)
    third = await client.get(f"/help/{tenant.slug}", params={**params, "page": 3})

    def results(page: str) -> str:
        return page.split('<section class="search-results">')[1].split("</section>")[0]

    assert results(first.text).count("<li>") == 20
    assert 'href="?lang=en&amp;q=parcels+zone&amp;page=2" rel="next"' in results(first.text)
    assert results(third.text).count("<li>") == 5
    assert '<ol lang="en" start="41">' in results(third.text)  # numbered on from page 2
    assert 'rel="next"' not in results(third.text)
    shown = (
        results(first.text)
        + results((await client.get(f"/help/{tenant.slug}", params={**params, "page": 2})).text)
        + results(third.text)
    )
    assert all(f"Delivery zone {n:02d}<" in shown for n in range(1, 46))
