# ruff: noqa: RUF001, RUF002 - Chinese text and punctuation, as customers write them
"""Emails and order numbers are written alike in every language: they count for neither when
a message decides whether the conversation keeps its language; nor does a yes of one word."""

from __future__ import annotations

from typing import Any

import pytest

from deskpilot.ai.understanding.annotate import _NOT_WORDS, _built_in_russian
from deskpilot.kit.language import speaks_on_in
from tests.ai.actions.shop import Shop


def test_emails_and_order_numbers_do_not_count_for_either_language() -> None:
    zh = _NOT_WORDS.sub(" ", "我叫 Isabella Santos, email isabella.santos@example.com")
    ru = _NOT_WORDS.sub(" ", "Пожалуйста, отмените заказ #W1234567, мой email ivan@example.com")

    assert speaks_on_in(zh, "zh", "en")
    assert not speaks_on_in(ru, "en", "ru")


@pytest.mark.parametrize(
    ("request_text", "yes", "done"),
    [
        ("cancel order #W0000001 because I ordered it by mistake", "да", "is cancelled"),
        ("请取消订单 #W0000001，不小心买错了", "Yes", "已取消"),
    ],
)
async def test_a_yes_in_another_language_is_answered_in_the_conversations(
    shop: Shop, customer: Any, request_text: str, yes: str, done: str
) -> None:
    noah = customer("noah", "noah.brown@example.com")
    await noah.say(request_text)

    answered = await noah.say(yes)

    assert done in answered[-1]["text"]


async def test_a_short_request_in_another_language_switches_it(shop: Shop, customer: Any) -> None:
    noah = customer("noah", "noah.brown@example.com")
    await noah.say("Hello")

    answered = await noah.say("我要退货")

    newest = (await noah.runs())[0]
    assert newest["language"] == "zh", answered[-1]["text"]


def test_an_order_number_written_against_chinese_takes_none_of_it_along() -> None:
    assert _NOT_WORDS.sub(" ", "#W3000001的收货地址改一下").strip() == "的收货地址改一下"
    assert _NOT_WORDS.sub(" ", "#W3000001和#W3000002分别到哪了？").split() == ["和", "分别到哪了？"]


def test_an_email_written_against_chinese_takes_none_of_it_along() -> None:
    """A review saw "…他的邮箱是li.wei@example.com，不需要了" answered in English: the email
    pattern took the whole message, so nothing was left to detect."""
    text = "我朋友让我帮他取消订单，他的邮箱是li.wei@example.com，不需要了"
    assert _NOT_WORDS.sub(" ", text).split() == ["我朋友让我帮他取消订单，他的邮箱是", "，不需要了"]
    assert _NOT_WORDS.sub(" ", "看这个https://x.com/a，谢谢").split() == ["看这个", "，谢谢"]


@pytest.mark.parametrize("previous", [None, "Hello"])
async def test_russian_grammar_around_english_words_is_russian(
    shop: Shop, customer: Any, previous: str | None
) -> None:
    """Two English nouns have more letters than "где мой … уже", and lingua read the message
    as English; its function words are Russian, and so is the customer."""
    noah = customer("noah", "noah.brown@example.com")
    if previous:
        await noah.say(previous)

    answered = await noah.say("где мой order #W0000002, уже shipped?")

    newest = (await noah.runs())[0]
    assert newest["language"] == "ru", answered[-1]["text"]


@pytest.mark.parametrize(
    "text", ["Hello, I ordered a самовар", "please send it to Иван Петров, ул. Ленина 5, Москва"]
)
def test_russian_words_in_english_grammar_stay_english(text: str) -> None:
    assert not _built_in_russian(_NOT_WORDS.sub(" ", text))


def test_an_order_number_with_a_dash_after_its_letters_is_no_word() -> None:
    """A tester's Chinese conversation got "Order #VH-52002 is processed" in English for a bare
    "VH-52002": its letters were read as an English word."""
    assert _NOT_WORDS.sub(" ", "VH-52002").strip() == ""
    assert _NOT_WORDS.sub(" ", "#HL-9301的地址改一下").strip() == "的地址改一下"
    assert _NOT_WORDS.sub(" ", "Wi-Fi 6").split() == ["Wi-Fi"]
