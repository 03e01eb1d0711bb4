"""What the bot says about money: once a cancellation ran, when the refund arrives follows how
the order was paid (a gift card at once, anything else in 5-7 business days), and a refund
method is named by its kind, in every language."""

from __future__ import annotations

import re

import pytest

from deskpilot.ai.action_replies import confirmation
from deskpilot.ai.action_replies import done as _done
from deskpilot.ai.actions.base import ActionResult
from deskpilot.ai.actions.cancel_order import refund_timing
from deskpilot.ai.texts import payment_method


def cancelled(*methods: str) -> ActionResult:
    refunds = [{"payment_method_id": m, "when": refund_timing(m)} for m in methods]
    return ActionResult("cancel_order", ok=True, data={"order_id": "#W1", "refunds": refunds})


@pytest.mark.parametrize("language", ["en", "zh", "ru"])
def test_a_gift_card_refund_is_said_to_be_back_at_once(language: str) -> None:
    card = _done(cancelled("credit_card_1"), language)
    gift = _done(cancelled("gift_card_1"), language)
    both = _done(cancelled("gift_card_1", "credit_card_1"), language)

    days = re.compile(r"5.7")  # with a hyphen or (ru) an en dash
    assert days.search(card)
    assert not days.search(gift)
    assert days.search(both)
    assert len({card, gift, both}) == 3


def test_a_payment_method_is_named_by_its_kind_in_the_customers_language() -> None:
    assert payment_method("paypal_2306935", "en") == "PayPal (paypal_2306935)"
    assert payment_method("gift_card_1", "zh") == "\u793c\u54c1\u5361 (gift_card_1)"
    assert payment_method("credit_card_7", "ru").startswith("\u0431\u0430\u043d\u043a")
    assert payment_method("voucher_9", "en") == "voucher_9"  # a kind it does not know


def test_the_russian_return_plan_names_the_refund_method_in_a_form_that_needs_no_case() -> None:
    text = confirmation(
        "return_order",
        {"order_id": "#W1", "items": [{"name": "Лампа"}], "refund_to": "gift_card_1"},
        "ru",
    )
    assert "способ возврата денег: подарочная карта (gift_card_1)" in text
    assert "на подарочная" not in text
