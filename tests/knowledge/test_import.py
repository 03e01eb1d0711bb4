"""Importing articles: Markdown, HTML, CSV, JSON, JSONL, folders; importing again updates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from deskpilot.kit.db import Database
from deskpilot.knowledge import importing
from deskpilot.models import Role
from deskpilot.models.knowledge import Visibility
from tests.factories import Tenant, create_api_key

FAQ_CSV = "id,question,answer\n1,How long is shipping?,Two to five days.\n2,Can I return?,Yes.\n"


async def _upload(
    client: httpx.AsyncClient,
    tenant: Tenant,
    files: list[tuple[str, bytes]],
    headers: dict[str, str] | None = None,
    **form: str,
) -> httpx.Response:
    return await client.post(
        "/api/v1/kb/import",
        files=[("files", (name, data)) for name, data in files],
        data=form,
        headers=headers or tenant.headers,
    )


async def _articles(client: httpx.AsyncClient, tenant: Tenant) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/kb/articles", headers=tenant.headers)
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_markdown_title_from_heading_and_category_from_folder(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    markdown = b"# Returns policy\n\nYou can return items within 30 days.\n"
    response = await _upload(
        client,
        tenant,
        [("policies/returns.md", markdown), ("guides/gift-cards.md", b"Gift cards never expire.")],
        category="faq",
    )

    assert response.status_code == 200, response.text
    assert response.json()["created"] == 2
    by_title = {a["title"]: a for a in await _articles(client, tenant)}
    assert set(by_title) == {"Returns policy", "gift cards"}
    returns = await client.get(
        f"/api/v1/kb/articles/{by_title['Returns policy']['id']}", headers=tenant.headers
    )
    assert returns.json()["category"] == "policies"  # the folder names a category
    assert returns.json()["body"] == "You can return items within 30 days."
    assert returns.json()["external_id"] == "policies/returns.md"
    assert returns.json()["status"] == "draft"
    gift = await client.get(
        f"/api/v1/kb/articles/{by_title['gift cards']['id']}", headers=tenant.headers
    )
    assert gift.json()["category"] == "faq"  # the default


async def test_reimport_updates_instead_of_duplicating(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    first = await _upload(client, tenant, [("faq.csv", FAQ_CSV.encode())])
    same = await _upload(client, tenant, [("faq.csv", FAQ_CSV.encode())])
    changed = FAQ_CSV.replace("Yes.", '"Yes, within 30 days."')  # quoted: it holds a comma
    second = await _upload(client, tenant, [("faq.csv", changed.encode())])

    assert first.json()["created"] == 2
    assert same.json()["unchanged"] == 2
    assert same.json()["created"] == 0
    assert second.json()["updated"] == 1
    assert second.json()["unchanged"] == 1
    articles = await _articles(client, tenant)
    assert len(articles) == 2
    versions = {a["title"]: a["current_version"] for a in articles}
    assert versions == {"How long is shipping?": 1, "Can I return?": 2}


async def test_html_json_and_jsonl(client: httpx.AsyncClient, tenant: Tenant) -> None:
    html = (
        b"<html><head><title>Payment options</title><style>p{}</style></head><body>"
        b"<h1>Payment options</h1><p>We accept <b>cards</b> and PayPal.</p>"
        b"<ul><li>Visa</li><li>Mastercard</li></ul></body></html>"
    )
    faq_json = json.dumps(
        [{"question": "Do you ship abroad?", "answer": "Yes, to 40 countries."}]
    ).encode()
    jsonl = (
        json.dumps({"title": "账户登录", "content": "使用邮箱登录。", "language": "zh"})
        + "\n"
        + json.dumps(
            {"question": "Как вернуть товар?", "answer": "В течение 30 дней.", "lang": "ru"}  # noqa: RUF001
        )
        + "\nnot json\n"
        + json.dumps({"title": "No body"})
        + "\n"
    ).encode()

    response = await _upload(
        client,
        tenant,
        [("pay.html", html), ("faq.json", faq_json), ("more.jsonl", jsonl), ("x.pdf", b"%PDF")],
    )

    result = response.json()
    assert result["created"] == 4
    assert result["failed"] == 3
    errors = {i["external_id"]: i["error"] for i in result["items"] if i["error"]}
    assert "line 3" in errors["more.jsonl#line-3"]
    assert "question and answer" in errors["more.jsonl#No body"]
    assert "unknown file type" in errors["x.pdf"]
    by_title = {a["title"]: a for a in await _articles(client, tenant)}
    assert by_title["账户登录"]["language"] == "zh"
    assert by_title["Как вернуть товар?"]["language"] == "ru"
    assert by_title["Do you ship abroad?"]["language"] == "en"
    payment = await client.get(
        f"/api/v1/kb/articles/{by_title['Payment options']['id']}", headers=tenant.headers
    )
    body = payment.json()["body"]
    assert "We accept **cards** and PayPal." in body  # bold stays bold
    assert "- Visa" in body
    assert "- Mastercard" in body
    assert "p{}" not in body
    assert "# Payment options" not in body


async def test_publishing_on_import_needs_an_admin(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    agent_key = await create_api_key(database, tenant.workspace_id, Role.AGENT)
    agent = {"Authorization": f"Bearer {agent_key}"}

    refused = await _upload(
        client, tenant, [("faq.csv", FAQ_CSV.encode())], headers=agent, publish="true"
    )
    drafted = await _upload(client, tenant, [("faq.csv", FAQ_CSV.encode())], headers=agent)
    published = await _upload(
        client, tenant, [("faq.csv", FAQ_CSV.encode())], publish="true", visibility="internal"
    )

    assert refused.status_code == 403
    assert drafted.json()["created"] == 2
    assert published.json()["updated"] == 2  # published now
    assert {a["status"] for a in await _articles(client, tenant)} == {"published"}


async def test_unknown_default_category_is_refused(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    response = await _upload(client, tenant, [("a.md", b"x")], category="nope")

    assert response.status_code == 422
    assert "body.category" in {f["field"] for f in response.json()["error"]["fields"]}


async def test_a_folder_is_imported_with_relative_paths(
    tmp_path: Path, database: Database, tenant: Tenant
) -> None:
    (tmp_path / "faq").mkdir()
    (tmp_path / "faq" / "shipping.md").write_text("# Shipping\n\nFast.", encoding="utf-8")
    (tmp_path / "news.md").write_text("# Launch\n\nWe launched.", encoding="utf-8")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.md").write_text("secret", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    options = importing.ImportOptions(language="en", visibility=Visibility.INTERNAL, publish=True)

    found = importing.sources_from_path(tmp_path)
    async with database.transaction() as session:
        first = await importing.import_sources(
            session, tenant.workspace_id, found.sources, options, None
        )
    async with database.transaction() as session:
        again = await importing.import_sources(
            session,
            tenant.workspace_id,
            importing.sources_from_path(tmp_path).sources,
            options,
            None,
        )

    assert [s.path for s in found.sources] == ["faq/shipping.md", "news.md"]
    assert found.skipped == ["notes.pdf"]
    assert first.created == 2
    assert again.unchanged == 2
    assert again.created == 0


async def test_demo_knowledge_loads_once_with_the_policy_sections(
    tmp_path: Path, database: Database, tenant: Tenant, client: httpx.AsyncClient
) -> None:
    from deskpilot.demo.knowledge import FAQ, load_knowledge

    policy = tmp_path / "policy.md"
    policy.write_text(
        "# Policy\n\nIntro.\n\n## Returns\n\nWithin 30 days.\n\n## Exchanges\n\nOnce per order.\n",
        encoding="utf-8",
    )
    async with database.transaction() as session:
        first = await load_knowledge(session, tenant.workspace_id, policy)
    async with database.transaction() as session:
        again = await load_knowledge(session, tenant.workspace_id, policy)

    assert [r.created for r in first] == [len(FAQ), 2]
    assert [r.failed for r in first] == [0, 0]
    assert [r.unchanged for r in again] == [len(FAQ), 2]
    articles = await _articles(client, tenant)
    assert {a["status"] for a in articles} == {"published"}
    assert {a["language"] for a in articles} == {"en", "zh", "ru"}
    internal = [a["title"] for a in articles if a["visibility"] == "internal"]
    assert sorted(internal) == ["Exchanges", "Returns"]


async def _published_shipping_faq(
    client: httpx.AsyncClient, tenant: Tenant, files: list[tuple[str, bytes]]
) -> str:
    """Imports and publishes ``files`` (FAQ_CSV); the URL of the shipping question's article."""
    assert (await _upload(client, tenant, files, publish="true")).status_code == 200
    shipping = next(a for a in await _articles(client, tenant) if "shipping" in a["title"])
    return f"/api/v1/kb/articles/{shipping['id']}"


