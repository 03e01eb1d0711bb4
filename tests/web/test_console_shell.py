"""The console's frame: who may see it, the agent's language/theme/size, the words catalog."""

from __future__ import annotations

import httpx

from deskpilot.kit.db import Database
from deskpilot.models import Role
from deskpilot.web.console.i18n import LANGUAGES, catalog
from tests.auth import sign_in
from tests.factories import PASSWORD, Tenant, create_member

PREFERENCES_COOKIE = "deskpilot_console"


def test_every_word_of_the_console_exists_in_every_language() -> None:
    words = catalog()
    english = set(words["en"])
    assert english
    for language in LANGUAGES:
        assert set(words[language]) == english, language
        for key, text in words[language].items():
            assert text.strip(), (language, key)


async def test_strangers_and_api_keys_are_sent_to_sign_in_and_come_back_after(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    stranger = await client.get("/inbox")
    assert stranger.status_code == 303
    assert stranger.headers["location"] == "/login?next=%2Finbox"
    with_key = await client.get("/inbox", headers=tenant.headers)
    assert with_key.status_code == 303  # an API key is not someone looking at a page
    login = await client.get("/login", params={"next": "/inbox"})
    assert 'name="next" value="/inbox"' in login.text
    evil = await client.get("/login", params={"next": "//evil.example.com/"})
    assert 'name="next" value="/"' in evil.text


async def test_a_viewer_cannot_open_the_inbox(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    await create_member(database, tenant.workspace_id, "viewer@acme.example.com", Role.VIEWER)
    await sign_in(client, "viewer@acme.example.com")
    page = await client.get("/inbox")
    assert page.status_code == 403
    assert "Your role cannot open this page." in page.text
    assert 'href="/inbox"' not in page.text  # the menu offers only what the role may open


async def test_the_agent_chooses_language_theme_and_text_size(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    csrf = await sign_in(client, tenant.owner_email)
    forged = await client.post(
        "/preferences",
        data={"csrf_token": "forged", "language": "zh", "theme": "dark", "font": "l"},
    )
    assert forged.status_code == 403
    saved = await client.post(
        "/preferences",
        data={
            "csrf_token": csrf,
            "language": "zh",
            "theme": "dark",
            "font": "l",
            "back": "https://evil.example.com/",
        },
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == "/"
    assert client.cookies[PREFERENCES_COOKIE] == "zh.dark.l"
    page = await client.get("/inbox")
    assert '<html lang="zh" data-theme="dark" data-font="l">' in page.text
    assert "收件箱" in page.text
    client.cookies.set(PREFERENCES_COOKIE, "xx.<script>.9")
    fallback = await client.get("/inbox", headers={"Accept-Language": "ru-RU,ru;q=0.9"})
    assert '<html lang="ru" data-theme="system" data-font="m">' in fallback.text


async def test_a_member_changes_their_password_in_the_console(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    csrf = await sign_in(client, tenant.owner_email)
    page = await client.get("/account")
    assert page.status_code == 200
    assert 'autocomplete="current-password"' in page.text
    form = {"csrf_token": csrf, "current_password": PASSWORD}
    wrong = await client.post(
        "/account/password",
        data=form
        | {
            "current_password": "nope",
            "new_password": "a new secret",
            "repeat_password": "a new secret",
        },
    )
    assert wrong.status_code == 422
    assert "The current password is not right." in wrong.text
    differ = await client.post(
        "/account/password",
        data=form | {"new_password": "a new secret", "repeat_password": "another one"},
    )
    assert "The two new passwords differ." in differ.text
    changed = await client.post(
        "/account/password",
        data=form | {"new_password": "a new secret", "repeat_password": "a new secret"},
    )
    assert changed.status_code == 200
    assert "Your password is changed." in changed.text
    assert (await client.get("/inbox")).status_code == 200  # this session stays signed in
    await sign_in(client, tenant.owner_email, "a new secret")
