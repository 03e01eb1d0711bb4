"""The core flow in a real browser: a customer writes in the chat widget, the message appears
live in the agent's open inbox with the AI's annotations, the agent opens it and replies, and
the widget shows the reply. Also the inbox's keyboard (j/k/Enter) and its tablet layout."""

from __future__ import annotations

import re
from typing import Any

import httpx
from fastapi import FastAPI
from playwright.async_api import Browser, Page, expect

from tests.browser.a11y import assert_accessible
from tests.browser.helpers import TIMEOUT_MS, screenshot, scripts_ran, sign_in
from tests.browser.test_widget_live import _open_shop, _webchat_channel
from tests.channels.helpers import drain, worker_for
from tests.factories import Tenant


async def inbound(base_url: str, tenant: Tenant, text: str, name: str, key: str) -> dict[str, Any]:
    """A customer's message on an API channel (one channel per workspace is enough)."""
    async with httpx.AsyncClient(base_url=base_url, headers=tenant.headers) as http:
        channels = (await http.get("/api/v1/channels")).json()
        api_channels = [c for c in channels if c["type"] == "api"]
        if api_channels:
            channel = api_channels[0]
        else:
            created = await http.post(
                "/api/v1/channels", json={"type": "api", "name": "Shop API", "config": {}}
            )
            assert created.status_code == 201, created.text
            channel = created.json()
        sender = {"external_id": f"crm-{key}", "name": name}
        response = await http.post(
            f"/api/v1/channels/{channel['id']}/inbound",
            json={"external_id": key, "sender": sender, "text": text},
        )
    assert response.status_code == 202, response.text
    message: dict[str, Any] = response.json()["messages"][0]
    return message


async def test_a_widget_message_appears_live_and_the_agent_reply_reaches_the_widget(
    signed_in_page: Page, browser: Browser, live_server: str, tenant: Tenant, app: FastAPI
) -> None:
    agent = signed_in_page
    await agent.goto(f"{live_server}/inbox")
    await expect(agent.get_by_role("heading", name="Inbox")).to_be_visible()
    await expect(agent.locator("html")).to_have_attribute("data-live", "on")

    channel = await _webchat_channel(live_server, tenant)
    visitor_context = await browser.new_context(locale="en-US")
    visitor_context.set_default_timeout(TIMEOUT_MS)
    visitor = await visitor_context.new_page()
    try:
        await _open_shop(visitor, live_server, channel["public_key"])
        await visitor.get_by_role("button", name="Open chat").click()
        question = "This is terrible, my parcel never arrived!"
        await visitor.get_by_role("textbox", name="Type a message…").fill(question)
        await visitor.get_by_role("button", name="Send", exact=True).click()

        row = agent.locator("#inbox-rows tr", has_text=question)
        await expect(row).to_be_visible()  # live, without reloading
        await drain(worker_for(app.state.resources))  # the AI annotates the message
        await expect(row.locator(".badge.sentiment")).to_be_visible()
        await expect(row.locator(".handled")).to_have_text("Bot")
        await assert_accessible(agent)
        await screenshot(agent, "inbox")

        await row.get_by_role("link").click()
        await expect(agent).to_have_url(re.compile(r"/conversations/cnv_"))
        await scripts_ran(agent)
        customer_message = agent.locator(".msg.customer", has_text=question)
        await expect(customer_message.locator(".a-sentiment")).not_to_have_text("—")
        await expect(customer_message.locator(".a-language")).to_have_text("en")

        await agent.get_by_role("button", name="Take over from the bot").click()
        await expect(agent.locator("#conv-handled-text")).to_have_text("Human")
        reply = agent.get_by_label("Reply")
        await reply.fill("Sorry! It is on its way, here tomorrow.")
        await reply.press("Control+Enter")
        sent = agent.locator(".msg.agent", has_text="here tomorrow")
        await expect(sent).to_have_count(1)
        await drain(worker_for(app.state.resources))
        await expect(sent.locator(".delivery")).not_to_have_text("")
        await assert_accessible(agent)
        await screenshot(agent, "conversation")

        log = visitor.get_by_role("log")
        await expect(log.locator(".msg.agent", has_text="here tomorrow")).to_be_visible()
    finally:
        await visitor_context.close()


async def test_the_keyboard_moves_through_the_inbox_and_opens_a_conversation(
    signed_in_page: Page, live_server: str, tenant: Tenant
) -> None:
    first = await inbound(live_server, tenant, "Can I change my address?", "Ada", "k-1")
    second = await inbound(live_server, tenant, "Do you ship to Norway?", "Bo", "k-2")
    page = signed_in_page
    await page.goto(f"{live_server}/inbox")
    rows = page.locator("#inbox-rows tr")
    await expect(rows).to_have_count(2)
    await page.locator("h1").click()
    await page.keyboard.press("j")
    await expect(rows.nth(0)).to_have_attribute("aria-selected", "true")
    await page.keyboard.press("j")
    await expect(rows.nth(1)).to_have_attribute("aria-selected", "true")
    await page.keyboard.press("k")
    await expect(rows.nth(0)).to_have_attribute("aria-selected", "true")
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(f"{live_server}/conversations/{second['conversation_id']}")
    await page.go_back()
    await page.keyboard.press("?")
    await expect(page.get_by_role("dialog")).to_be_visible()
    await expect(page.get_by_role("dialog")).to_contain_text("Next conversation")
    assert first["conversation_id"] != second["conversation_id"]


async def test_the_inbox_on_a_tablet(browser: Browser, live_server: str, tenant: Tenant) -> None:
    await inbound(live_server, tenant, "Where is my order #1042?", "Chen", "t-1")
    context = await browser.new_context(
        locale="en-US", viewport={"width": 1024, "height": 768}, timezone_id="UTC"
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = await context.new_page()
    try:
        await sign_in(page, live_server, tenant.owner_email)
        await page.goto(f"{live_server}/inbox")
        await expect(page.locator("#inbox-rows tr")).to_have_count(1)
        width = await page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 1024  # no sideways scrolling on a tablet
        await screenshot(page, "inbox-tablet", full_page=False)
    finally:
        await context.close()
