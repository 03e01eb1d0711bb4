# ruff: noqa: RUF001 - Chinese and Russian text, as customers write it
"""A customer who asks the bot to write in another language gets that language, from then on:
what the bot waited for is asked again in it, the plan restated."""

from __future__ import annotations

from typing import Any

import pytest

from deskpilot.ai.understanding.language_request import asked_language, only_asks_for_language
from tests.ai.actions.shop import Shop

ENABLED = ("en", "zh", "ru")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Sorry, can you answer in English?", "en"),
        ("please write to me in Russian", "ru"),
        ("English please", "en"),
        ("по-английски, пожалуйста", "en"),
        ("можно по-русски?", "ru"),
        ("Отвечайте на английском", "en"),
        ("可以用英文回复吗", "en"),
        ("我看不懂，能说中文吗", "zh"),
    ],
)
def test_a_request_for_a_language_names_it(text: str, code: str) -> None:
    assert asked_language(text, ENABLED) == code
    assert only_asks_for_language(text)


@pytest.mark.parametrize(
    "text",
    [
        "Is the manual in English?",
        "есть ли инструкция на русском?",
        "I ordered the Russian edition",
        "can you write the address in Chinese",
    ],
)
def test_a_language_named_in_passing_is_no_request(text: str) -> None:
    assert asked_language(text, ENABLED) is None


@pytest.mark.parametrize(
    "text",
    [
        "in English please: where is my order?",  # answered in the language it is written in
        "Инструкция пришла на китайском, пожалуйста, верните деньги за заказ #W4000003",
        "не пишите по-английски",
        "Please don't reply in Russian",
        "Do you have the manual for the yoga mat in Russian please?",
        "说明书用英文写的吗",
        "我不说英语",
    ],
)
def test_a_request_beside_something_else_or_refused_switches_nothing(text: str) -> None:
    """A review saw a refund planned in Chinese for "…пришла на китайском, пожалуйста, верните
    деньги", and "не пишите по-английски" answered "Of course, I'll write in English"."""
    assert asked_language(text, ENABLED) is None


def test_only_an_enabled_language_is_asked_for() -> None:
    assert asked_language("can you answer in Chinese?", ("en", "ru")) is None


async def test_the_plan_is_restated_in_the_language_asked_for_and_stays_in_it(
    shop: Shop, customer: Any
) -> None:
    noah = customer("noah", "noah.brown@example.com")
    await noah.say("Отмените заказ #W0000001, он больше не нужен")

    restated = await noah.say("can you write in English please?")
    done = await noah.say("да")

    assert "cancel order #W0000001" in restated[-1]["text"]
    assert "(yes / no)" in restated[-1]["text"]
    assert "is cancelled" in done[-1]["text"]


async def test_a_request_for_russian_in_an_english_conversation_is_answered_in_russian(
    shop: Shop, customer: Any
) -> None:
    noah = customer("noah", "noah.brown@example.com")
    await noah.say("Hello")

    answered = await noah.say("можно по-английски? нет, по-русски пожалуйста")

    assert "Чем могу помочь" in answered[-1]["text"], answered[-1]["text"]
