"""The project's accessibility check finds what it promises to, and nothing on a clean page."""

from __future__ import annotations

import pytest
from playwright.async_api import Page

from tests.browser.a11y import (
    accessibility_problems,
    assert_accessible,
    assert_focus_visible,
    focus_order,
)

CLEAN = """<!doctype html><html lang="en"><head><title>ok</title></head>
<body style="background:#fff;color:#222">
<main>
  <h1>Fine</h1>
  <img src="data:," alt="">
  <label for="q">Search</label><input id="q">
  <input aria-label="Other">
  <span id="n">Notes</span><textarea aria-labelledby="n"></textarea>
  <button><img src="data:," alt="Close"></button>
  <a href="/x" title="Home"></a>
  <input type="submit">
  <div style="background:rgba(0,0,0,0.9)"><p style="color:#fff">light on dark</p></div>
  <p style="color:oklch(45% 0 0)">any colour syntax</p>
  <p style="display:none;color:#eee">hidden text is not checked</p>
  <div aria-hidden="true"><button></button></div>
  <p style="color:#fff;background-image:linear-gradient(#000,#000)">over an image: skipped</p>
</main></body></html>"""

BROKEN = """<!doctype html><html><head><title>bad</title></head>
<body style="background:#fff">
  <img src="data:,">
  <input id="a" name="query">
  <select id="a"></select>
  <button class="icon"></button>
  <a href="/nowhere"></a>
  <div tabindex="3">first</div>
  <p style="color:#aaa">pale text</p>
  <h2 style="color:#999;font-size:32px">large pale text passes 3:1? no</h2>
  <h2 style="color:#888;font-size:32px">large text at 3.5:1 passes</h2>
  <div style="background:#1f5fbf"><span style="color:#333">dark on blue</span></div>
</body></html>"""


async def test_a_clean_page_has_no_problems(page: Page) -> None:
    await page.set_content(CLEAN)

    assert await accessibility_problems(page) == []


async def test_every_kind_of_problem_is_reported(page: Page) -> None:
    await page.set_content(BROKEN)

    problems = "\n".join(await accessibility_problems(page))

    for expected in (
        "<html> has no lang attribute",
        "no <main> landmark",
        'duplicate id "a" (2 elements)',
        "positive tabindex 3",
        "image without alt text: img",
        "form control without a label: input#a",
        "form control without a label: select#a",
        "button without a name: button.icon",
        "link without a name: a",
        'p "pale text"',
        'h2 "large pale text',
        'span "dark on blue"',
    ):
        assert expected in problems, f"{expected!r} not in:\n{problems}"
    assert "large text at 3.5:1" not in problems


async def test_the_assertion_lists_the_problems(page: Page) -> None:
    await page.set_content(BROKEN)

    with pytest.raises(AssertionError, match=r"accessibility problem\(s\)[\s\S]*- no <main>"):
        await assert_accessible(page)
    await assert_accessible(page, ignore=["", "never matches"])  # "" ignores every line


FOCUS = """<!doctype html><html lang="en"><head><style>
button:focus-visible { outline: 3px solid #f5a623; }
#bare:focus { outline: none; }
</style></head><body><main>
<button id="one">One</button><a href="#x" id="bare">Bare</a><button id="two">Two</button>
</main></body></html>"""


async def test_focus_order_and_visible_focus(page: Page) -> None:
    await page.set_content(FOCUS)

    order = await focus_order(page)

    assert order == [
        ('button#one "One"', True),
        ('a#bare "Bare"', False),
        ('button#two "Two"', True),
    ]
    with pytest.raises(AssertionError, match='no visible focus: a#bare "Bare"'):
        await assert_focus_visible(page)
