# ruff: noqa: RUF001 - Chinese and Russian replies
"""What the bot says about money and orders: once a cancellation ran, where the refund goes and
never a timing the shop has not stated; a refund method is named by its kind and an amount
carries its currency, in every language; items are offered by name, and a status says where
the order ships."""

from __future__ import annotations

import re
from typing import Any

import pytest

from deskpilot.ai.action_replies import ask_for, confirmation, item_labels
from deskpilot.ai.action_replies import done as _done
from deskpilot.ai.actions.base import ActionResult, PolicyOutcome
from deskpilot.ai.texts import money, payment_method, payment_methods


def cancelled(*methods: str) -> ActionResult:
    refunds = [{"payment_method_id": m} for m in methods]
    return ActionResult("cancel_order", ok=True, data={"order_id": "#W1", "refunds": refunds})


@pytest.mark.parametrize("language", ["en", "zh", "ru"])
def test_a_cancellation_says_where_the_refund_goes_and_no_timing_of_its_own(language: str) -> None:
    said = {_done(cancelled(*m), language) for m in [("credit_card_1",), ("gift_card_1",)]}
    assert len(said) == 1
    (text,) = said
    assert "#W1" in text
    assert not re.search(r"\d\s*[-\u2013]\s*\d|business|工作日|рабоч|now|即时|уже", text)


def test_a_payment_method_is_named_by_its_kind_in_the_customers_language() -> None:
    assert payment_method("paypal_2306935", "en") == "PayPal"
    assert payment_method("gift_card_1", "zh") == "\u793c\u54c1\u5361"
    assert payment_method("credit_card_7", "ru").startswith("\u0431\u0430\u043d\u043a")
    assert payment_method("voucher_9", "en") == "voucher_9"  # a kind it does not know


def test_two_methods_of_one_kind_are_told_apart_by_their_ids() -> None:
    assert payment_methods(["gift_card_1", "gift_card_2", "paypal_3"], "en") == [
        "gift card (gift_card_1)",
        "gift card (gift_card_2)",
        "PayPal",
    ]


def test_the_russian_return_plan_names_the_refund_method_in_a_form_that_needs_no_case() -> None:
    text = confirmation(
        "return_order",
        {"order_id": "#W1", "items": [{"name": "Лампа"}], "refund_to": "gift_card_1"},
        "ru",
    )
    assert "способ возврата денег: подарочная карта." in text
    assert "на подарочная" not in text


def test_amounts_carry_their_currency() -> None:
    plan = {
        "order_id": "#W1",
        "reason": "ordered by mistake",
        "currency": "USD",
        "refunds": [{"amount": "300"}, {"amount": "236.65"}],
    }
    assert "the refund of $300.00 + $236.65 goes back" in confirmation("cancel_order", plan, "en")
    assert money("74.99", "CHF") == "74.99 CHF"
    assert money("11270", "RUB", "ru") == "11\u00a0270,00\u00a0\u20bd"  # was "11270.00 RUB"
    assert money("11270", "USD", "en") == "$11,270.00"
    assert money("5", "eur") == "\u20ac5.00"
    assert money("n/a", "USD") == "n/a"


def test_the_refund_question_names_each_choice_by_its_kind() -> None:
    outcome = PolicyOutcome.missing_slots(
        ["payment_method_id"], {"payment_method_id": ["credit_card_1", "gift_card_2"]}
    )
    asked = ask_for(outcome, "en", None, "#W1234567")
    assert "Options: credit card, gift card." in asked


def test_items_are_offered_by_name_and_told_apart_by_their_options() -> None:
    items: list[dict[str, Any]] = [
        {"name": "Bluetooth Speaker", "item_id": "9000000003"},
        {"name": "T-Shirt", "item_id": "11", "options": {"color": "red", "size": "M"}},
        {"name": "T-Shirt", "item_id": "12", "options": {"color": "blue", "size": "M"}},
        {"name": "Mug", "item_id": "21", "options": {"color": "white"}},
        {"name": "Mug", "item_id": "22", "options": {"color": "white"}},
    ]
    assert item_labels(items) == {
        "9000000003": "Bluetooth Speaker",
        "11": "T-Shirt (red, M)",
        "12": "T-Shirt (blue, M)",
        "21": "Mug (white) (21)",
        "22": "Mug (white) (22)",
    }


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "Shipping address: 1 Main St, Austin, TX, 78701, USA."),
        ("zh", "。收货地址：1 Main St, Austin, TX, 78701, USA。"),
        (
            "ru",
            "Адрес доставки: 1 Main St",
        ),
    ],
)
def test_the_status_says_where_the_order_ships(language: str, said: str) -> None:
    address = {"address1": "1 Main St", "city": "Austin", "state": "TX", "zip": "78701"}
    data = {
        "order_id": "#W1",
        "status": "pending",
        "items": [{"name": "Lamp"}],
        "shipping_address": {**address, "country": "USA"},
    }
    assert said in _done(ActionResult("order_status", ok=True, data=data), language)
