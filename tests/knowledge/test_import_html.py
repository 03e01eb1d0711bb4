"""HTML imported as Markdown that shows as the page did: its text escaped for Markdown (a line
starting "1." or "-" is no list, "*stars*" no emphasis), cells that hold lists, line breaks or
tables kept in one cell, nested lists, definition lists, quotes and hard line breaks; pages
nested too deeply, "!" before a link, "|" in code in a table, "#" in headings, emphasis next to
emphasis or punctuation, and backslashes in addresses shown as the page does."""

from __future__ import annotations

import httpx
import pytest

from deskpilot.knowledge import html_import, importing
from deskpilot.web.help import render_markdown
from tests.factories import Tenant
from tests.knowledge.test_import_formats import _article, _upload


def _body(html: str) -> str:
    items = importing.items_of(importing.Source(path="page.html", data=html.encode()))
    assert len(items) == 1
    return items[0].body or ""


async def test_html_text_shows_on_the_help_center_as_written(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    html = (
        b"<html><head><title>Edge</title></head><body>"
        b"<p>1. Not a list item<br>- not a bullet<br># not a heading</p>"
        b"<p>Text with *asterisks* and _underscores_ and [brackets](x) literal</p>"
        b"<p>Entities: &lt;tag&gt; &amp;amp; a | b</p>"
        b"<p>Code: <code>a`b</code> and <strong>bold with *star*</strong></p>"
        b"<p>2024. A year</p></body></html>"
    )

    result = await _upload(client, tenant, [("edge.html", html)], publish="true")
    article_id = result["items"][0]["article_id"]
    page = await client.get(f"/help/{tenant.slug}/articles/{article_id}")

    assert page.status_code == 200, page.text[:300]
    assert "<p>1. Not a list item<br />\n- not a bullet<br />\n# not a heading</p>" in page.text
    assert "<ol" not in page.text.split("<article")[-1]
    assert "Text with *asterisks* and _underscores_ and [brackets](x) literal" in page.text
    assert "<em>" not in page.text
    assert "Entities: &lt;tag&gt; &amp;amp; a | b" in page.text
    assert "<code>a`b</code>" in page.text
    assert "<strong>bold with *star*</strong>" in page.text
    assert "<p>2024. A year</p>" in page.text
    article = await _article(client, tenant, article_id)
    assert "1\\. Not a list item\\\n\\- not a bullet\\\n\\# not a heading" in article["body"]


def test_table_cells_keep_their_lists_line_breaks_and_nested_tables() -> None:
    body = _body(
        "<table><tr><th>A</th><th>B</th></tr>"
        "<tr><td>line1<br>line2</td><td><ul><li>x</li><li>y</li></ul></td></tr>"
        "<tr><td><table><tr><td>inner</td><td>cell</td></tr></table></td><td>z</td></tr></table>"
        "<p>After.</p>"
    )

    assert body == (
        "| A | B |\n| --- | --- |\n| line1; line2 | x; y |\n| inner; cell | z |\n\nAfter."
    )
    html = render_markdown(body)
    assert html.count("<tr>") == 3
    assert "<td>inner; cell</td>\n<td>z</td>" in html


def test_nested_lists_definitions_quotes_and_line_breaks_are_kept() -> None:
    body = _body(
        "<p>Line one<br>Line two</p><blockquote>Quoted text</blockquote>"
        "<ul><li>Level 1<ul><li>Level 2 a</li><li>Level 2 b</li></ul></li><li>Level 1 again</li>"
        "</ul><ol><li>Step one<ol><li>Sub step</li></ol></li><li>Step two</li></ol>"
        "<dl><dt>Term</dt><dd>Definition</dd></dl>"
    )

    assert body == (
        "Line one\\\nLine two\n\n> Quoted text\n\n"
        "- Level 1\n  - Level 2 a\n  - Level 2 b\n- Level 1 again\n\n"
        "1. Step one\n   1. Sub step\n2. Step two\n\n**Term**: Definition"
    )
    html = render_markdown(body)
    assert "<p>Line one<br />\nLine two</p>" in html
    assert "<blockquote>\n<p>Quoted text</p>" in html
    assert "<li>Level 1\n<ul>\n<li>Level 2 a</li>" in html


def test_links_in_navigation_leave_no_empty_link() -> None:
    body = _body(
        "<html><head><title>T3</title></head><body><nav><a href='/'>Home</a> "
        "<a href='/help'>Help</a></nav><p>See <a href='/'>Home</a> page.<a href='/x'></a></p>"
        "</body></html>"
    )

    assert body == "See [Home](/) page."


def test_deeply_nested_pages_are_imported_with_all_their_text() -> None:
    pages = [
        "<div>" * 1000 + "deep" + "</div>" * 1000,
        "<p>" + "<span>" * 1000 + "deep",
        "<p>" + "<font>" * 1000 + "deep",
        "<ul><li>x" * 400 + "deep" + "</li></ul>" * 400,
        "<table><tr><td>" * 400 + "deep",
    ]

    for page in pages:
        body = _body(page)

        assert "deep" in body, page[:40]
        assert "deep" in render_markdown(body)


async def test_a_page_nested_too_deeply_to_convert_fails_alone(
    client: httpx.AsyncClient, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(html_import, "MAX_DEPTH", 10**6, raising=False)  # no cap: recursion
    deep = ("<div>" * 5000 + "deep" + "</div>" * 5000).encode()
    files = [("deep.html", deep), ("fine.html", b"<p>Fine.</p>")]

    result = await _upload(client, tenant, files)

    assert (result["created"], result["failed"]) == (1, 1), result
    failed, created = result["items"]
    assert failed["error"].endswith("is nested too deeply"), failed
    assert (await _article(client, tenant, created["article_id"]))["body"] == "Fine."


def test_an_exclamation_mark_before_a_link_makes_no_image() -> None:
    body = _body('<p>Hi!<a href="/p">link</a> and <span>Wow!</span><a href="/q">this</a></p>')

    html = render_markdown(body)

    assert "<img" not in html
    assert '<p>Hi!<a href="/p">link</a> and Wow!<a href="/q">this</a></p>' in html


def test_a_pipe_in_code_in_a_table_cell_stays_in_its_cell() -> None:
    body = _body(
        "<table><tr><td><code>a|b</code></td><td><pre>x | y</pre></td>"
        '<td><a href="/s?q=a|b">search</a></td></tr></table>'
        "<p>Outside: <code>c|d</code></p>"
    )

    html = render_markdown(body)

    assert "<th><code>a|b</code></th>\n<th><code>x | y</code></th>" in html
    assert '<th><a href="/s?q=a%7Cb">search</a></th>' in html
    assert "<p>Outside: <code>c|d</code></p>" in html


def test_headings_escape_only_a_closing_run_of_hashes() -> None:
    body = _body(
        "<h2><code>#include</code></h2><h2>C# and #tags</h2><h3>Issue #</h3><h3>#</h3>"
        '<h2><a href="/a#b">Anchor</a></h2>'
    )

    html = render_markdown(body)

    assert "<h2><code>#include</code></h2>" in html
    assert "<h2>C# and #tags</h2>" in html
    assert "<h3>Issue #</h3>\n<h3>#</h3>" in html
    assert '<h2><a href="/a#b">Anchor</a></h2>' in html


def test_emphasis_next_to_emphasis_or_punctuation_shows_its_text_exactly() -> None:
    body = _body(
        "<p><i>x</i><i>y</i> <b>one</b><strong>two</strong></p>"
        "<p><b>Step 1:</b>Open the app, <span><b>then</b></span><b>(this)</b>done.</p>"
        "<p><b>Note:</b> kept and <b><i>both</i> here</b></p>"
    )

    html = render_markdown(body)

    assert "<p><em>xy</em> <strong>onetwo</strong></p>" in html
    assert "<p>Step 1:Open the app, then(this)done.</p>" in html
    assert "<p><strong>Note:</strong> kept and <strong><em>both</em> here</strong></p>" in html
    assert "*" not in html


def test_a_backslash_in_an_address_is_percent_encoded() -> None:
    body = _body('<p><a href="http://x\\">link</a> <img src="/a\\b.png" alt="pic"></p>')

    html = render_markdown(body)

    assert '<a href="http://x%5C">link</a>' in html
    assert '<img src="/a%5Cb.png" alt="pic" />' in html
