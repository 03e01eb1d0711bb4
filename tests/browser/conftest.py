"""Browser fixtures: the app on a loopback port, Debian's chromium driven by Playwright.

The browser starts once per test run; each test gets a fresh context (no cookies) and page.
Without chromium (a developer machine without apt-get) the tests skip and say why; under CI
(``CI`` set) a missing chromium is an error, since ``make test`` installs it.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI
from playwright.async_api import Browser, Page, Playwright, Route, async_playwright, expect

from tests.browser.helpers import (
    CHROMIUM,
    HEADED,
    SCRIPT_DELAY_MS,
    TIMEOUT_MS,
    launch_args,
    sign_in,
)
from tests.factories import Tenant
from tests.support.servers import serve_app

expect.set_options(timeout=TIMEOUT_MS)


def _chromium_missing() -> str | None:
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return None
    return f"{CHROMIUM} is missing: `make test` installs Debian's chromium (as root with apt)"


@pytest.fixture(scope="session")
async def playwright() -> AsyncIterator[Playwright]:
    missing = _chromium_missing()
    if missing is not None:
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)
    async with async_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
async def browser(playwright: Playwright) -> AsyncIterator[Browser]:
    launched = await playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=not HEADED, args=launch_args()
    )
    yield launched
    await launched.close()


@pytest.fixture
async def live_server(app: FastAPI) -> AsyncIterator[str]:
    """The test app under uvicorn on loopback; its base URL (``http://127.0.0.1:PORT``)."""
    async with serve_app(app) as address:
        yield f"http://{address}"


async def _late(route: Route) -> None:
    await asyncio.sleep(SCRIPT_DELAY_MS / 1000)
    await route.continue_()


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(
        locale="en-US", viewport={"width": 1280, "height": 800}, timezone_id="UTC"
    )
    context.set_default_timeout(TIMEOUT_MS)
    if SCRIPT_DELAY_MS:
        await context.route("**/static/**/*.js", _late)
    opened = await context.new_page()
    yield opened
    await context.close()


@pytest.fixture
async def signed_in_page(page: Page, live_server: str, tenant: Tenant) -> Page:
    """A page whose browser signed in through /login as the owner of ``tenant``."""
    await sign_in(page, live_server, tenant.owner_email)
    return page
