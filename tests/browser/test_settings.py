"""The settings pages in a real browser: connect a web chat, tune the AI, create an API key."""

from __future__ import annotations

import re

import httpx
from playwright.async_api import Locator, Page, expect

from tests.ai.test_llm import use_fake_llm
from tests.browser.a11y import assert_accessible
from tests.browser.helpers import screenshot, scripts_ran
from tests.factories import Tenant
from tests.support.fakellm import FakeLLM, Reply


async def test_connect_a_web_chat_channel_and_copy_its_snippet(
    signed_in_page: Page, live_server: str
) -> None:
    page = signed_in_page
    await page.goto(f"{live_server}/settings/channels")
    await expect(page.get_by_role("heading", name="Channels", level=1)).to_be_visible()
    await assert_accessible(page)

    await page.get_by_label("Type", exact=True).select_option("webchat")
    await expect(page.get_by_label("Primary Colour")).to_have_value("#2563eb")
    await page.get_by_label("Primary Colour").fill("not a colour")
    await page.get_by_label("Name", exact=True).fill("Shop chat")
    await page.get_by_role("button", name="Connect", exact=True).click()
    error = page.locator('[data-error-for="config.primary_colour"]')
    await expect(error).to_be_visible()  # the API's field error, next to its field
    await expect(page.get_by_label("Primary Colour")).to_have_attribute("aria-invalid", "true")
    await assert_accessible(page)
    await screenshot(page, "settings-channels-error")

    await page.get_by_label("Primary Colour").fill("#0b57d0")
    await page.get_by_role("button", name="Connect", exact=True).click()
    await expect(page.locator("tr[data-channel-id]", has_text="Shop chat")).to_be_visible()
    await scripts_ran(page)
    snippet = page.get_by_label("Widget snippet for Shop chat")
    await expect(snippet).to_have_value(
        re.compile(r'^<script src="http://.+/widget\.js" data-key="')
    )
    await page.get_by_role("button", name="Copy").first.click()
    await expect(page.get_by_text("Copied.")).to_be_visible()
    await assert_accessible(page)
    await screenshot(page, "settings-channels")


async def test_change_an_ai_threshold_and_see_it_saved(
    signed_in_page: Page, live_server: str
) -> None:
    page = signed_in_page
    await page.goto(f"{live_server}/settings/ai")
    await assert_accessible(page)
    threshold = page.get_by_label("Hand-off confidence")
    await expect(threshold).to_have_value("0.45")
    await threshold.fill("1.5")
    await page.get_by_role("button", name="Save", exact=True).first.click()
    await expect(page.locator('[data-error-for="handoff_confidence"]')).to_be_visible()

    await threshold.fill("0.6")
    await page.get_by_role("button", name="Save", exact=True).first.click()
    await expect(page.get_by_text("Saved.")).to_be_visible()
    await page.reload()
    await expect(page.get_by_label("Hand-off confidence")).to_have_value("0.6")
    await screenshot(page, "settings-ai")


