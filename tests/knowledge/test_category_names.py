"""Category names and slugs as people type them: a name another category of the workspace
has (ignoring case) is refused on create and rename (409), a slug is read ignoring case
wherever one is given (move_to, ?category=, an article's category), and one article is one."""

from __future__ import annotations

import httpx

from tests.factories import Tenant
from tests.knowledge.helpers import create_article, publish

CATEGORIES = "/api/v1/kb/categories"


async def test_a_name_another_category_has_is_refused(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    same = await client.post(
        CATEGORIES, json={"slug": "dupname", "name": "policies"}, headers=tenant.headers
    )
    made = await client.post(
        CATEGORIES, json={"slug": "rules", "name": "Rules"}, headers=tenant.headers
    )
    renamed = await client.patch(
        f"{CATEGORIES}/rules", json={"name": "FAQ"}, headers=tenant.headers
    )
    own_case = await client.patch(
        f"{CATEGORIES}/rules", json={"name": "RULES"}, headers=tenant.headers
    )
    listed = (await client.get(CATEGORIES, headers=tenant.headers)).json()

    assert same.status_code == 409, same.text
    assert "'policies' is already named 'Policies'" in same.json()["error"]["message"]
    assert made.status_code == 201
    assert renamed.status_code == 409
    assert own_case.status_code == 200  # its own name in other letters
    names = {c["slug"]: c["name"] for c in listed}
    assert "dupname" not in names
    assert (names["rules"], names["faq"]) == ("RULES", "FAQ")


async def test_slugs_are_read_ignoring_case(client: httpx.AsyncClient, tenant: Tenant) -> None:
    made = await client.post(
        CATEGORIES, json={"slug": "tmpcat", "name": "Temporary"}, headers=tenant.headers
    )
    assert made.status_code == 201
    article = await publish(client, tenant, title="Recall notice", category="TMPCAT")
    await create_article(client, tenant, title="Other", category="faq")

    listed = await client.get(
        "/api/v1/kb/articles", params={"category": "TmpCat"}, headers=tenant.headers
    )
    page = await client.get(f"/help/{tenant.slug}", params={"category": "TMPCAT", "lang": "en"})
    refused = await client.delete(f"{CATEGORIES}/TMPCAT", headers=tenant.headers)
    moved = await client.delete(
        f"{CATEGORIES}/TmpCat", params={"move_to": "NEWS"}, headers=tenant.headers
    )
    after = await client.get(f"/api/v1/kb/articles/{article['id']}", headers=tenant.headers)

    assert article["category"] == "tmpcat"
    assert listed.status_code == 200, listed.text
    assert [a["title"] for a in listed.json()["items"]] == ["Recall notice"]
    assert page.status_code == 200
    assert "Recall notice" in page.text
    assert refused.status_code == 409
    assert "1 article is in 'tmpcat'" in refused.json()["error"]["message"]
    assert moved.status_code == 204, moved.text
    assert after.json()["category"] == "news"
