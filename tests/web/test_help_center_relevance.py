"""The help center shows only passages that speak to the query: vector search always returns
its nearest passages, so a query about nothing in the knowledge base ("What is the weather on
Mars?") showed unrelated articles as results instead of "Nothing found". A passage counts
when it shares a word with the query or its vector is close (a Russian question finds the
English refunds article only through vectors, FakeLLM embedding by topic)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories import Tenant
from tests.knowledge.test_workspace_embedder import QUESTION, fake, indexed

__all__ = ["fake", "indexed"]  # the fixtures this module uses


async def help_search(client: httpx.AsyncClient, tenant: Tenant, q: str) -> str:
    """The page's search results (the articles listed below them aside)."""
    page = await client.get(f"/help/{tenant.slug}", params={"q": q, "lang": "en"})
    assert page.status_code == 200, page.text
    return page.text.split('<section class="search-results">')[1].split("</section>")[0]


async def test_a_query_about_nothing_there_finds_nothing(
    client: httpx.AsyncClient, tenant: Tenant, indexed: dict[str, Any]
) -> None:
    unrelated = await help_search(client, tenant, "What is the weather on Mars?")
    by_vector = await help_search(client, tenant, QUESTION)
    by_word = await help_search(client, tenant, "warehouse")

    assert "Nothing found" in unrelated
    assert f"/articles/{indexed['refunds']}" in by_vector
    assert f"/articles/{indexed['shipping']}" not in by_vector
    assert f"/articles/{indexed['shipping']}" in by_word
