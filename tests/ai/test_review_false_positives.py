# ruff: noqa: RUF001 - Chinese and Russian text, as customers write it
"""Ordinary messages a review found read wrongly by this session's new rules: each rule must
stay as narrow as its comment says."""

from __future__ import annotations

from typing import Any

import pytest

from deskpilot.ai.actions.exclusions import set_apart
from deskpilot.ai.actions.slots import fill_slots
from deskpilot.ai.requests import (
    asks_for_some_units,
    asks_to_send_to,
    asks_why_it_is_asked,
    cancels_a_subscription,
    changes_an_item,
)
from deskpilot.ai.understanding.urgency import health_emergency
from tests.ai.actions.shop import Shop


@pytest.mark.parametrize(
    "text",
    [
        "My package says delivered to 12 Main St, Springfield, IL 62704 but I never got it",
        "посылка доставлена по адресу: г. Уфа, ул. Ленина, д. 20",
        "快递显示已送到上海市浦东新区世纪大道100号",
    ],
)
def test_a_report_of_where_it_went_is_no_request_to_send_it(text: str) -> None:
    assert not asks_to_send_to(text)


@pytest.mark.parametrize(
    "text",
    [
        "cancel the trial size serum",
        "cancel the Golf Club set",
        "cancel the account book I bought",
        "我想退会员价买的裙子",
        "please cancel the yoga mat, I quit my gym membership",
    ],
)
def test_an_item_named_like_a_plan_is_no_subscription(text: str) -> None:
    assert not cancels_a_subscription(text)


@pytest.mark.parametrize(
    "text",
    ["I want to return one pair of sneakers, they are too small", "одна посылка из двух не пришла"],
)
def test_one_pair_or_one_parcel_is_no_part_of_a_lines_units(text: str) -> None:
    assert not asks_for_some_units(text)


@pytest.mark.parametrize(
    "text",
    [
        "do you have patches for eye swelling?",
        "патчи от отёков под глазами есть?",
        "有没有消除眼睛浮肿的眼霜",
        "这个面膜能去脸部浮肿吗",
        "I was fainting with laughter",
    ],
)
def test_a_product_for_puffiness_is_no_emergency(text: str) -> None:
    assert not health_emergency(text)


@pytest.mark.parametrize(
    "text",
    ["why was I charged twice? I want my money back", "почему так долго? мне нужно к пятнице"],
)
def test_another_why_question_is_no_question_about_the_bots(text: str) -> None:
    assert not asks_why_it_is_asked(text)


@pytest.mark.parametrize(
    "text", ["доставьте цветы на Ленина 5, Москва, 101000", "moving to L.A.", "in S. Korea"]
)
def test_flowers_and_initials_are_no_size_or_colour(text: str) -> None:
    assert not changes_an_item(text)


@pytest.mark.parametrize(
    "text", ["never mind", "hurry up", "stop asking", "ну ладно", "зачем вам", "так быстрее"]
)
def test_everyday_words_are_no_lower_case_name(text: str) -> None:
    assert fill_slots(text, ["where is my order"], names_in_any_case=True).name is None


def test_a_keep_cue_later_still_counts_beside_a_not_this() -> None:
    assert set_apart("Крем не подошёл, а помаду оставлю себе").left_out.strip() == "помаду"
    assert set_apart("口红不是很喜欢，要退掉，眼影留着").left_out == "眼影"


def test_just_the_refund_method_keeps_the_items_named_before() -> None:
    items = [{"item_id": "1", "name": "Bluetooth Speaker"}, {"item_id": "2", "name": "Desk Lamp"}]
    said = fill_slots(
        "just the original card please, the lamp was a gift",
        ["return the Bluetooth Speaker and the Desk Lamp"],
        items=items,
    )
    assert said.item_ids == ["1", "2"]


@pytest.mark.parametrize("text", ["no it still hasnt arrived", "ok bye"])
async def test_a_no_with_more_or_a_goodbye_is_no_bare_yes(
    shop: Shop, customer: Any, text: str
) -> None:
    noah = customer("noah", "noah.brown@example.com")
    await noah.say("hi")

    replies = await noah.say(text)

    assert "anything else I can help you with" not in replies[-1]["text"], replies[-1]["text"]
