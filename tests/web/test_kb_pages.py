"""The knowledge base pages of the console: list, editor, review queue, gaps, and the preview."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from typing import Any

import httpx

from deskpilot.kit.db import Database
from deskpilot.knowledge import quality
from deskpilot.knowledge.schemas import ReviewReason
from deskpilot.models import ArticleStatus, Role, Visibility
from deskpilot.web.console.i18n import catalog
from deskpilot.web.console.knowledge import diff_lines
from tests.auth import sign_in
from tests.factories import Tenant, create_member

TEMPLATES = Path(__file__).resolve().parents[2] / "src/deskpilot/web/templates/console"


async def _article(client: httpx.AsyncClient, tenant: Tenant, **fields: Any) -> dict[str, Any]:
    body = {"title": "Shipping times", "body": "We ship in **two** days."} | fields
    response = await client.post("/api/v1/kb/articles", json=body, headers=tenant.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def test_every_kb_word_in_the_templates_is_in_the_catalog() -> None:
    english = catalog()["en"]
    used: set[str] = set()
    for template in TEMPLATES.glob("kb_*.html"):
        used |= set(re.findall(r"""t\(\s*["'](kb\.[\w.]+)["']""", template.read_text()))
    script = (TEMPLATES.parents[1] / "static/console/kb_editor.js").read_text()
    used |= set(re.findall(r"""t\(\s*"(kb\.[\w.]+)\"""", script))
    assert used
    used = {key for key in used if not key.endswith(".")}  # "kb.status." ~ value: below
    used |= {f"kb.status.{s}" for s in ArticleStatus} | {f"kb.visibility.{v}" for v in Visibility}
    used |= {f"kb.review.reason.{r}" for r in ReviewReason}
    assert not used - set(english), sorted(used - set(english))


async def test_strangers_go_to_sign_in_and_viewers_are_refused(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    for path in ("/kb", "/kb/new", "/kb/review", "/kb/gaps", "/kb/art_x"):
        response = await client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login?next=")
    await create_member(database, tenant.workspace_id, "viewer@acme.example.com", Role.VIEWER)
    await sign_in(client, "viewer@acme.example.com")
    assert (await client.get("/kb")).status_code == 403


async def test_the_list_filters_and_pages(client: httpx.AsyncClient, tenant: Tenant) -> None:
    await _article(client, tenant, title="Returns policy", owner_team="Support", tags=["returns"])
    await _article(client, tenant, title="Доставка", language="ru", visibility="internal")
    await sign_in(client, tenant.owner_email)

    everything = await client.get("/kb")
    assert everything.status_code == 200
    assert "Returns policy" in everything.text
    assert "Доставка" in everything.text
    assert 'href="/kb/new"' in everything.text
    russian = await client.get("/kb", params={"language": "ru", "visibility": "internal"})
    assert "Доставка" in russian.text
    assert "Returns policy" not in russian.text
    team = await client.get("/kb", params={"owner_team": "support"})
    assert "Returns policy" in team.text
    assert "Доставка" not in team.text
    titled = await client.get("/kb", params={"q": "RETURN", "status": "draft"})
    assert "Returns policy" in titled.text
    assert "Доставка" not in titled.text
    nothing = await client.get("/kb", params={"status": "published"})
    assert "No articles match." in nothing.text
    # nonsense filters and cursors are ignored, never a 500
    odd = await client.get(
        "/kb", params={"status": "<x>", "category": "nope", "language": "!!", "cursor": "bad"}
    )
    assert odd.status_code == 200
    assert "That page link is no longer valid" in odd.text
    assert "Returns policy" in odd.text


async def test_the_list_has_a_next_page(client: httpx.AsyncClient, tenant: Tenant) -> None:
    for number in range(26):
        await _article(client, tenant, title=f"Article {number:02d}")
    await sign_in(client, tenant.owner_email)
    first = await client.get("/kb")
    assert "Article 25" in first.text
    assert "Article 00" not in first.text
    link = re.search(r'href="(/kb\?cursor=[^"]+)"', first.text)
    assert link is not None
    second = await client.get(unescape(link.group(1)))
    assert "Article 00" in second.text
    assert "Article 25" not in second.text
    assert "First page" in second.text


async def test_the_editor_shows_versions_diff_and_publish_buttons(
    client: httpx.AsyncClient, tenant: Tenant, database: Database, other_tenant: Tenant
) -> None:
    article = await _article(client, tenant)
    path = f"/api/v1/kb/articles/{article['id']}"
    edited = await client.patch(
        path, json={"body": "We ship in **three** days."}, headers=tenant.headers
    )
    assert edited.status_code == 200
    await sign_in(client, tenant.owner_email)

    page = await client.get(f"/kb/{article['id']}")
    assert page.status_code == 200
    text = page.text
    assert 'value="Shipping times"' in text
    assert "We ship in **three** days." in text  # the body to edit
    assert "<strong>three</strong>" in text  # the first paint of the preview
    assert "v1" in text
    assert "v2" in text
    assert "Import or system" in text  # an API key wrote these versions: no author
    assert "<del>" in text
    assert "<ins>" in text
    assert "Removed: </span>We ship in **two** days." in text
    assert "Added: </span>We ship in **three** days." in text
    assert 'id="kb-publish"' in text
    assert "kb-rollback" in text

    foreign = await _article(client, other_tenant, title="Globex secret")
    hidden = await client.get(f"/kb/{foreign['id']}")
    assert hidden.status_code == 404
    assert "Globex secret" not in hidden.text
    assert (await client.get("/kb/art_nothing")).status_code == 404

    # an agent may edit but not publish (the workspace's publish role is admin by default)
    await create_member(database, tenant.workspace_id, "agent@acme.example.com", Role.AGENT)
    await sign_in(client, "agent@acme.example.com")
    as_agent = await client.get(f"/kb/{article['id']}")
    assert 'id="kb-publish"' not in as_agent.text
    assert "kb-rollback" not in as_agent.text
    assert "Publishing needs a higher role" in as_agent.text


async def test_a_new_article_is_prefilled(client: httpx.AsyncClient, tenant: Tenant) -> None:
    await sign_in(client, tenant.owner_email)
    page = await client.get("/kb/new", params={"title": "Где мой заказ?", "language": "ru"})
    assert page.status_code == 200
    assert 'value="Где мой заказ?"' in page.text
    assert 'id="kb-language" name="language" required maxlength="16" value="ru"' in page.text
    fallback = await client.get("/kb/new", params={"language": "<b>"})
    assert 'value="en"' in fallback.text


async def test_the_preview_renders_like_the_help_center(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    markdown = "# Title\n\nSome *text* <script>alert(1)</script> [x](javascript:alert(1))"
    response = await client.post(
        "/api/v1/kb/preview", json={"body": markdown}, headers=tenant.headers
    )
    assert response.status_code == 200
    html = response.json()["html"]
    assert "<h1>Title</h1>" in html
    assert "<em>text</em>" in html
    assert "<script>" not in html
    assert 'href="javascript' not in html
    csrf = await sign_in(client, tenant.owner_email)
    forged = await client.post("/api/v1/kb/preview", json={"body": "x"})
    assert forged.status_code == 403
    signed = await client.post(
        "/api/v1/kb/preview", json={"body": "**b**"}, headers={"X-CSRF-Token": csrf}
    )
    assert signed.json() == {"html": "<p><strong>b</strong></p>\n"}


async def test_the_review_queue(client: httpx.AsyncClient, tenant: Tenant) -> None:
    await _article(client, tenant, title="Old warranty terms", review_due_on="2000-01-01")
    await _article(client, tenant, title="Fresh article", review_due_on="2999-01-01")
    await sign_in(client, tenant.owner_email)
    page = await client.get("/kb/review")
    assert page.status_code == 200
    assert "Old warranty terms" in page.text
    assert "Fresh article" not in page.text
    assert "Review due" in page.text
    assert "kb-reviewed" in page.text


async def test_the_gaps_report_links_to_a_prefilled_article(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    async with database.transaction() as session:
        for question in ("Do you ship to Mars?", "Can you ship to Mars?", "Ship to Mars?"):
            await quality.record_unanswered(session, tenant.workspace_id, question, "en")
    await sign_in(client, tenant.owner_email)
    page = await client.get("/kb/gaps", params={"days": "7"})
    assert page.status_code == 200
    assert "Write an article for this" in page.text
    assert "Mars" in page.text
    assert re.search(r'href="/kb/new\?title=[^"]*Mars[^"]*language=en"', page.text)
    assert (await client.get("/kb/gaps", params={"days": "abc"})).status_code == 200


def test_diff_lines_reads_a_unified_diff() -> None:
    diff = "--- v1\n+++ v2\n@@ -1,2 +1,2 @@\n # Title\n-old\n+new\n"
    kinds = [(line.kind, line.text) for line in diff_lines(diff)]
    assert kinds == [
        ("hunk", "@@ -1,2 +1,2 @@"),
        ("context", "# Title"),
        ("remove", "old"),
        ("add", "new"),
    ]
