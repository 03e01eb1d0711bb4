"""Markdown front matter that marks a file a draft (Hugo's ``draft: true``, Jekyll's
``published: false``) keeps it unpublished when the import publishes, with a warning."""

from __future__ import annotations

import httpx

from tests.factories import Tenant
from tests.knowledge.test_import_formats import _article, _upload

EMBARGOED = b"---\ntitle: Black Friday prices\ndraft: true\n---\nAll lamps 50% off.\n"
UNPUBLISHED = b"---\ntitle: Old promo\npublished: False\n---\nCode SUMMER10.\n"
LIVE = b"---\ntitle: Summer prices\ndraft: no\npublished: true\n---\nAll lamps 10% off.\n"


async def test_draft_front_matter_is_imported_as_a_draft_with_a_warning(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    files = [("bf.md", EMBARGOED), ("old.md", UNPUBLISHED), ("live.md", LIVE)]

    result = await _upload(client, tenant, files, publish="true")
    quiet = await _upload(client, tenant, [("bf2.md", EMBARGOED)])

    assert (result["created"], result["failed"]) == (3, 0), result
    embargoed, unpublished, live = result["items"]
    assert embargoed["warning"] == ("front matter draft: true: imported as a draft, not published")
    assert unpublished["warning"] == (
        "front matter published: False: imported as a draft, not published"
    )
    assert live["warning"] is None
    statuses = [
        (await _article(client, tenant, item["article_id"]))["status"] for item in result["items"]
    ]
    assert statuses == ["draft", "draft", "published"]
    assert quiet["items"][0]["warning"] is None  # nothing was to be published


async def test_a_published_article_whose_file_became_a_draft_keeps_its_published_text(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    first = await _upload(client, tenant, [("live.md", LIVE)], publish="true")
    embargoed = LIVE.replace(b"draft: no", b"draft: yes").replace(b"10%", b"20%")
    again = await _upload(client, tenant, [("live.md", embargoed)], publish="true")

    assert again["updated"] == 1, again
    assert "imported as a draft, not published" in again["items"][0]["warning"]
    article = await _article(client, tenant, first["items"][0]["article_id"])
    assert (article["current_version"], article["published_version"]) == (2, 1)


async def test_a_draft_flag_that_is_not_true_or_false_refuses_the_file(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    maybe = b"---\ntitle: Later\ndraft: maybe\n---\nSoon.\n"

    result = await _upload(client, tenant, [("later.md", maybe)], publish="true")

    assert result["failed"] == 1, result
    assert result["items"][0]["error"] == "front matter draft: must be true or false, not 'maybe'"
