"""Tickets in a real browser: the list, the ticket page's SLA clock, changing the status,
commenting, and the ticket panel of a conversation (create a ticket when there is none)."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.async_api import Page, expect

from deskpilot.kit.clock import utcnow
from deskpilot.kit.deps import Resources
from deskpilot.models import Priority, Ticket
from tests.browser.a11y import assert_accessible
from tests.browser.helpers import screenshot
from tests.customers.support360 import profile
from tests.factories import Tenant
from tests.tickets.helpers import new_ticket
from tests.web.test_customer_pages import _conversation_of


async def _ticket_with_sla(resources: Resources, tenant: Tenant) -> str:
    view = await new_ticket(
        resources.database,
        resources.bus,
        tenant.workspace_id,
        "Parcel lost in transit",
        description="Ordered a week ago; tracking has not moved since Monday.",
        priority=Priority.HIGH,
        assignee_id=tenant.owner_id,
    )
    now = utcnow()
    async with resources.database.transaction() as session:
        ticket = await session.get(Ticket, view.ticket.id)
        assert ticket is not None
        ticket.first_response_due_at = now + timedelta(hours=2, minutes=13, seconds=40)
        ticket.resolution_due_at = now - timedelta(minutes=10, seconds=5)
    return view.ticket.id


async def test_the_ticket_page_counts_down_the_sla_and_changes_status(
    signed_in_page: Page, live_server: str, resources: Resources, tenant: Tenant
) -> None:
    page = signed_in_page
    ticket_id = await _ticket_with_sla(resources, tenant)
    await new_ticket(resources.database, resources.bus, tenant.workspace_id, "Refund question")

    await page.goto(f"{live_server}/tickets")
    await expect(page.get_by_role("link", name="DP-000001")).to_be_visible()
    await expect(page.locator("#ticket-list time.sla-clock").first).to_have_text(
        re.compile(r"2 h 1[23] min left")
    )
    await assert_accessible(page)
    await screenshot(page, "tickets")

    await page.get_by_role("link", name="DP-000001").click()
    await expect(page).to_have_url(f"{live_server}/tickets/{ticket_id}")
    panel = page.locator("#ticket-panel")
    first, resolution = (
        panel.locator("time.sla-clock").nth(0),
        panel.locator("time.sla-clock").nth(1),
    )
    await expect(first).to_have_text(re.compile(r"^2 h 1[23] min left$"))
    await expect(resolution).to_have_text(re.compile(r"^breached 10 min ago$"))
    await expect(resolution).to_have_attribute("data-state", "breached")
    # it counts down each second (under a minute the seconds show)
    await page.evaluate(
        """() => {
          const clock = document.querySelector('#ticket-panel time.sla-clock');
          clock.dataset.due = new Date(Date.now() + 30500).toISOString();
        }"""
    )
    await expect(first).to_have_text(re.compile(r"^(30|29|28) s left$"))
    await expect(first).to_have_text(re.compile(r"^(27|26|25) s left$"), timeout=6000)
    await assert_accessible(page)
    await screenshot(page, "ticket")

    await panel.get_by_label("Status").select_option("pending_customer")
    await expect(page.locator("#toasts")).to_contain_text("Saved.")
    await expect(panel.locator("time.sla-clock").first).to_have_text(
        re.compile(r"^paused while waiting for the customer")
    )
    await panel.get_by_label("Comment").fill("Asked the customer for the tracking number.")
    await panel.get_by_role("button", name="Add comment").click()
    await expect(page.locator("#ticket-history-list")).to_contain_text(
        "Asked the customer for the tracking number."
    )
    await page.reload()
    await expect(page.locator("#ticket-panel").get_by_label("Status")).to_have_value(
        "pending_customer"
    )
    await expect(page.locator("#ticket-history-list")).to_contain_text("tracking number")

    await page.set_viewport_size({"width": 1024, "height": 768})
    await screenshot(page, "ticket-tablet", full_page=False)


async def test_the_ticket_panel_creates_the_conversations_ticket(
    signed_in_page: Page, live_server: str, resources: Resources, tenant: Tenant
) -> None:
    page = signed_in_page
    customer_id = await profile(resources, tenant, "ada", name="Ada")
    conversation_id = await _conversation_of(resources, customer_id)

    await page.goto(f"{live_server}/tickets")
    await page.evaluate(
        """async (conversationId) => {
          const { mountTicketPanel } = await import('/static/console/ticket_panel.js');
          const aside = document.createElement('aside');
          aside.id = 'panel-under-test';
          aside.setAttribute('aria-label', 'Ticket panel');
          document.querySelector('main').append(aside);
          await mountTicketPanel(aside, conversationId);
        }""",
        conversation_id,
    )
    panel = page.locator("#panel-under-test")
    await expect(panel).to_contain_text("No ticket for this conversation.")
    await panel.get_by_role("button", name="Create ticket").click()
    await expect(page.locator("#toasts")).to_contain_text("Ticket DP-000001 created.")
    await expect(panel.get_by_role("link", name="DP-000001")).to_be_visible()
    await panel.get_by_label("Priority").select_option("urgent")
    await expect(page.locator("#toasts")).to_contain_text("Saved.")
    await assert_accessible(page)
    await screenshot(page, "ticket-panel")
