"""Signing in, in a real browser."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.browser.a11y import assert_accessible, assert_focus_visible, focus_order
from tests.browser.helpers import screenshot, sign_in
from tests.factories import Tenant


async def test_the_login_page_is_accessible(page: Page, live_server: str) -> None:
    await page.goto(f"{live_server}/login")

    await expect(page.get_by_role("heading", level=1)).to_be_visible()
    await assert_accessible(page)
    await assert_focus_visible(page)
    assert [element for element, _ in await focus_order(page)] == [
        'input#email "Email"',
        'input#password "Password"',
        'button "Sign in"',
    ]
    await screenshot(page, "login")


async def test_a_wrong_password_shows_the_error(
    page: Page, live_server: str, tenant: Tenant
) -> None:
    await page.goto(f"{live_server}/login")
    await page.get_by_label("Email").fill(tenant.owner_email)
    await page.get_by_label("Password").fill("not the password")
    await page.get_by_role("button", name="Sign in").click()

    await expect(page.get_by_role("alert")).to_be_visible()
    await expect(page).to_have_url(re.compile(r"/login(\?.*)?$"))
    await expect(page.get_by_label("Email")).to_have_value(tenant.owner_email)
    await assert_accessible(page)
    await screenshot(page, "login-error")


async def test_signing_in_leaves_the_login_page(
    page: Page, live_server: str, tenant: Tenant
) -> None:
    await sign_in(page, live_server, tenant.owner_email)

    assert page.url.startswith(f"{live_server}/"), page.url
    assert "/login" not in page.url
    path = await screenshot(page, "console-after-login")
    assert path.stat().st_size > 0


async def test_the_console_without_a_session_goes_to_login(page: Page, live_server: str) -> None:
    await page.goto(f"{live_server}/")

    await expect(page).to_have_url(re.compile(rf"^{re.escape(live_server)}/login(\?.*)?$"))
    await expect(page.get_by_label("Password")).to_be_visible()


async def test_the_signed_in_fixture_keeps_the_session(
    signed_in_page: Page, live_server: str
) -> None:
    await signed_in_page.goto(f"{live_server}/")

    await expect(signed_in_page).not_to_have_url(re.compile(r"/login"))
