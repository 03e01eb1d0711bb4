"""Reading import files faithfully: code fences, front matter, line endings, HTML tables and
code, JSONL lines, category names, folders with nothing to import."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from deskpilot.kit.errors import InvalidInput
from deskpilot.knowledge import importing
from deskpilot.knowledge.import_rows import Item
from tests.factories import Tenant
from tests.test_cli import Deskpilot


def _item(path: str, data: bytes) -> Item:
    items = importing.items_of(importing.Source(path=path, data=data))
    assert len(items) == 1
    return items[0]


async def _upload(
    client: httpx.AsyncClient, tenant: Tenant, files: list[tuple[str, bytes]], **form: str
) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/kb/import",
        files=[("files", (name, data)) for name, data in files],
        data=form,
        headers=tenant.headers,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _article(client: httpx.AsyncClient, tenant: Tenant, article_id: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/kb/articles/{article_id}", headers=tenant.headers)
    article: dict[str, Any] = response.json()
    return article


def test_headings_inside_code_fences_are_not_the_title() -> None:
    markdown = (
        "Intro without heading.\n\n```bash\n# install the tool\npip install x\n```\n\n"
        "~~~\n# also a comment\n~~~\n\n````md\n```\n# nested\n```\n````\n\nMore text.\n"
    )
    fenced = _item("guides/install-tool.md", markdown.encode())
    after = _item("setup.md", b"```\n# not this\n```\n\n# Setup\n\nRun it.\n")

    assert fenced.title == "install tool"
    assert fenced.body == markdown.strip()  # nothing removed from the code blocks
    assert after.title == "Setup"
    assert after.body == "```\n# not this\n```\n\n\nRun it."


async def test_front_matter_gives_the_title_tags_category_and_language(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    markdown = (
        b"---\ntitle: Front Matter Title\ntags: [returns, refunds]\ncategory: Policies\n"
        b"language: en\nauthor: Ann\n---\n\n# A heading\n\nFront matter body line.\n"
    )
    simple = b"---\r\ntitle: 'Quoted: title'\r\ntags: a, b\r\n---\r\nBody.\r\n"

    result = await _upload(client, tenant, [("fm.md", markdown), ("simple.md", simple)])

    assert result["created"] == 2, result
    article = await _article(client, tenant, result["items"][0]["article_id"])
    assert article["title"] == "Front Matter Title"
    assert article["body"] == "# A heading\n\nFront matter body line."  # the H1 stays
    assert article["tags"] == ["returns", "refunds"]
    assert article["category"] == "policies"
    assert article["language"] == "en"
    other = await _article(client, tenant, result["items"][1]["article_id"])
    assert (other["title"], other["body"]) == ("Quoted: title", "Body.")
    assert sorted(t.strip() for t in other["tags"]) == ["a", "b"]


async def test_front_matter_that_cannot_be_read_is_refused(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    files = [
        ("unclosed.md", b"---\ntitle: Never closed\n\nBody.\n"),
        ("invalid.md", b"---\ntitle: [unclosed\n---\nBody.\n"),
        ("not-mapping.md", b"---\n- a\n- b\n---\nBody.\n"),
        ("nested.md", b"---\ntitle:\n  en: Hello\n---\nBody.\n"),
        ("internal.md", b"---\ntitle: Staff only\nvisibility: internal\n---\nBody.\n"),
        ("public.md", b"---\ntitle: For all\nvisibility: public\n---\nBody.\n"),
    ]

    result = await _upload(client, tenant, files)

    errors = {i["external_id"]: i["error"] for i in result["items"] if i["error"]}
    assert result["created"] == 1  # public.md: its visibility is the import's
    assert "no closing ---" in errors["unclosed.md"]
    assert "front matter is not valid YAML" in errors["invalid.md"]
    assert "key: value" in errors["not-mapping.md"]
    assert "front matter title: must be text" in errors["nested.md"]
    assert "visibility" in errors["internal.md"]
    assert "internal" in errors["internal.md"]
    again = await _upload(client, tenant, [("internal.md", files[4][1])], visibility="internal")
    assert again["created"] == 1


async def test_jsonl_lines_end_only_at_newlines(client: httpx.AsyncClient, tenant: Tenant) -> None:
    rows = [
        {"question": "Line separator?", "answer": "One\u2028two"},
        {"question": "Next line?", "answer": "One\u0085two"},
    ]
    text = "\r\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\r\nnot json\r\n"

    result = await _upload(client, tenant, [("faq.jsonl", text.encode())])

    assert result["created"] == 2, result
    errors = {i["external_id"]: i["error"] for i in result["items"] if i["error"]}
    assert errors == {"faq.jsonl#line-3": "line 3 is not JSON"}
    article = await _article(client, tenant, result["items"][0]["article_id"])
    assert article["body"] == "One\u2028two"


def test_old_mac_markdown_and_html_without_body_are_read() -> None:
    mac = _item("mac.md", b"# Old mac\r\rbody with CR only\r")
    html = _item(
        "h.html",
        b"<html><head><meta charset=utf-8><title>No body tag</title>"
        b"<p>Paragraph without body tag.</p></html>",
    )
    loose = _item("l.html", b"<html><head><title>Loose</title>Loose text</html>")

    assert (mac.title, mac.body, mac.error) == ("Old mac", "body with CR only", None)
    assert (html.title, html.body, html.error) == (
        "No body tag",
        "Paragraph without body tag.",
        None,
    )
    assert (loose.title, loose.body) == ("Loose", "Loose text")


def test_html_tables_code_and_a_heading_that_is_not_the_title() -> None:
    html = (
        b"<html><head><title>Price table</title></head><body><h1>Prices</h1>"
        b"<table><tr><th>Plan</th><th>Price</th></tr><tr><td>Basic</td><td>10 EUR</td></tr>"
        b"<tr><td><p>Pro</p></td><td>20 | 30 EUR</td></tr></table>"
        b"<pre>line1\nline2\n  indented</pre><p>See <a href='/terms'>terms</a>.</p></body></html>"
    )

    item = _item("prices.html", html)

    assert item.title == "Price table"
    assert item.body == (
        "# Prices\n\n"
        "| Plan | Price |\n| --- | --- |\n| Basic | 10 EUR |\n| Pro | 20 \\| 30 EUR |\n\n"
        "```\nline1\nline2\n  indented\n```\n\nSee [terms](/terms)."
    )
    same = _item("same.html", b"<title>Prices</title><h1>Prices</h1><p>Text.</p>")
    assert (same.title, same.body) == ("Prices", "Text.")  # the H1 is the title: not twice


async def test_a_csv_category_matches_like_a_folder_ignoring_case(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    csv = b"question,answer,category\nUpper category?,Works,FAQ\nUnknown?,No,Nope\n"

    result = await _upload(client, tenant, [("faq.csv", csv), ("FAQ/folder.md", b"Folder.")])

    assert result["created"] == 2, result
    errors = [i["error"] for i in result["items"] if i["error"]]
    assert errors == ["category: no category 'nope'"]
    categories = [
        (await _article(client, tenant, i["article_id"]))["category"]
        for i in result["items"]
        if i["article_id"]
    ]
    assert categories == ["faq", "faq"]


def test_a_folder_without_importable_files_is_refused_naming_them(tmp_path: Path) -> None:
    (tmp_path / "a.docx").write_bytes(b"PK")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.pdf").write_bytes(b"%PDF")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_bytes(b"x")

    with pytest.raises(InvalidInput) as refused:
        importing.sources_from_path(tmp_path)

    assert "no file to import" in refused.value.message
    assert "skipped a.docx, sub/b.pdf" in refused.value.message
    assert ".git" not in refused.value.message


def test_cli_import_of_a_folder_of_unsupported_files_exits_1(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "manual.pdf").write_bytes(b"%PDF")
    cli = Deskpilot(tmp_path / "data")
    assert cli("workspace", "create", "shop", "--name", "Shop").returncode == 0

    run = cli("import", "kb", str(folder))

    assert run.returncode == 1
    assert "manual.pdf" in run.stderr


def test_cli_import_names_the_files_it_skips_beside_importable_ones(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    (folder / "img").mkdir(parents=True)
    (folder / "shipping.md").write_text("# Shipping\n\nOne business day.", encoding="utf-8")
    (folder / "img" / "box.png").write_bytes(b"\x89PNG")
    (folder / "manual.pdf").write_bytes(b"%PDF")
    cli = Deskpilot(tmp_path / "data")
    assert cli("workspace", "create", "shop", "--name", "Shop").returncode == 0

    run = cli("import", "kb", str(folder))

    assert run.returncode == 0, run.stderr
    assert "skipped 2 file(s) that are not .md, .html, .csv, .json or .jsonl" in run.stderr
    assert "img/box.png, manual.pdf" in run.stderr
    assert "1 created" in run.stderr


def test_html_links_images_numbered_steps_and_emphasis_are_kept() -> None:
    """A review found links reduced to their text, images dropped, numbered steps turned into
    bullets and bold lost; unsafe addresses (javascript:, data:) are still dropped."""
    html = (
        b"<title>Returns</title><p>Read <a href='https://example.com/returns'>our returns "
        b"page</a> and <a href='javascript:alert(1)'>this</a>.</p>"
        b"<img alt='Size photo' src='/img/size chart.png'><img src='data:image/png;base64,x'>"
        b"<ol><li>Pack it</li><li>Print the <b>label</b></li></ol>"
        b"<ul><li>Keep the <em>receipt</em></li></ul><p>Run <code>reset</code>.</p>"
    )
    body = _item("returns.html", html).body or ""

    assert "Read [our returns page](https://example.com/returns) and this." in body
    assert "javascript" not in body
    assert "![Size photo](/img/size%20chart.png)" in body
    assert "data:" not in body
    assert "1. Pack it\n2. Print the **label**" in body
    assert "- Keep the *receipt*" in body
    assert "Run `reset`." in body


def test_a_markdown_title_underlined_or_a_first_heading_of_any_level() -> None:
    setext = _item("a.md", b"Shipping zones\n==============\n\nWe ship to 40 countries.\n")
    second_level = _item("b.md", b"\n## Gift wrap\n\nFree over $50.\n")
    no_heading = _item("c-d.md", b"Just text.\n\n## Later heading\n")

    assert (setext.title, setext.body) == ("Shipping zones", "We ship to 40 countries.")
    assert (second_level.title, second_level.body) == ("Gift wrap", "Free over $50.")
    assert no_heading.title == "c d"
    assert "## Later heading" in (no_heading.body or "")


async def test_html_navigation_and_footer_add_nothing_to_the_article(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    """A review found the links, images and lists of a page's <nav> and <footer> in the
    imported article (only their plain text was left out); an open link in them must not
    close the article's own link either."""
    html = (
        b"<html><head><title>Returns</title></head><body>"
        b"<nav><ul><li><a href='/home'>Home</a></li><li><b>Shop</b></li></ul>"
        b"<img alt='Logo' src='/logo.png'><a href='/cart'>Cart <img src='/cart.png'></a>"
        b"<table><tr><td>menu</td></tr></table><pre>nav code</pre><h2>Menu</h2></nav>"
        b"<p>Read <a href='https://example.com/returns'>our <nav><a href='/x'>x</a></nav>page"
        b"</a>.</p><ol><li>Pack it</li></ol>"
        b"<footer><a href='/privacy'>Privacy</a><ol><li>Legal</li></ol>"
        b"<img alt='Badge' src='/badge.png'><em>(c) Shop</em></footer></body></html>"
    )

    result = await _upload(client, tenant, [("returns.html", html)])
    article = await _article(client, tenant, result["items"][0]["article_id"])

    assert article["title"] == "Returns"
    assert article["body"] == "Read [our page](https://example.com/returns).\n\n1. Pack it"