async def test_an_archived_article_stays_archived_when_its_file_is_unchanged(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    files = [("faq.csv", FAQ_CSV.encode())]
    url = await _published_shipping_faq(client, tenant, files)
    assert (await client.post(f"{url}/archive", headers=tenant.headers)).status_code == 200

    again = await _upload(client, tenant, files, publish="true")
    assert again.json()["unchanged"] == 2
    assert (await client.get(url, headers=tenant.headers)).json()["status"] == "archived"

    changed = FAQ_CSV.replace("Two to five days.", "Three to five days.").encode()
    third = await _upload(client, tenant, [("faq.csv", changed)], publish="true")
    assert third.json()["updated"] == 1
    assert (await client.get(url, headers=tenant.headers)).json()["status"] == "published"


async def test_an_edit_by_hand_survives_importing_the_unchanged_file_again(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    files = [("faq.csv", FAQ_CSV.encode())]
    url = await _published_shipping_faq(client, tenant, files)
    edited = await client.patch(
        url, headers=tenant.headers, json={"body": "Free next-day delivery since November."}
    )
    assert edited.status_code == 200, edited.text
    assert (await client.post(f"{url}/publish", headers=tenant.headers)).status_code == 200

    again = await _upload(client, tenant, files, publish="true")

    assert again.json()["unchanged"] == 2
    article = (await client.get(url, headers=tenant.headers)).json()
    assert article["current_version"] == article["published_version"] == 2
    # a file that did change since it was last imported still updates the article
    changed = FAQ_CSV.replace("Two to five days.", "Three to five days.").encode()
    third = await _upload(client, tenant, [("faq.csv", changed)], publish="true")
    assert third.json()["updated"] == 1
    assert (await client.get(url, headers=tenant.headers)).json()["current_version"] == 3
