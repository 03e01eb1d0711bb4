"""The Customer 360 in a real browser: orders and segments, then merge and unmerge."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from deskpilot.kit.clock import utcnow
from deskpilot.kit.deps import Resources
from deskpilot.models import Segment, SegmentMembership
from tests.browser.a11y import assert_accessible
from tests.browser.helpers import screenshot
from tests.customers.support360 import api_channel, profile
from tests.factories import Tenant


async def _in_segment(resources: Resources, tenant: Tenant, customer_id: str, name: str) -> None:
    async with resources.database.transaction() as session:
        segment = Segment(workspace_id=tenant.workspace_id, name=name)
        session.add(segment)
        await session.flush()
        session.add(
            SegmentMembership(
                workspace_id=tenant.workspace_id,
                segment_id=segment.id,
                customer_id=customer_id,
                since=utcnow(),
            )
        )


async def test_the_360_shows_orders_and_segments_and_merges_then_unmerges(
    signed_in_page: Page, live_server: str, resources: Resources, tenant: Tenant
) -> None:
    page = signed_in_page
    channel_id = await api_channel(resources, tenant)
    ada = await profile(
        resources,
        tenant,
        "ada",
        email="ada@example.org",
        name="Ada Lovelace",
        orders=2,
        channel_id=channel_id,
    )
    await profile(
        resources, tenant, "ada-dup", name="Countess Lovelace", orders=1, channel_id=channel_id
    )
    await _in_segment(resources, tenant, ada, "Big spenders")

    await page.goto(f"{live_server}/customers/{ada}")
    sidebar = page.locator("#customer-360")
    orders = sidebar.get_by_role("region", name="Recent orders")
    await expect(orders.get_by_role("cell", name="ada-o0")).to_be_visible()
    await expect(orders.get_by_role("cell", name="ada-o1")).to_be_visible()
    await expect(sidebar.get_by_role("region", name="Segments")).to_contain_text("Big spenders")
    await expect(sidebar.get_by_role("region", name="Identities")).to_contain_text(
        "ada@example.org"
    )
    await expect(sidebar.get_by_role("region", name="Timeline")).to_contain_text("Order")
    await assert_accessible(page)
    await screenshot(page, "customer-360")

    # merge the duplicate in: search, choose, confirm
    merge = sidebar.get_by_role("region", name="Merge another profile into this one")
    await merge.get_by_label("Find the other profile").fill("Countess")
    await merge.get_by_role("button", name="Search").click()
    await merge.get_by_role("button", name="Merge into this profile…").click()
    await expect(merge.get_by_role("group", name="Confirm the merge")).to_contain_text(
        "Merge Countess Lovelace into Ada Lovelace?"
    )
    await merge.get_by_role("button", name="Merge", exact=True).click()
    await expect(page.locator("#toasts")).to_contain_text("Profiles merged.")
    history = sidebar.get_by_role("region", name="Merge history")
    await expect(history.get_by_role("button", name="Unmerge")).to_be_visible()
    await expect(orders.get_by_role("cell", name="ada-dup-o0")).to_be_visible()
    await assert_accessible(page)
    await screenshot(page, "customer-360-merged")

    await history.get_by_role("button", name="Unmerge").click()
    await expect(page.locator("#toasts")).to_contain_text("Unmerged")
    await expect(history).to_contain_text("No merges into this profile.")
    await expect(orders.get_by_role("cell", name="ada-dup-o0")).to_have_count(0)


async def test_the_customer_list_searches_and_opens_a_customer_in_chinese(
    signed_in_page: Page, live_server: str, resources: Resources, tenant: Tenant
) -> None:
    page = signed_in_page
    channel_id = await api_channel(resources, tenant)
    await profile(resources, tenant, "li", name="李雷", channel_id=channel_id)
    await profile(resources, tenant, "han", name="韩梅梅", channel_id=channel_id)
    await page.context.add_cookies(
        [{"name": "deskpilot_console", "value": "zh.dark.m", "url": live_server}]
    )

    await page.goto(f"{live_server}/customers")
    await page.get_by_label("按姓名、邮箱或电话搜索").fill("李")
    await page.get_by_role("button", name="搜索").click()
    await expect(page).to_have_url(re.compile(r"/customers\?q="))
    await expect(page.get_by_role("link", name="韩梅梅")).to_have_count(0)
    await assert_accessible(page)
    await screenshot(page, "customers-zh-dark")
    await page.get_by_role("link", name="李雷").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("李雷")
    await expect(
        page.locator("#customer-360").get_by_role("region", name="最近订单")
    ).to_be_visible()
    await assert_accessible(page)
