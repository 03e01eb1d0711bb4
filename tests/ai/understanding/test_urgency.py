# ruff: noqa: RUF001 - Chinese and Russian text and punctuation, as customers write them
"""Urgency from cue words, sentiment and threats."""

from __future__ import annotations

import pytest

from deskpilot.ai.understanding.urgency import UrgencyLevel, assess_urgency, health_emergency


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Where is my order?", "normal"),
        ("Do you ship to Canada?", "normal"),
        ("No rush, just curious about the sizes.", "low"),
        ("This is not urgent, could you check my invoice when you have time?", "low"),
        ("不急，有空再回复就行", "low"),
        ("Не срочно, ответьте когда будет время", "low"),
        ("I need the replacement asap please", "high"),
        ("请尽快处理我的订单", "high"),
        ("Срочно нужна помощь с заказом", "high"),
        ("I was charged twice for order #W1234567", "high"),
        ("I will take you to court over this", "high"),
        ("我要去消协投诉你们", "high"),
        ("URGENT: I was charged twice!!", "urgent"),
        ("紧急！我的订单被扣了两次钱", "urgent"),
        ("Срочно! С меня дважды списали деньги", "urgent"),
        ("The charger caught fire in my kitchen", "urgent"),
        ("充电器冒烟了，很危险", "urgent"),
        ("Ребёнок получил ожог от вашего чайника", "urgent"),
    ],
)
def test_levels(text: str, level: UrgencyLevel) -> None:
    assert assess_urgency(text).level == level


def test_negative_sentiment_raises_urgency() -> None:
    text = "This is the third time I write about the same parcel"
    assert assess_urgency(text).level == "normal"
    assert assess_urgency(text, sentiment_score=-0.4).level == "high"
    strong = assess_urgency("I will sue you", sentiment_score=-0.9)
    assert strong.level == "urgent"
    assert strong.reasons == ("legal_threat", "strongly_negative")


def test_no_hurry_does_not_hide_real_signals() -> None:
    result = assess_urgency("No rush, but the kettle caught fire yesterday")
    assert result.level == "urgent"
    assert "no_hurry" not in result.reasons


def test_words_inside_other_words_do_not_count() -> None:
    # "issue" holds "sue", "courtesy" holds "court", "firework" holds "fire".
    result = assess_urgency("An issue with the courtesy firework set")
    assert result.level == "normal"
    assert result.points == 0


def test_each_signal_counts_once_and_reasons_are_named() -> None:
    result = assess_urgency("urgent urgent urgent, please, urgently")
    assert result.points == 3
    assert result.reasons == ("explicit_urgency",)


@pytest.mark.parametrize(
    ("text", "danger"),
    [
        ("用了晚霜之后脸肿了 呼吸有点不顺", True),
        ("у меня аллергия на ночной крем, лицо отекло", True),
        ("my face is swelling after the serum", True),
        ("i cant breathe properly since i used it", True),
        ("嘴唇有点肿", True),
        ("задыхаюсь после маски", True),
        ("the battery is swollen", False),
        ("my ankle is swollen from the new shoes", False),
        ("the cream gave me a small rash", False),
    ],
)
def test_a_body_in_danger_now_is_read(text: str, danger: bool) -> None:
    assert health_emergency(text) is danger
