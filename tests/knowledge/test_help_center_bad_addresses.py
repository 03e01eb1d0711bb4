"""A visitor who edits the help center's address gets a page, never JSON: a language that is
no language code or a search over 500 characters is a 400 page saying so, a page number past
the last is the 404 page, and a thank-you flag that is not one is ignored."""

from __future__ import annotations

import httpx

from deskpilot.web.help import MAX_QUERY_CHARS
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
