"""The knowledge base editor in a real browser: an article is written with a live preview,
published, edited, compared and rolled back, and the help center shows the right version after
each step; the review queue and the knowledge-gaps report."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx
from playwright.async_api import Dialog, Page, Route, expect

from deskpilot.kit.db import Database
from deskpilot.knowledge import quality
from tests.browser.a11y import assert_accessible
from tests.browser.helpers import screenshot, scripts_ran
from tests.factories import Tenant


async def _accept(dialog: Dialog) -> None:
    await dialog.accept()


async def _api_article(base_url: str, tenant: Tenant, article_id: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=base_url, headers=tenant.headers) as http:
        response = await http.get(f"/api/v1/kb/articles/{article_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _help_center_shows(page: Page, base_url: str, article_id: str, text: str) -> None:
    """The public help center (another tab, no sign-in needed) shows ``text``."""
    visitor = await page.context.new_page()
    await visitor.goto(f"{base_url}/help/acme/articles/{article_id}")
    await expect(visitor.locator("main")).to_contain_text(text)
    await visitor.close()


async def test_an_article_is_written_published_edited_and_rolled_back(
    signed_in_page: Page, live_server: str, tenant: Tenant
) -> None:
    page = signed_in_page
    page.on("dialog", _accept)
    await page.goto(f"{live_server}/kb")
    await page.get_by_role("link", name="New article").click()
    await expect(page).to_have_url(re.compile(r"/kb/new$"))

    await page.get_by_label("Title").fill("Shipping times")
    await page.get_by_label("Body (Markdown)").fill("## When\n\nWe ship in **two** days.")
    preview = page.locator("#kb-preview")
    await expect(preview.locator("h2")).to_have_text("When")  # Markdown, rendered by the server
    await expect(preview.locator("strong")).to_have_text("two")
    await page.get_by_role("button", name="Save").click()
    await expect(page).to_have_url(re.compile(r"/kb/art_\w+$"))
    await scripts_ran(page)
    article_id = page.url.rsplit("/", 1)[1]
    await expect(page.locator("#kb-state")).to_contain_text("Draft")

    await page.get_by_role("button", name="Publish").click()
    await expect(page.locator("#kb-state")).to_contain_text("Published")
    await scripts_ran(page)
    await _help_center_shows(page, live_server, article_id, "We ship in two days.")

    body = page.get_by_label("Body (Markdown)")
    await body.fill("## When\n\nWe ship in **three** days.")
    await expect(preview.locator("strong")).to_have_text("three")
    await page.get_by_label("Note for this version").fill("slower carrier")
    await page.get_by_role("button", name="Save").click()
    await expect(page.locator("#kb-versions-table tbody tr")).to_have_count(2)
    await scripts_ran(page)
    article = await _api_article(live_server, tenant, article_id)
    assert (article["current_version"], article["published_version"]) == (2, 1)
    await _help_center_shows(page, live_server, article_id, "We ship in two days.")

    # the diff (v1 -> v2) marks the change with text, not colour alone
    diff = page.locator("#kb-diff-lines")
    await expect(diff.locator("del")).to_contain_text("We ship in **two** days.")
    await expect(diff.locator("ins")).to_contain_text("We ship in **three** days.")
    await expect(diff.locator("ins")).to_contain_text("Added")
    await assert_accessible(page)
    await screenshot(page, "kb-edit")

    await page.get_by_role("button", name="Publish").click()
    await expect(page.locator("#kb-state")).to_contain_text("published version 2")
    await scripts_ran(page)
    await _help_center_shows(page, live_server, article_id, "We ship in three days.")

    # compare two chosen versions through the API's diff
    await page.get_by_label("From", exact=True).select_option("2")
    await page.get_by_label("To", exact=True).select_option("1")
    await page.get_by_role("button", name="Show changes").click()
    await expect(page.locator("#kb-diff-summary")).to_have_text("Changes from v2 to v1.")
    await expect(diff.locator("ins")).to_contain_text("two")
    await page.locator("#kb-diff-panel, .kb-diff-panel").scroll_into_view_if_needed()
    await screenshot(page, "kb-diff")

    await page.get_by_role("button", name="Roll back to version 1").click()
    await expect(page.locator("#kb-versions-table tbody tr")).to_have_count(3)
    await expect(page.locator("#kb-state")).to_contain_text("published version 3")
    await scripts_ran(page)
    article = await _api_article(live_server, tenant, article_id)
    assert (article["current_version"], article["published_version"]) == (3, 3)
    assert "**two**" in article["body"]
    await _help_center_shows(page, live_server, article_id, "We ship in two days.")
    await expect(page.locator("#kb-versions-table")).to_contain_text("rollback to version 1")

    # the list shows it, filtered; and the editor on a tablet
    await page.goto(f"{live_server}/kb?status=published")
    await expect(page.get_by_role("link", name="Shipping times")).to_be_visible()
    await assert_accessible(page)
    await screenshot(page, "kb-list")
    await page.set_viewport_size({"width": 1024, "height": 768})
    await page.goto(f"{live_server}/kb/{article_id}")
    await assert_accessible(page)
    await screenshot(page, "kb-edit-tablet", full_page=False)


async def test_text_typed_before_the_editor_script_runs_is_previewed(
    signed_in_page: Page, live_server: str
) -> None:
    """A slow connection: the agent types while the editor's script is still loading; the
    preview shows that text once the script runs (it used to stay empty until the next key)."""
    page = signed_in_page
    typed = asyncio.Event()

    async def after_typing(route: Route) -> None:
        await typed.wait()
        await route.continue_()

    await page.route("**/static/console/kb_editor.js", after_typing)
    await page.goto(f"{live_server}/kb/new", wait_until="commit")
    await page.get_by_label("Body (Markdown)").fill("## Returns\n\nWithin **30** days.")
    typed.set()
    preview = page.locator("#kb-preview")
    await expect(preview.locator("h2")).to_have_text("Returns")
    await expect(preview.locator("strong")).to_have_text("30")


async def test_the_review_queue_and_the_gaps_report(
    signed_in_page: Page, live_server: str, tenant: Tenant, database: Database
) -> None:
    page = signed_in_page
    async with httpx.AsyncClient(base_url=live_server, headers=tenant.headers) as http:
        created = await http.post(
            "/api/v1/kb/articles",
            json={"title": "Warranty", "body": "Two years.", "review_due_on": "2000-01-01"},
        )
        assert created.status_code == 201, created.text
    async with database.transaction() as session:
        for question in ("Do you ship to Mars?", "Can you ship to Mars?", "Ship to Mars soon?"):
            await quality.record_unanswered(session, tenant.workspace_id, question, "en")

    await page.goto(f"{live_server}/kb/review")
    await expect(page.get_by_role("link", name="Warranty")).to_be_visible()
    await assert_accessible(page)
    await page.get_by_role("button", name="Mark “Warranty” reviewed").click()
    await expect(page.get_by_text("Nothing to review.")).to_be_visible()

    await page.goto(f"{live_server}/kb/gaps")
    await expect(page.get_by_text("Asked 3 times")).to_be_visible()
    await assert_accessible(page)
    await screenshot(page, "kb-gaps")
    await page.get_by_role("link", name="Write an article for this").first.click()
    await expect(page).to_have_url(re.compile(r"/kb/new\?"))
    await expect(page.get_by_label("Title")).to_have_value(re.compile("Mars"))
    await expect(page.get_by_role("textbox", name="Language")).to_have_value("en")

    # the Chinese interface, dark theme
    await page.context.add_cookies(
        [{"name": "deskpilot_console", "value": "zh.dark.m", "url": live_server}]
    )
    await page.goto(f"{live_server}/kb/gaps")
    await expect(page.get_by_role("heading", level=1)).to_have_text("知识缺口")
    await assert_accessible(page)
    await screenshot(page, "kb-gaps-zh-dark")


async def test_a_stale_editor_keeps_what_another_changed_and_cannot_overwrite_new_text(
    signed_in_page: Page, live_server: str, tenant: Tenant
) -> None:
    """Another editor moves the article to another category while this page is open: saving
    this page's text keeps that category (the page sends only what it changed). Then another
    editor saves new text: this page's save is refused with the reason, and nothing is lost."""
    page = signed_in_page
    async with httpx.AsyncClient(base_url=live_server, headers=tenant.headers) as http:
        created = await http.post(
            "/api/v1/kb/articles",
            json={"title": "Gift cards", "body": "They never expire.", "category": "faq"},
        )
        article_id = created.json()["id"]
        await page.goto(f"{live_server}/kb/{article_id}")
        await scripts_ran(page)
        moved = await http.patch(
            f"/api/v1/kb/articles/{article_id}", json={"category": "policies", "tags": ["money"]}
        )
        assert moved.status_code == 200, moved.text

        await page.get_by_label("Body (Markdown)").fill("They never expire. Balance online.")
        await page.get_by_role("button", name="Save").click()
        await expect(page.locator("#kb-versions-table tbody tr")).to_have_count(2)
        saved = await _api_article(live_server, tenant, article_id)
        assert (saved["category"], saved["tags"]) == ("policies", ["money"])
        assert saved["body"] == "They never expire. Balance online."

        await scripts_ran(page)
        other = await http.patch(
            f"/api/v1/kb/articles/{article_id}", json={"body": "Another editor's text."}
        )
        assert other.status_code == 200, other.text
        await page.get_by_label("Body (Markdown)").fill("My stale text.")
        await page.get_by_role("button", name="Save").click()
        await expect(page.locator("#kb-error")).to_contain_text("was saved after version 2")
    assert (await _api_article(live_server, tenant, article_id))["body"] == "Another editor's text."


async def test_a_field_the_api_refuses_is_named_with_its_reason(
    signed_in_page: Page, live_server: str, tenant: Tenant
) -> None:
    page = signed_in_page
    async with httpx.AsyncClient(base_url=live_server, headers=tenant.headers) as http:
        created = await http.post("/api/v1/kb/articles", json={"title": "Tags", "body": "Text."})
    await page.goto(f"{live_server}/kb/{created.json()['id']}")
    await scripts_ran(page)
    await page.locator("#kb-language").fill("not a lang!")
    await page.get_by_role("button", name="Save").click()
    error = page.locator("#kb-error")
    await expect(error).to_contain_text("language: must be a language tag")
    await expect(error).not_to_contain_text("undefined")
