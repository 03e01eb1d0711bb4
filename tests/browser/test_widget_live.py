"""The chat widget in a real browser, embedded in a shop page on another origin.

The shop page is served by the browser itself (``page.route``) on ``http://localhost:PORT``
while the app is ``http://127.0.0.1:PORT``: another origin, so the widget loads ``widget.js``
and speaks to the API across origins, as on a customer's site. Chromium asks before a page
reaches a loopback server (Local Network Access): the test grants that permission, as a visitor
of a shop whose DeskPilot runs on a local network would have to. The
inbox side (the message appearing live in the console) comes with the console's inbox tests.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
from fastapi import FastAPI
from playwright.async_api import Page, Route, expect

from tests.browser.helpers import screenshot
from tests.channels.helpers import drain, worker_for
from tests.factories import Tenant

SHOP_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
</head><body><main><h1>A shop</h1></main>
<script src="{base}/widget.js" data-key="{key}"></script></body></html>"""


async def _webchat_channel(base_url: str, tenant: Tenant) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=base_url, headers=tenant.headers) as http:
        response = await http.post(
            "/api/v1/channels", json={"type": "webchat", "name": "Website chat", "config": {}}
        )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def _open_shop(page: Page, base_url: str, key: str) -> None:
    html = SHOP_PAGE.format(base=base_url, key=key)

    async def shop(route: Route) -> None:
        await route.fulfill(status=200, content_type="text/html", body=html)

    shop_url = base_url.replace("://127.0.0.1:", "://localhost:") + "/shop"
    assert shop_url != base_url + "/shop"
    await page.context.grant_permissions(["local-network-access"])
    await page.route(shop_url, shop)
    # widget.js toggles the panel when its session loads if the panel is marked open, which
    # undoes a click on the launcher made before then: wait for the session first.
    async with page.expect_response(lambda r: "/widget/api/session" in r.url):
        await page.goto(shop_url)


async def test_a_visitor_writes_in_the_widget_and_sees_the_agent_reply(
    page: Page, live_server: str, tenant: Tenant, app: FastAPI
) -> None:
    channel = await _webchat_channel(live_server, tenant)
    await _open_shop(page, live_server, channel["public_key"])

    await page.get_by_role("button", name="Open chat").click()
    await page.get_by_role("textbox", name="Type a message…").fill("Where is my parcel?")
    await page.get_by_role("button", name="Send", exact=True).click()

    log = page.get_by_role("log")
    sent = log.locator(".msg.visitor", has_text="Where is my parcel?")
    await expect(sent).to_be_visible()
    await expect(sent).to_have_attribute("data-id", re.compile(r"^msg_"))  # stored by the server

    async with httpx.AsyncClient(base_url=live_server, headers=tenant.headers) as http:
        listed = await http.get("/api/v1/conversations")
        assert listed.status_code == 200, listed.text
        conversation = listed.json()["items"][0]
        reply = await http.post(
            f"/api/v1/conversations/{conversation['id']}/messages",
            json={"text": "It left the warehouse today."},
        )
        assert reply.status_code == 201, reply.text
    await drain(worker_for(app.state.resources))

    await expect(log.locator(".msg.agent", has_text="It left the warehouse today.")).to_be_visible()
    await screenshot(page, "widget-conversation")
