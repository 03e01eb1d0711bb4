# ruff: noqa: RUF001 - Chinese and Russian text and punctuation, as visitors read them
"""The help center speaks the page's language: every word of its interface (titles, search,
built-in categories, the feedback form, dates, the language switcher, the 404 page) in zh and
ru, English for languages without translations, and ``<html lang>`` saying which."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime

import httpx
import pytest

from deskpilot.knowledge.service import BUILT_IN_CATEGORIES
from deskpilot.web.help_texts import LANGUAGES, TEXTS, format_date
from tests.factories import Tenant
from tests.knowledge.helpers import create_article

ARTICLES = {
    "en": ("Delivery times", "Parcels arrive in two days."),
    "zh": ("发货需要多长时间？", "标准配送需要三到五个工作日。"),
    "ru": ("Сроки доставки", "Посылки приходят за два дня."),
}
# What the old pages said in English, word for word: none of it may stay on a zh or ru page.
OLD_ENGLISH = (
    "help center",
    "Help center",
    "Search",
    "All",
    "FAQ",
    "Policies",
    "Languages",
    "Categories",
    "Results for",
    "Nothing found",
    "No articles yet",
    "Updated",
    "Was this article helpful?",
    "Yes",
    "No",
    "Anything we should add or fix?",
    "optional",
    "Send",
    "Thank you for your feedback",
    "Not found",
    "This page does not exist",
    "The article may have been moved",
)


def _english_words() -> set[str]:
    """Every piece of the English interface (placeholders cut out), except the language
    switcher's names of languages: each language is named in its own language there."""
    pieces = set(OLD_ENGLISH)
    for key, text in TEXTS["en"].items():
        if key.startswith("language.") or key == "date":
            continue
        for piece in re.split(r"\{[a-z_]+\}", text):
            if re.search(r"[A-Za-z]{2,}", piece):
                pieces.add(piece.strip(" “”"))
    return pieces


def _readable(page: str) -> str:
    """What a visitor reads or hears: the text, and the labels kept in attributes."""
    attributes = re.findall(r'(?:aria-label|title|placeholder)="([^"]*)"', page)
    text = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(" ".join([text, *attributes]))


