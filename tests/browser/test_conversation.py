# ruff: noqa: RUF001 - Chinese text
"""The conversation page in a real browser: a Chinese conversation renders in the inbox and the
conversation (in the Chinese interface too), private notes, labels and status."""

from __future__ import annotations

from fastapi import FastAPI
from playwright.async_api import Page, expect

from tests.browser.a11y import assert_accessible
from tests.browser.helpers import screenshot
from tests.browser.test_inbox import inbound
from tests.channels.helpers import drain, worker_for
from tests.factories import Tenant

CHINESE = "你好，我的订单在哪里？"


async def test_a_chinese_conversation_renders_in_the_inbox_and_the_conversation(
    signed_in_page: Page, live_server: str, tenant: Tenant, app: FastAPI
) -> None:
    message = await inbound(live_server, tenant, CHINESE, "王芳", "zh-1")
    await drain(worker_for(app.state.resources))
    page = signed_in_page
    await page.goto(f"{live_server}/inbox")
    row = page.locator("#inbox-rows tr", has_text=CHINESE)
    await expect(row.locator(".preview .text")).to_have_text(CHINESE)
    await expect(row.get_by_role("link")).to_have_text("王芳")
    await expect(row.locator(".badge.lang")).to_have_text("zh")

    await row.get_by_role("link").click()
    body = page.locator(".msg.customer .body")
    await expect(body).to_have_text(CHINESE)
    await expect(body).to_have_attribute("lang", "zh")
    await expect(page.locator(".msg.customer .a-language")).to_have_text("zh")
    # the glyphs really render (a CJK font is there): the text is wider than a few boxes
    width = await body.evaluate("node => node.getBoundingClientRect().width")
    assert width > 100
    await assert_accessible(page)

    # the interface in Chinese (the agent's choice, kept in the preferences cookie)
    await page.context.add_cookies(
        [{"name": "deskpilot_console", "value": "zh.light.m", "url": live_server}]
    )
    await page.reload()
    await expect(page.locator("html")).to_have_attribute("lang", "zh")
    await expect(page.get_by_role("button", name="从机器人接管")).to_be_visible()
    await expect(page.locator(".msg.customer .body")).to_have_text(CHINESE)
    await assert_accessible(page)
    await screenshot(page, "conversation-zh")
    assert message["conversation_id"] in page.url


async def test_notes_labels_and_status_from_the_conversation(
    signed_in_page: Page, live_server: str, tenant: Tenant
) -> None:
    message = await inbound(live_server, tenant, "Please call me back.", "Ada", "n-1")
    page = signed_in_page
    await page.goto(f"{live_server}/conversations/{message['conversation_id']}")

    await page.get_by_label("Private note (the customer does not see it)").check()
    await page.get_by_label("Reply").fill("Called, no answer.")
    await page.get_by_role("button", name="Send", exact=True).click()
    note = page.locator(".msg.private", has_text="Called, no answer.")
    await expect(note).to_have_count(1)
    await expect(note.locator(".badge.note")).to_have_text("Private note")

    await page.get_by_label("Labels").fill("vip, callback")
    await page.get_by_role("button", name="Save labels").click()
    await expect(page.get_by_label("Labels")).to_have_value("callback, vip")

    await page.locator("h1").click()
    await page.keyboard.press("e")
    await expect(page.locator("#conv-status-text")).to_have_text("Resolved")
    await page.keyboard.press("r")
    await expect(page.get_by_label("Reply")).to_be_focused()
