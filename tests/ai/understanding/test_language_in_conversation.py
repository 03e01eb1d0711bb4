"""Emails and order numbers are written alike in every language: they count for neither when
a message decides whether the conversation keeps its language."""

from __future__ import annotations

from deskpilot.ai.understanding.annotate import _NOT_WORDS
from deskpilot.kit.language import speaks_on_in


def test_emails_and_order_numbers_do_not_count_for_either_language() -> None:
    zh = _NOT_WORDS.sub(" ", "我叫 Isabella Santos, email isabella.santos@example.com")
    ru = _NOT_WORDS.sub(" ", "Пожалуйста, отмените заказ #W1234567, мой email ivan@example.com")

    assert speaks_on_in(zh, "zh", "en")
    assert not speaks_on_in(ru, "en", "ru")
