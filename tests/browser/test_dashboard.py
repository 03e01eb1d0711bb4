"""The dashboard in a real browser: figures, charts drawn by the server, their data tables,
accessibility in both themes, and a tablet-sized screen."""

from __future__ import annotations

from playwright.async_api import Page, expect

from deskpilot.kit.db import Database
from tests.analytics.dataset import craft_messages, craft_tickets
from tests.browser.a11y import assert_accessible
from tests.browser.helpers import screenshot
from tests.factories import Tenant


async def test_the_dashboard_shows_figures_and_charts(
    signed_in_page: Page, live_server: str, database: Database, tenant: Tenant
) -> None:
    page = signed_in_page
    await craft_messages(database, tenant.workspace_id)
    await craft_tickets(database, tenant.workspace_id)
    await page.goto(f"{live_server}/dashboard")

    await expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
    await expect(page.locator('[data-figure="open-tickets"]')).to_have_text("5")
    await expect(page.locator('[data-figure="breached"]')).to_have_text("2")
    charts = page.get_by_role("img")
    await expect(charts).to_have_count(4)
    await expect(page.get_by_role("img", name="Messages today by channel")).to_be_visible()
    await expect(page.get_by_role("img", name="Open tickets by status")).to_be_visible()
    box = await page.locator("#chart-volume-title").evaluate(
        "t => t.parentElement.getBoundingClientRect().width"
    )
    assert box > 200  # the SVG is laid out, not collapsed

    volume = page.locator("section", has=page.locator("#dash-volume"))
    await volume.get_by_text("Show the data as a table").click()
    await expect(volume.get_by_role("rowheader", name="Web chat (webchat)")).to_be_visible()
    await assert_accessible(page)
    await screenshot(page, "dashboard")

    await page.locator(".usermenu summary").click()
    await page.get_by_label("Theme").select_option("dark")
    await page.get_by_role("button", name="Save").click()
    await expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    await expect(page.get_by_role("img", name="Open tickets by status")).to_be_visible()
    await assert_accessible(page)
    await screenshot(page, "dashboard-dark")


async def test_the_dashboard_on_a_tablet(
    signed_in_page: Page, live_server: str, database: Database, tenant: Tenant
) -> None:
    page = signed_in_page
    await craft_messages(database, tenant.workspace_id)
    await page.set_viewport_size({"width": 1024, "height": 768})
    await page.goto(f"{live_server}/dashboard?days=7")

    await expect(page.get_by_label("Trend over")).to_have_value("7")
    overflow = await page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )
    assert not overflow  # nothing sideways
    await assert_accessible(page)
    await screenshot(page, "dashboard-tablet")
