"""A diff between two versions that differ only in line endings or invisible characters still
shows the difference (it is empty only when the texts are identical)."""

from __future__ import annotations

import httpx
import pytest

from deskpilot.knowledge.diffing import unified_diff
from deskpilot.models.knowledge import ArticleVersion
from tests.factories import Tenant
from tests.knowledge.helpers import create_article


@pytest.mark.parametrize(
    ("body", "shown"),
    [
        ("line one\nline two\n", ["+"]),  # a trailing newline: one more (empty) line
        ("line one\r\nline two", ["-line one", "+line one<CR>"]),
        ("line one\r\nline two\r\n", ["+line one<CR>", "+line two<CR>"]),
        ("line one\u2028line two", ["-line two", "+line one<U+2028>line two"]),
        ("line one\nline\u200b two", ["+line<U+200B> two"]),
    ],
)
async def test_line_endings_and_invisible_characters_show_in_the_diff(
    client: httpx.AsyncClient, tenant: Tenant, body: str, shown: list[str]
) -> None:
    article = await create_article(client, tenant, title="Diff test", body="line one\nline two")
    url = f"/api/v1/kb/articles/{article['id']}"

    edited = await client.patch(url, json={"body": body}, headers=tenant.headers)
    diff = await client.get(url + "/diff", params={"from": 1, "to": 2}, headers=tenant.headers)

    assert edited.json()["current_version"] == 2
    assert edited.json()["body"] == body  # stored as sent
    text = diff.json()["diff"]
    assert text.startswith("--- v1\n+++ v2\n")
    lines = text.split("\n")
    for line in shown:
        assert line in lines
    assert "\r" not in text
    assert "\u2028" not in text


def _version(number: int, body: str) -> ArticleVersion:
    return ArticleVersion(number=number, title="T", body=body)


def test_equal_texts_have_an_empty_diff_and_lookalikes_still_differ() -> None:
    assert unified_diff(_version(1, "a\r\nb"), _version(2, "a\r\nb")) == ""
    plain = unified_diff(_version(1, "a\nb"), _version(2, "a\nc"))
    assert "-b\n+c\n" in plain
    lookalike = unified_diff(_version(1, "a\r"), _version(2, "a<CR>"))
    assert lookalike.startswith("--- v1\n+++ v2\n")
    assert "invisible characters" in lookalike
