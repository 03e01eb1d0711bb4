# ruff: noqa: RUF001, RUF002 - Chinese and Russian text, as customers write it
"""Keeping some lines and removing others: "数据线退了吧 充电器留着" returns the cables and
refuses nothing, "the ivory one's fine" keeps the ivory rug, "уберите сборку из заказа" and
"керамическую оставьте" are cancellations of part of an order, "退一个 留两个" a return of some
units. A QA round saw such messages refused, or whole orders cancelled and returned."""

from __future__ import annotations

from typing import Any

from deskpilot.ai.actions.item_names import item_mentions, kept_apart
from deskpilot.ai.requests import asks_for_part, asks_for_some_units, refused_action
from deskpilot.kit.db import Database
from tests.ai.actions.shop import Items, Shop, set_items
from tests.ai.actions.test_items_named_by_option import (
    LAMPS_RU,
    RUGS,
    RUGS_ZH,
)
from tests.ai.test_confirmation_still_allowed import status_of
from tests.factories import Tenant

CHARGER: Items = [
    {"name": "65W GaN Charger", "item_id": "1"},
    {"name": "USB-C Cable 2m", "item_id": "2", "quantity": 2},
]
CHARGER_ZH: Items = [
    {"name": "65W氮化镓充电器", "item_id": "1"},
    {"name": "数据线", "item_id": "2", "quantity": 2},
]
CHARGER_RU: Items = [
    {"name": "Зарядное устройство 65 Вт", "item_id": "1"},
    {"name": "Кабель USB-C", "item_id": "2", "quantity": 2},
]
PHONE_RU: Items = [
    {"name": "Смартфон Nova X5", "item_id": "1"},
    {"name": "Чехол силиконовый", "item_id": "2"},
    {"name": "Расширенная гарантия 2 года", "item_id": "3"},
]
SOFA: Items = [
    {"name": "Oslo 3-Seater Sofa", "item_id": "1", "options": {"fabric": "Sage Velvet"}},
    {"name": "Assembly Service", "item_id": "2"},
]
SOFA_RU: Items = [
    {"name": "Диван трёхместный Осло", "item_id": "1", "options": {"ткань": "шалфейный велюр"}},
    {"name": "Услуга сборки", "item_id": "2"},
]
WARRANTY_ONLY = "уберите расширенную гарантию из заказа VH-62001, телефон и чехол оставьте"


def test_a_keep_clause_limits_a_return() -> None:
    assert item_mentions("数据线退了吧 充电器留着", CHARGER_ZH) == ["2"]
    assert item_mentions("深灰色的地毯太暗了 退掉 米白的留着", RUGS_ZH) == ["2"]
    fine = "the charcoal rug is too dark, want to return that one. the ivory one's fine"
    assert item_mentions(fine, RUGS) == ["2"]
    assert item_mentions("return the rugs, the ivory one is ok though", RUGS) == ["2"]
    assert item_mentions("верните кабели, зарядное устройство оставьте", CHARGER_RU) == ["2"]
    # "fine" about nothing of the order keeps nothing
    assert item_mentions("the box is fine, but return the charcoal rug", RUGS) == ["2"]


def test_a_keep_clause_beside_a_request_refuses_nothing() -> None:
    assert refused_action("数据线退了吧 充电器留着") is None
    assert refused_action("深灰色的地毯太暗了 退掉 米白的留着") is None
    assert refused_action(WARRANTY_ONLY) is None
    assert refused_action("отмените льняные лампы, керамическую оставьте") is None
    # keeping the order, or keeping something with nothing asked, still refuses
    assert refused_action("还是保留订单吧") == "cancellation"
    assert refused_action("I changed my mind, I want to keep the order") == "cancellation"
    assert refused_action("не отменяйте, оставлю его") == "cancellation"
    assert refused_action("算了 充电器留着") is not None


def test_removing_an_item_or_keeping_one_named_by_an_adjective_is_part_of_an_order() -> None:
    assert asks_for_part("cancel_order", "отмените льняные лампы, керамическую оставьте", LAMPS_RU)
    assert asks_for_part("cancel_order", "please remove the assembly service from HL-5501", SOFA)
    assert asks_for_part("cancel_order", "уберите сборку из заказа ДМ-3101, соберу сам", SOFA_RU)
    assert asks_for_part("cancel_order", WARRANTY_ONLY, PHONE_RU)
    assert not asks_for_part("cancel_order", "cancel HL-5501, no longer needed", SOFA)
    assert not asks_for_part("cancel_order", "please remove order HL-5501", SOFA)
    assert not asks_for_part("cancel_order", "отмените заказ ДМ-3101", SOFA_RU)


def test_a_return_that_keeps_a_line_names_that_part() -> None:
    """Read as a return (``test_return_said_in_words``) it returns the cables; were it ever
    planned as a cancellation, it would be of part of the order, for people."""
    text = "want to return the usb c cables from the charger order, keep the charger"
    assert asks_for_part("cancel_order", text, CHARGER)
    assert item_mentions(text, CHARGER) == ["2"]
    assert asks_for_part("cancel_order", "cancel the cables, keep the charger", CHARGER)


def test_some_units_returned_and_the_rest_kept_in_chinese() -> None:
    assert asks_for_some_units("充电宝退一个 留两个")
    assert asks_for_some_units("充电宝留一个，退两个")
    assert asks_for_some_units("退两个 剩下一个留着")
    assert not asks_for_some_units("充电宝退了 数据线留着")
    assert not asks_for_some_units("我想退一个订单")


async def test_a_return_with_a_line_kept_is_planned_for_the_rest(
    tenant: Tenant, database: Database, shop: Shop, customer: Any
) -> None:
    await set_items(database, tenant.workspace_id, "#W0000003", RUGS_ZH)
    zhou = customer("zhou", "noah.brown@example.com")

    plan = await zhou.say("我要退货 #W0000003 深灰色的地毯太暗了 退掉 米白的留着 原路退回")

    assert "羊毛地毯 (深灰)" in plan[-1]["text"]
    assert "米白" not in plan[-1]["text"]


async def test_removing_the_assembly_service_goes_to_people(
    tenant: Tenant, database: Database, shop: Shop, customer: Any
) -> None:
    await set_items(database, tenant.workspace_id, "#W0000001", SOFA_RU)
    olga = customer("olga", "noah.brown@example.com")

    replies = await olga.say("уберите сборку из заказа #W0000001, соберу сам")
    await olga.say("не нужна")
    await olga.say("да")

    assert any("только весь заказ" in reply["text"] for reply in replies)
    assert await status_of(database, tenant.workspace_id, "#W0000001") == "pending"


def test_a_long_message_without_punctuation_is_read_in_linear_time() -> None:
    """The keep clause's pattern took 20 s on 20,000 spaces (a review); now it is found from
    its keep word back to the clause start."""
    assert kept_apart("cancel" + " " * 19_990 + "x").left_out == ""
    assert kept_apart("а " * 10_000).left_out == ""
    assert kept_apart("return the rug but the ivory one is fine").left_out == "the ivory one"


def test_a_line_sent_back_and_the_others_kept_is_part_of_a_pending_order() -> None:
    """A review saw "订单#… 茶盘退掉，其他的留着" of a pending order planned as its whole
    cancellation: 退 read as a return left nothing out of a cancellation."""
    tray = [{"name": "茶盘", "item_id": "1"}, {"name": "绿茶", "item_id": "2"}]
    assert asks_for_part("cancel_order", "茶盘退掉，其他的留着", tray)
    assert asks_for_part("cancel_order", "cancel the 茶盘, keep the others", tray)
    assert not asks_for_part("cancel_order", "取消订单，其他的留着", tray)
