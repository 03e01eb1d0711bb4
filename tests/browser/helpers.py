"""Helpers for the browser tests: where chromium is, how it starts, screenshots, signing in."""

from __future__ import annotations

import os
import re
from pathlib import Path

from playwright.async_api import Page, expect

from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"

# Debian's chromium; `playwright install` cannot download a browser on these machines.
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# The network is closed: without these chromium stalls on its background requests.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# BROWSER_HEADED=1 shows the window (needs a display: xvfb-run -a make ... or a desktop).
HEADED = os.environ.get("BROWSER_HEADED", "") not in ("", "0")
# BROWSER_SCRIPT_DELAY_MS=500 serves every script that late: a test that acts on a page before
# its scripts have run then fails every time instead of now and then.
SCRIPT_DELAY_MS = int(os.environ.get("BROWSER_SCRIPT_DELAY_MS", "0"))
# Milliseconds Playwright waits for a page, a locator or an expectation.
TIMEOUT_MS = 15_000


def launch_args() -> list[str]:
    return CHROMIUM_ARGS if HEADED else ["--headless", *CHROMIUM_ARGS]


async def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Save the page as ``var/screenshots/<name>.png`` (never committed) and return the path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=full_page)
    return path


async def scripts_ran(page: Page) -> None:
    """Wait until the page the browser went to has run its module scripts.

    A click that navigates (a link, or the console's reload after a save) returns before the new
    page's scripts have bound their handlers, and a click on a script-driven control in that
    window is lost. Module scripts run before the load event. Call this once something shows that
    the new page is there (its URL, or a text only the server renders after the change):
    ``goto`` and ``reload`` wait for the load event themselves.
    """
    await page.wait_for_load_state("load")


async def sign_in(page: Page, base_url: str, email: str, password: str = PASSWORD) -> None:
    """Sign in through the /login form and wait until the browser has left /login."""
    await page.goto(f"{base_url}/login")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).not_to_have_url(re.compile(r"/login(\?|$)"))
