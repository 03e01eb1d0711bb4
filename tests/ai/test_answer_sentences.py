# ruff: noqa: RUF001, RUF002 - Russian text, as articles write it
"""An answer is sentences of an article: a full stop after an abbreviation or before a word in
lower case ends none (a review saw "… после 30000 руб." cut off from "действуют 1 год")."""

from __future__ import annotations

import pytest

from deskpilot.ai.replies.compose import sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Бонусы: 5% после 30000 руб. действуют 1 год. Карты от 1000 руб.",
            ["Бонусы: 5% после 30000 руб. действуют 1 год.", "Карты от 1000 руб."],
        ),
        (
            "Мы в г. Москва, ул. Ленина, д. 5. Звоните нам!",
            ["Мы в г. Москва, ул. Ленина, д. 5.", "Звоните нам!"],
        ),
        (
            "Send it to P.O. Box 12. See e.g. the FAQ.",
            ["Send it to P.O. Box 12.", "See e.g. the FAQ."],
        ),
        ("Ships in 1 day. 2 days for express.", ["Ships in 1 day.", "2 days for express."]),
        ("下单后一天内发货。标准配送3-5天。", ["下单后一天内发货。", "标准配送3-5天。"]),
    ],
)
def test_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected
