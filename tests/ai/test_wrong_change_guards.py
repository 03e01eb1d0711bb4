# ruff: noqa: RUF001 - Chinese punctuation in the messages is meant
"""Changes a review saw run on the wrong thing after the customer's "yes": "the second one" of
two orders cancelling the first, kept items returned with the rest, an address correction lost
and the old address saved, and "don't cancel" starting a cancellation. Noah's orders
(tests/ai/actions/shop.py): #W0000001 pending, #W0000002 processed, #W0000003 delivered, each
holding a Water Bottle and an Office Chair."""

from __future__ import annotations

from typing import Any

import pytest

from deskpilot.ai.actions.exclusions import set_apart
from deskpilot.ai.actions.item_names import item_mentions
from deskpilot.ai.requests import restates
from deskpilot.kit.db import Database
from tests.ai.actions.shop import Shop
from tests.ai.test_confirmation_still_allowed import status_of
from tests.ai.test_which_order import _set_status
from tests.factories import Tenant

GEAR = [
    {"name": "Hiking Boots", "item_id": "1"},
    {"name": "Rain Jacket", "item_id": "2"},
    {"name": "Wool Socks", "item_id": "3"},
]
BOOKS = [{"name": "Глобус", "item_id": "1"}, {"name": "Атлас", "item_id": "2"}]
TEA = [{"name": "保温杯", "item_id": "1"}, {"name": "电热水壶", "item_id": "2"}]


def test_kept_items_are_left_out_of_a_return() -> None:
    assert item_mentions("return the hiking boots but keep the rain jacket", GEAR) == ["1"]
    assert item_mentions("just the boots, keep socks and jacket", GEAR) == ["1"]
    assert item_mentions("return everything except the socks", GEAR) == ["1", "2"]
    assert item_mentions("keep the jacket, return the rest", GEAR) == ["1", "3"]
    assert item_mentions("вернуть глобус, атлас оставлю", BOOKS) == ["1"]
    assert item_mentions("верните всё кроме атласа", BOOKS) == ["1"]
    assert item_mentions("除了保温杯都退", TEA) == ["2"]
    assert item_mentions("保温杯留着，其他都退", TEA) == ["2"]
    assert item_mentions("return the boots and the jacket", GEAR) == ["1", "2"]
    assert item_mentions("return the jacket, keep me posted", GEAR) == ["2"]


def test_a_message_that_leaves_nothing_out_is_asked_whole() -> None:
    assert set_apart("return the boots please").left_out == ""
    apart = set_apart("return the boots but keep the laces")
    assert apart.asked.startswith("return the boots")
    assert "laces" not in apart.asked
    assert apart.left_out.strip() == "the laces"


async def test_the_second_of_two_orders_named_together_is_the_one_cancelled(
    tenant: Tenant, database: Database, shop: Shop, customer: Any
) -> None:
    await _set_status(database, tenant.workspace_id, "#W0000002", "pending")
    noah = customer("noah", "noah.brown@example.com")

    await noah.say("status of #W0000001 and #W0000002")
    await noah.say("cancel the second one")
    plan = await noah.say("no longer needed")
    await noah.say("yes")

    assert (
        "cancel order #W0000002 with Water Bottle (1000ml, blue), Office Chair" in plan[-1]["text"]
    )
    assert await status_of(database, tenant.workspace_id, "#W0000002") == "cancelled"
    assert await status_of(database, tenant.workspace_id, "#W0000001") == "pending"


async def test_part_of_an_address_corrected_asks_for_all_of_it_and_saves_nothing_old(
    tenant: Tenant, database: Database, shop: Shop, customer: Any
) -> None:
    noah = customer("noah", "noah.brown@example.com")

    await noah.say("change the address of #W0000001 to 5 Elm St, Denver, CO 80202, USA")
    fixed = await noah.say("oops, it's 7 Elm St not 5")
    stray_yes = await noah.say("yes")
    whole = await noah.say("7 Elm St, Denver, CO 80202, USA")

    assert "please send the whole corrected address for order #W0000001" in fixed[-1]["text"]
    assert "Done" not in stray_yes[-1]["text"]
    assert "to 7 Elm St, Denver, CO, 80202, USA. Shall I go ahead?" in whole[-1]["text"]


async def test_a_city_corrected_by_name_is_a_correction_too(shop: Shop, customer: Any) -> None:
    noah = customer("noah", "noah.brown@example.com")

    await noah.say("change the address of #W0000001 to 5 Elm St, Denver, CO 80202, USA")
    fixed = await noah.say("Boulder not Denver")

    assert "whole corrected address" in fixed[-1]["text"]


async def test_dont_cancel_is_no_cancellation(
    tenant: Tenant, database: Database, shop: Shop, customer: Any
) -> None:
    noah = customer("noah", "noah.brown@example.com")
    ivan = customer("ivan", "noah.brown@example.com")

    status = await noah.say("don't cancel #W0000001, just tell me where it is")
    await ivan.say("отмените заказ #W0000001")
    kept = await ivan.say("нет, не надо отменять")

    assert "#W0000001 is pending" in status[-1]["text"]
    assert (await noah.runs())[-1]["action"]["name"] == "order_status"
    assert "ничего не менял" in kept[-1]["text"]
    assert await status_of(database, tenant.workspace_id, "#W0000001") == "pending"


def test_the_rest_is_all_only_beside_what_is_left_out() -> None:
    assert item_mentions("return the Hiking Boots, I'm keeping the rest", GEAR) == ["1"]
    assert item_mentions("return the Hiking Boots, I'll explain the rest later", GEAR) == ["1"]
    assert item_mentions("Other than the boots I'd also like to return the socks", GEAR) == [
        "1",
        "3",
    ]
    assert item_mentions("台灯不退了，保温杯退", [*TEA, {"name": "台灯", "item_id": "3"}]) == ["1"]


def test_a_complaint_that_it_did_not_happen_is_no_refusal() -> None:
    from deskpilot.ai.requests import says_not_to

    assert not says_not_to("cancellation", "The app won't let me cancel, please cancel #W1")
    assert not says_not_to("cancellation", "Why did you not cancel my order? Cancel it now")
    assert not says_not_to("cancellation", "为什么还不取消我的订单，请马上取消")
    assert not says_not_to("cancellation", "Почему вы не отменили заказ? Отмените его")
    assert not says_not_to("return_refund", "don't return the jacket, return the boots")
    assert says_not_to("cancellation", "не надо отменять, просто скажите где он")


async def test_after_asking_for_the_whole_address_a_yes_saves_nothing_old(
    tenant: Tenant, database: Database, shop: Shop, customer: Any
) -> None:
    noah = customer("noah", "noah.brown@example.com")

    await noah.say("change the address of #W0000001 to 5 Elm St, Denver, CO 80202, USA")
    await noah.say("oops, it's 7 Elm St not 5")
    yes = await noah.say("yes")
    part = await noah.say("7 Elm St")
    again = await noah.say("yes")

    for reply in (yes, part, again):
        assert "whole corrected address" in reply[-1]["text"]
    async with database.transaction() as session:
        from deskpilot.orders import service as orders_service

        order = await orders_service.find_order(session, tenant.workspace_id, "#W0000001")
        assert order is not None
        assert (order.shipping_address or {}).get("address1") == "986 Sunset Drive"


async def test_an_exchange_is_no_refund_return(
    tenant: Tenant, database: Database, shop: Shop, customer: Any
) -> None:
    """A review saw "can I swap it for a smaller one?" and then "yes please do it" open a
    return for a refund: the return action exchanges nothing, so people take an exchange."""
    noah = customer("noah", "noah.brown@example.com")

    await noah.say("I want to return the chair from #W0000003 and exchange it for a smaller one")
    (run,) = await noah.runs()

    assert run["decision"] == "handoff"
    assert await status_of(database, tenant.workspace_id, "#W0000003") == "delivered"


def test_a_request_in_negative_words_is_no_refusal_and_a_refusal_may_ask_for_another() -> None:
    from deskpilot.ai.requests import asked_instead, refused_action

    assert refused_action("why don't you cancel #W1000001?") is None
    assert refused_action("can't you just change the address?") is None
    assert refused_action("I don't want to change anything else, just the address") is None
    assert refused_action("I don't want to change anything, where is it?") == "address_change"
    instead = "I don't want to cancel #W1, I just need to change the address to 7 Elm St"
    assert refused_action(instead) == "cancellation"
    assert asked_instead("cancellation", instead) == "address_change"
    assert asked_instead("cancellation", "don't cancel it, just tell me where it is") is None


def test_all_but_also_before_except_keep_and_return_and_cannot_keep() -> None:
    assert item_mentions("return all but the boots", GEAR) == ["2", "3"]
    assert item_mentions("return everything but the jacket", GEAR) == ["1", "3"]
    assert item_mentions("I'd also like to return everything except the socks", GEAR) == [
        "1",
        "2",
    ]
    assert item_mentions("I'll keep the jacket and return the rest", GEAR) == ["1", "3"]
    assert item_mentions("I can't keep the boots, please return them", GEAR) == ["1"]
    # left out loosely, even where only full names are read: one line too few, never too many
    assert item_mentions("return all except the socks", GEAR, loosely=False) == ["1", "2"]


def test_part_of_an_order_or_of_an_items_units_is_no_whole_action() -> None:
    from deskpilot.ai.requests import asks_for_part, asks_for_some_units

    tray: list[dict[str, object]] = [
        {"name": "Tea Tray", "item_id": "1"},
        {"name": "Honey Jar", "item_id": "2"},
    ]
    assert asks_for_part("cancel_order", "cancel everything except the honey jar", tray)
    assert asks_for_part("cancel_order", "cancel the order but keep the tray", tray)
    assert not asks_for_part("cancel_order", "cancel #W1, but keep my account open", tray)
    assert not asks_for_part("cancel_order", "cancel #W1, I ordered it by mistake", tray)
    cups: list[dict[str, object]] = [{"name": "Espresso Cup", "item_id": "1", "quantity": 3}]
    cups += tray
    assert asks_for_part("return_order", "return one Espresso Cup", cups)
    assert not asks_for_part("return_order", "return the three espresso cups", cups)
    assert not asks_for_part("return_order", "return one tea tray", cups)  # a line of one
    paste = [{"name": "Зубная паста", "item_id": "1", "quantity": 4}]
    assert asks_for_part("return_order", "Верните одну зубную пасту", paste)
    assert asks_for_some_units("return one of the three cups")
    assert asks_for_some_units("верните одну из трёх кружек")
    assert asks_for_some_units("三个杯子退其中一个")
    assert not asks_for_some_units("I want to cancel one of my orders, #W1000001")
    assert not asks_for_some_units("I'd like to return one of the items in #W6000001")


def test_one_pair_of_two_is_some_of_an_items_units() -> None:
    """A tester's "верните одни чиносы из двух, вторые оставлю" planned both pairs (x2), and
    a yes returned them; "one pair of the chinos …, keeping the other pair" too."""
    from deskpilot.ai.requests import asks_for_some_units

    assert asks_for_some_units("верните одни чиносы из двух, вторые оставлю")
    assert asks_for_some_units("одну пару из трёх верну")
    assert asks_for_some_units("return one pair of the chinos, keeping the other pair")
    assert not asks_for_some_units("два заказа из трёх отмените")
    assert not asks_for_some_units("верните одни джинсы")
    assert not asks_for_some_units("return the chinos, a pair of socks too")


def test_a_cancellation_of_only_some_items_or_keeping_one_named_loosely_is_part() -> None:
    from deskpilot.ai.requests import asks_for_part

    books: list[dict[str, object]] = [
        {"name": "The Hobbit Hardback", "item_id": "1"},
        {"name": "Fountain Pen", "item_id": "2", "quantity": 2},
    ]
    assert asks_for_part("cancel_order", "Please cancel only the Fountain Pen from BK-20417", books)
    assert asks_for_part("cancel_order", "I'll keep the hobbit but cancel the pens", books)
    assert not asks_for_part("cancel_order", "just cancel my order with the pen please", books)
    assert not asks_for_part("cancel_order", "Cancel BK-20417, I only need it cancelled", books)
    cups: list[dict[str, object]] = [
        {"name": "保温杯", "item_id": "1"},
        {"name": "Кружка", "item_id": "2"},
    ]
    assert asks_for_part("cancel_order", "只取消保温杯", cups)
    assert asks_for_part("cancel_order", "отмените только кружку", cups)


def test_of_several_orders_the_one_nearest_the_request_is_acted_on() -> None:
    from deskpilot.ai.requests import asks_status_of, nearest_first

    text = "Where is BK-20455? Also please cancel BK-20460, ordered by mistake"
    assert nearest_first("cancellation", text) == ["#BK-20460", "#BK-20455"]
    assert asks_status_of("#BK-20455", text)
    assert not asks_status_of("#BK-20460", text)
    both = "Cancel #W1000001 because I ordered it by mistake and tell me where #W1000002 is"
    assert nearest_first("cancellation", both) == ["#W1000001", "#W1000002"]
    assert asks_status_of("#W1000002", both)
    assert not asks_status_of("#W1000002", "cancel both #W1000001 and #W1000002")


@pytest.mark.parametrize(
    ("text", "yes"),
    [
        ("cancel it then", True),
        ("取消吧", True),
        ("отменяй", True),
        ("да, отменяйте заказ", True),
        ("ладно, да, отменяйте", True),
        # each says which, so it is no yes to the plan (a review saw the planned order cancelled)
        ("cancel the other one", False),
        ("cancel just the pen", False),
        ("cancel both", False),
        ("取消第二个", False),
        ("отмени второй", False),
        ("cancel it?", False),
    ],
)
def test_the_action_asked_again_is_a_yes_only_when_it_says_nothing_else(
    text: str, yes: bool
) -> None:
    assert restates("cancel_order", text) is yes


async def test_the_second_one_at_the_plan_is_no_yes_to_the_first(
    tenant: Tenant, database: Database, shop: Shop, customer: Any
) -> None:
    await _set_status(database, tenant.workspace_id, "#W0000002", "pending")
    noah = customer("noah", "noah.brown@example.com")

    await noah.say("cancel #W0000001, I don't need it")
    await noah.say("cancel the second one")

    assert await status_of(database, tenant.workspace_id, "#W0000001") == "pending"