async def test_test_connection_says_what_each_model_answered(
    signed_in_page: Page, live_server: str, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    page = signed_in_page
    async with FakeLLM.running() as fake:
        await use_fake_llm(client, tenant, fake, embedding_model="fake-embed-1")
        fake.script(Reply.status(401), Reply.text("OK"))
        await page.goto(f"{live_server}/settings/ai")
        results = page.get_by_role("status").filter(has_text="model")

        await page.get_by_role("button", name="Test connection").click()
        await expect(results).to_contain_text("Chat model: failed (401): ")
        await expect(results).to_contain_text("scripted 401")
        await expect(results).to_contain_text(re.compile(r"Embedding model: works \(\d+ ms\)"))
        await assert_accessible(page)
        await screenshot(page, "settings-ai-check")

        await page.get_by_role("button", name="Test connection").click()
        await expect(results).to_contain_text(re.compile(r"Chat model: works \(\d+ ms\)"))
        assert len(fake.chat_requests) == 2


async def test_create_an_api_key_and_see_it_once(signed_in_page: Page, live_server: str) -> None:
    page = signed_in_page
    await page.goto(f"{live_server}/settings/keys")
    await assert_accessible(page)
    await page.get_by_label("Name").fill("Shop backend")
    await page.get_by_label("Role").select_option("agent")
    await page.get_by_role("button", name="Create key").click()

    secret = page.get_by_label("Secret")
    await expect(secret).to_have_value(re.compile(r"^dp_"))
    key = await secret.input_value()
    await assert_accessible(page)
    await screenshot(page, "settings-keys-created")
    await page.get_by_role("button", name="I have copied it").click()

    await expect(page.get_by_role("row", name=re.compile("Shop backend"))).to_be_visible()
    assert key not in await page.content()  # shown once: never again
    await expect(page.get_by_label("Secret")).to_be_hidden()


async def test_team_and_webhooks_pages_are_accessible_on_a_tablet(
    signed_in_page: Page, live_server: str
) -> None:
    page = signed_in_page
    await page.set_viewport_size({"width": 1024, "height": 768})
    await page.goto(f"{live_server}/settings/team")
    await assert_accessible(page)
    await screenshot(page, "settings-team-tablet")
    await page.goto(f"{live_server}/settings/webhooks")
    await assert_accessible(page)
    await page.get_by_label("Address (URL)").fill("https://example.com/hook")
    await page.get_by_role("button", name="Create webhook").click()
    await expect(page.get_by_label("Secret")).to_have_value(re.compile(r".{16,}"))
    await page.get_by_role("button", name="I have copied it").click()
    await expect(page.get_by_text("https://example.com/hook")).to_be_visible()
    await screenshot(page, "settings-webhooks")


async def test_settings_in_chinese_and_dark(signed_in_page: Page, live_server: str) -> None:
    page = signed_in_page
    await page.context.add_cookies(
        [{"name": "deskpilot_console", "value": "zh.dark.m", "url": live_server}]
    )
    await page.goto(f"{live_server}/settings/ai")
    await expect(page.get_by_role("heading", name="机器人如何工作")).to_be_visible()
    await assert_accessible(page)
    await screenshot(page, "settings-ai-zh-dark")


async def test_business_hours_and_an_sla_policy(signed_in_page: Page, live_server: str) -> None:
    page = signed_in_page
    await page.goto(f"{live_server}/settings/sla")
    await assert_accessible(page)
    await page.get_by_text("New business hours").click()
    calendar = page.locator("form[data-calendar-form]").last
    await calendar.get_by_label("Name").fill("Office")
    await calendar.get_by_label("Time zone").fill("Europe/Berlin")
    await calendar.get_by_label("Monday").fill("09:00-17:00, 18:00-08:00")
    await calendar.get_by_role("button", name="Create business hours").click()
    await expect(calendar.locator('[data-error-for="hours.mon"]')).to_be_visible()
    await calendar.get_by_label("Monday").fill("09:00-12:00, 13:00-17:00")
    await calendar.get_by_label("Holidays").fill("2026-12-25")
    await calendar.get_by_role("button", name="Create business hours").click()
    await expect(page.get_by_text("Office · Europe/Berlin")).to_be_visible()
    await scripts_ran(page)

    await page.get_by_text("New SLA policy").click()
    policy = page.locator('form[data-path="/api/v1/sla-policies"]')
    await policy.get_by_label("Name").fill("Urgent")
    await policy.get_by_label("Priority").select_option("urgent")
    await policy.get_by_label("First response within (minutes)").fill("30")
    await policy.get_by_label("Business hours").select_option(label="Office")
    await policy.get_by_role("button", name="Create policy").click()
    await expect(page.locator("summary", has_text="Urgent")).to_contain_text("Office")
    await assert_accessible(page)
    await screenshot(page, "settings-sla")


async def test_an_automation_rule_with_a_dry_run(signed_in_page: Page, live_server: str) -> None:
    page = signed_in_page
    await page.goto(f"{live_server}/settings/rules")
    form = page.locator('form[data-path="/api/v1/automation/rules"]')
    await form.get_by_label("Name").fill("Urgent to high")
    await form.get_by_role("button", name="Add condition").click()
    row = form.locator('[data-rows="conditions"] .rule-row').first
    await row.get_by_label("Field").select_option("ticket.priority")
    await row.get_by_label("Operator").select_option("eq")
    await row.get_by_label("Value").fill("urgent")
    action = form.locator('[data-rows="actions"] .rule-row').first
    await action.get_by_label("Action").select_option("add_labels")
    await action.get_by_label("labels").fill("vip, urgent")
    await form.get_by_role("button", name="Dry run").click()
    await expect(form.locator(".dry-run")).to_contain_text("Would match 0 of the 0")
    await assert_accessible(page)
    await form.get_by_role("button", name="Create rule").click()
    await expect(page.locator("summary", has_text="Urgent to high")).to_contain_text(
        "1 conditions, 1 actions"
    )
    await page.locator("summary", has_text="Urgent to high").click()
    saved = page.locator("form[data-rule-form]").first
    await expect(saved.get_by_label("Value")).to_have_value("urgent")
    await expect(saved.get_by_label("labels")).to_have_value("vip, urgent")
    await screenshot(page, "settings-rules")


async def test_a_macro_and_a_canned_response(signed_in_page: Page, live_server: str) -> None:
    page = signed_in_page
    await page.goto(f"{live_server}/settings/rules")
    await page.get_by_text("New macro").click()
    macro = page.locator('form[data-path="/api/v1/macros"]')
    await macro.get_by_label("Name").fill("Escalate")
    action = macro.locator(".rule-row").first
    await action.get_by_label("Action").select_option("set_priority")
    await action.get_by_label("value").fill("urgent")
    await macro.get_by_role("button", name="Create macro").click()
    await expect(page.locator("summary", has_text="Escalate")).to_contain_text("1 actions")
    await scripts_ran(page)

    await page.get_by_text("New canned response").click()
    canned = page.locator('form[data-path="/api/v1/canned-responses"]')
    await canned.get_by_label("Shortcut").fill("thanks")
    await canned.get_by_label("Title").fill("Thank you")
    await canned.get_by_label("Text").fill("Thank you for writing to us!")
    await canned.get_by_role("button", name="Create response").click()
    await expect(page.locator("summary", has_text="/thanks")).to_be_visible()
    await assert_accessible(page)


async def _new_member_form(page: Page, password: str) -> Locator:
    """The team page's "Add a member" form, opened and filled in for Mei."""
    await page.get_by_text("Add a member").click()
    form = page.locator('form[data-path="/api/v1/users"]')
    await form.get_by_label("Name").fill("Mei")
    await form.get_by_label("Email").fill("mei@acme.example.com")
    await form.get_by_label("Password").fill(password)
    return form


async def test_add_a_member_and_change_their_role(signed_in_page: Page, live_server: str) -> None:
    page = signed_in_page
    await page.goto(f"{live_server}/settings/team")
    form = await _new_member_form(page, "short")
    await form.get_by_role("button", name="Create member").click()
    await expect(form.locator('[data-error-for="password"]')).to_be_visible()
    await form.get_by_label("Password").fill("a long enough password")
    await form.get_by_role("button", name="Create member").click()

    role = page.get_by_label("Role of Mei")
    await expect(role).to_have_value("agent")
    await scripts_ran(page)
    # The "Saved." of the member's creation may still be on screen: the role's own is the newest.
    async with page.expect_response(lambda r: r.request.method == "PATCH") as patched:
        await role.select_option("admin")
    assert (await patched.value).ok
    await expect(page.locator("#toasts .toast").last).to_have_text("Saved.")
    await page.reload()
    await expect(page.get_by_label("Role of Mei")).to_have_value("admin")
    await assert_accessible(page)
    await screenshot(page, "settings-team")


async def test_a_member_form_sent_before_its_script_runs_keeps_the_password_out_of_the_url(
    signed_in_page: Page, live_server: str
) -> None:
    """The page's script never arrives (a slow or broken connection) and the form is sent by
    the browser itself: as a POST the server refuses, never as a GET with the password in the
    address, the history and the access log."""
    page = signed_in_page
    await page.route("**/static/console/settings*.js", lambda route: route.abort())
    await page.goto(f"{live_server}/settings/team")
    form = await _new_member_form(page, "a secret passphrase")
    async with page.expect_navigation() as navigation:
        await form.get_by_role("button", name="Create member").click()
    response = await navigation.value
    assert response is not None
    assert response.request.method == "POST"
    assert response.status == 405
    assert page.url == f"{live_server}/settings/team"
    # a page that says what happened, not the API's JSON
    await expect(page.get_by_role("heading", name="The form was not sent")).to_be_visible()
    await page.get_by_role("link", name="Back").click()
    await expect(page.get_by_role("heading", name="Members")).to_be_visible()