def _english_left(page: str) -> list[str]:
    readable = _readable(page)
    return sorted(
        word
        for word in _english_words()
        if re.search(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", readable)
    )


async def _published(
    client: httpx.AsyncClient, tenant: Tenant, language: str, category: str = "faq"
) -> str:
    title, body = ARTICLES[language]
    article = await create_article(
        client, tenant, title=title, body=body, language=language, category=category
    )
    response = await client.post(
        f"/api/v1/kb/articles/{article['id']}/publish", headers=tenant.headers
    )
    assert response.status_code == 200, response.text
    return str(article["id"])


async def _three_languages(client: httpx.AsyncClient, tenant: Tenant) -> dict[str, str]:
    ids = {language: await _published(client, tenant, language) for language in ARTICLES}
    await _published(client, tenant, "zh", category="policies")
    await _published(client, tenant, "ru", category="policies")
    return ids


EXPECTED_HOME = {
    "zh": ("Acme 帮助中心", "搜索", "全部", "常见问题 (1)", "政策 (1)", 'aria-label="语言"'),
    "ru": (
        "Справочный центр Acme",
        "Поиск",
        "Найти",
        "Все",
        "Частые вопросы (1)",
        "Правила (1)",
        'aria-label="Языки"',
    ),
}


@pytest.mark.parametrize("language", ["zh", "ru"])
async def test_the_list_and_its_search_speak_the_page_language(
    client: httpx.AsyncClient, tenant: Tenant, language: str
) -> None:
    await _three_languages(client, tenant)

    home = await client.get(f"/help/{tenant.slug}", params={"lang": language})
    empty_search = await client.get(
        f"/help/{tenant.slug}", params={"lang": language, "q": "qqqxyz"}
    )
    narrowed = await client.get(
        f"/help/{tenant.slug}", params={"lang": language, "category": "policies"}
    )

    for page in (home, empty_search, narrowed):
        assert page.status_code == 200
        assert f'<html lang="{language}">' in page.text
        assert _english_left(page.text) == []
    for text in EXPECTED_HOME[language]:
        assert text in home.text
    assert TEXTS[language]["no_results"] in empty_search.text
    assert TEXTS[language]["results"].format(query="qqqxyz") in html.unescape(empty_search.text)
    # the language switcher names each language in its own language, with its name in the
    # page's language as the title
    english = TEXTS[language]["language.en"]
    assert f'hreflang="en" title="{english}"><span lang="en">English</span></a>' in home.text
    assert '<span lang="zh">中文</span>' in home.text
    assert '<span lang="ru">Русский</span>' in home.text


@pytest.mark.parametrize("language", ["zh", "ru"])
async def test_an_article_and_its_feedback_form_speak_the_article_language(
    client: httpx.AsyncClient, tenant: Tenant, language: str
) -> None:
    ids = await _three_languages(client, tenant)
    url = f"/help/{tenant.slug}/articles/{ids[language]}"

    page = await client.get(url)
    vote = await client.post(f"{url}/feedback", data={"helpful": "true"})
    thanks = await client.get(vote.headers["location"])

    t = TEXTS[language]
    assert page.status_code == 200
    assert f'<html lang="{language}">' in page.text
    for key in ("helpful", "yes", "no", "comment", "send"):
        assert t[key] in page.text
    assert t["heading"].format(name="Acme") in page.text
    today = format_date(datetime.now(UTC).date(), language)
    assert today in page.text
    assert t["updated"].split("{date}")[0] in page.text
    assert t["thanks"] in thanks.text
    assert _english_left(page.text) == []
    assert _english_left(thanks.text) == []


def test_dates_are_written_as_each_language_writes_them() -> None:
    day = date(2026, 11, 23)

    assert format_date(day, "en") == "November 23, 2026"
    assert format_date(day, "zh") == "2026年11月23日"
    assert format_date(day, "ru") == "23 ноября 2026 г."
    assert format_date(day, "de") == "November 23, 2026"


@pytest.mark.parametrize(
    ("params", "headers", "language"),
    [
        ({"lang": "zh"}, {}, "zh"),
        ({"lang": "ru"}, {}, "ru"),
        ({}, {"accept-language": "ru-RU,ru;q=0.9,en;q=0.5"}, "ru"),
        ({}, {"accept-language": "zh-CN"}, "zh"),
        ({"lang": "de"}, {}, "en"),
    ],
)
async def test_missing_pages_speak_the_request_language(
    client: httpx.AsyncClient,
    tenant: Tenant,
    params: dict[str, str],
    headers: dict[str, str],
    language: str,
) -> None:
    await _published(client, tenant, "zh")

    pages = [
        await client.get("/help/no-such-workspace", params=params, headers=headers),
        await client.get(
            f"/help/{tenant.slug}", params={**params, "category": "no"}, headers=headers
        ),
        await client.get(
            f"/help/{tenant.slug}/articles/no-such-article", params=params, headers=headers
        ),
    ]

    assert [p.status_code for p in pages] == [404, 404, 404]
    assert len({p.text for p in pages}) == 1  # still nothing about what exists
    t = TEXTS[language]
    assert f'<html lang="{language}">' in pages[0].text
    assert t["not_found.heading"] in pages[0].text
    assert t["not_found.body"] in pages[0].text
    if language != "en":
        assert _english_left(pages[0].text) == []


async def test_other_languages_get_the_english_interface_around_their_own_articles(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    article = await create_article(
        client, tenant, title="Lieferzeiten", body="Pakete kommen in zwei Tagen.", language="de"
    )
    await client.post(f"/api/v1/kb/articles/{article['id']}/publish", headers=tenant.headers)

    home = await client.get(f"/help/{tenant.slug}", params={"lang": "de"})
    page = await client.get(f"/help/{tenant.slug}/articles/{article['id']}")

    for response in (home, page):
        assert '<html lang="en">' in response.text
        assert "Acme help center" in response.text
    assert "FAQ (1)" in home.text
    assert '<ul class="articles" lang="de">' in home.text
    assert '<article lang="de">' in page.text
    assert "Was this article helpful?" in page.text


async def test_categories_a_workspace_names_keep_their_name(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    created = await client.post(
        "/api/v1/kb/categories",
        json={"slug": "returns", "name": "Возвраты и обмен"},
        headers=tenant.headers,
    )
    assert created.status_code == 201, created.text
    await _published(client, tenant, "zh", category="returns")

    home = await client.get(f"/help/{tenant.slug}", params={"lang": "zh"})

    assert "Возвраты и обмен (1)" in home.text


def test_every_language_has_every_word_and_every_built_in_category() -> None:
    keys = set(TEXTS["en"])
    for language in LANGUAGES:
        assert set(TEXTS[language]) == keys, language
    for slug, name in BUILT_IN_CATEGORIES.items():
        assert TEXTS["en"][f"category.{slug}"] == name
