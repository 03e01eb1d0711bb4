# ruff: noqa: RUF001 - Chinese and Russian text, as customers write it
"""Order lines named by an option, an adjective or a longer name: "cancel the blue one" of two
phones, "льняные лампы", "the rug pad" beside a rug. A QA round saw both phones cancelled, both
rugs returned for "return a rug", and the rug returned with its pad."""

from __future__ import annotations

from typing import Any

from deskpilot.ai.actions.item_names import item_mentions
from deskpilot.ai.actions.slots import fill_slots
from deskpilot.ai.requests import asks_for_part, cancels_some_items
from deskpilot.kit.db import Database
from tests.ai.actions.shop import Items, Shop, set_items
from tests.ai.test_confirmation_still_allowed import status_of
from tests.factories import Tenant

PHONES: Items = [
    {"name": "Nova X5 Phone", "item_id": "1", "options": {"color": "Blue"}},
    {"name": "Nova X5 Phone", "item_id": "2", "options": {"color": "Graphite"}},
]
PHONES_ZH: Items = [
    {"name": "星耀X5手机", "item_id": "1", "options": {"颜色": "冰川蓝"}},
    {"name": "星耀X5手机", "item_id": "2", "options": {"颜色": "曜石黑"}},
]
PHONES_RU: Items = [
    {"name": "Смартфон Nova X5", "item_id": "1", "options": {"цвет": "синий"}},
    {"name": "Смартфон Nova X5", "item_id": "2", "options": {"цвет": "графит"}},
]
RUGS: Items = [
    {"name": "Wool Rug 8x10", "item_id": "1", "options": {"color": "Ivory"}},
    {"name": "Wool Rug 8x10", "item_id": "2", "options": {"color": "Charcoal"}},
]
RUGS_ZH: Items = [
    {"name": "羊毛地毯", "item_id": "1", "options": {"颜色": "米白"}},
    {"name": "羊毛地毯", "item_id": "2", "options": {"颜色": "深灰"}},
]
RUG_AND_PAD: Items = [
    {"name": "Jute Area Rug 5x8", "item_id": "1"},
    {"name": "Rug Pad 5x8", "item_id": "2"},
]
LAMPS_RU: Items = [
    {"name": "Настольная лампа льняная", "item_id": "1", "quantity": 2},
    {"name": "Настольная лампа керамическая", "item_id": "2"},
]


def test_a_chinese_colour_names_the_line_of_that_shade() -> None:
    assert item_mentions("蓝色那台", PHONES_ZH) == ["1"]  # 冰川蓝 is a blue
    assert item_mentions("黑色的那台不要了", PHONES_ZH) == ["2"]
    assert item_mentions("曜石黑那台", PHONES_ZH) == ["2"]
    assert item_mentions("红色那台", PHONES_ZH) == []


def test_cancelling_one_of_two_lines_of_a_name_is_part_of_the_order() -> None:
    assert asks_for_part("cancel_order", "买重了 蓝色那台取消掉", PHONES_ZH)
    assert asks_for_part("cancel_order", "只取消蓝色那台手机", PHONES_ZH)
    blue = "i only need one phone not two, cancel the blue one from 40010"
    assert cancels_some_items(blue, PHONES)
    assert asks_for_part("cancel_order", blue, PHONES)
    assert asks_for_part("cancel_order", "отмените синий смартфон из заказа VH-64001", PHONES_RU)
    # the whole order, or both lines, is no part
    assert not asks_for_part("cancel_order", "cancel VH-40010, ordered by mistake", PHONES)
    assert not asks_for_part("cancel_order", "cancel both phones from 40010", PHONES)
    assert not asks_for_part("cancel_order", "取消VH-54001 买错了", PHONES_ZH)


def test_a_russian_item_is_named_by_an_adjective_no_other_name_has() -> None:
    assert item_mentions("верните керамическую", LAMPS_RU) == ["2"]
    assert item_mentions("где мои льняные лампы?", LAMPS_RU) == ["1"]
    assert item_mentions("верните лампы", LAMPS_RU) == []  # both are table lamps
    assert item_mentions("верните настольную лампу", LAMPS_RU) == []


def test_one_of_two_lines_named_by_their_head_word_is_asked_which() -> None:
    assert item_mentions("return a rug from HL-7001", RUGS) == []
    assert item_mentions("return the rug from HL-7001", RUGS) == []
    assert item_mentions("HL-9301退一条地毯", RUGS_ZH) == []
    assert item_mentions("return the rugs", RUGS) == ["1", "2"]
    assert item_mentions("return the charcoal rug", RUGS) == ["2"]
    assert item_mentions("the charcoal rug is too dark, want to return that one", RUGS) == ["2"]


def test_a_longer_name_said_is_no_head_word_of_another() -> None:
    assert item_mentions("return the rug pad from HL-5503", RUG_AND_PAD) == ["2"]
    assert item_mentions("i wanna retrun the rug pad from 5503 its too thick", RUG_AND_PAD) == ["2"]
    assert item_mentions("return the rug and the pad", RUG_AND_PAD) == ["1", "2"]
    assert item_mentions("return the jute rug, keep the pad", RUG_AND_PAD) == ["1"]
    assert item_mentions("the rug is fine, the rug pads are too thick", RUG_AND_PAD) == ["2"]
    assert fill_slots("return the rug pad from HL-5503", items=RUG_AND_PAD).item_ids == ["2"]


async def test_cancel_the_blue_one_of_two_phones_goes_to_people(
    tenant: Tenant, database: Database, shop: Shop, customer: Any
) -> None:
    await set_items(database, tenant.workspace_id, "#W0000001", PHONES)
    noah = customer("noah", "noah.brown@example.com")

    replies = await noah.say("i only need one phone not two, cancel the blue one from #W0000001")
    await noah.say("ordered by mistake")
    await noah.say("yes")

    assert any("I can only cancel a whole order" in reply["text"] for reply in replies)
    assert await status_of(database, tenant.workspace_id, "#W0000001") == "pending"


async def test_the_rug_pad_alone_is_planned_for_return(
    tenant: Tenant, database: Database, shop: Shop, customer: Any
) -> None:
    await set_items(database, tenant.workspace_id, "#W0000003", RUG_AND_PAD)
    noah = customer("noah", "noah.brown@example.com")

    plan = await noah.say("return the rug pad from #W0000003, refund to the original method")

    assert "Rug Pad 5x8" in plan[-1]["text"]
    assert "Jute" not in plan[-1]["text"]


def test_a_chinese_noun_said_with_zi_names_the_one_item_ending_in_it() -> None:
    """A tester's "椅子不想要了 退款" named no "丝绒单人椅", and the bot went on with the only
    order that had something to return: two rugs."""
    items = [{"name": "丝绒单人椅", "item_id": "1"}, {"name": "羊毛地毯", "item_id": "2"}]
    assert item_mentions("椅子不想要了 退款", items) == ["1"]
    assert item_mentions("桌子不要了", items) == []
    two_chairs = [*items, {"name": "办公椅", "item_id": "3"}]
    assert item_mentions("椅子不想要了", two_chairs) == []


def test_an_adjective_or_a_zi_noun_names_no_line_of_another_thing() -> None:
    """A review saw "Верните чёрную футболку" return the black cap too, and "快递箱子" (the
    parcel's box) name a suitcase: a line too many."""
    clothes = [{"name": "Футболка белая", "item_id": "1"}, {"name": "Кепка чёрная", "item_id": "2"}]
    assert item_mentions("Верните чёрную футболку", clothes) == ["1"]
    bags = [{"name": "行李箱", "item_id": "1"}, {"name": "收纳袋", "item_id": "2"}]
    assert item_mentions("快递箱子压坏了，收纳袋要退", bags) == ["2"]


SHIRTS: Items = [
    {"name": "Linen Shirt", "item_id": "1", "options": {"color": "White", "size": "M"}},
    {"name": "Linen Shirt", "item_id": "2", "options": {"color": "White", "size": "L"}},
    {"name": "Linen Shirt", "item_id": "3", "options": {"color": "Sage", "size": "M"}},
]
LIPSTICKS_RU: Items = [
    {"name": "Помада", "item_id": "1", "options": {"цвет": "красный"}},
    {"name": "Помада", "item_id": "2", "options": {"цвет": "нюд"}},
]
LIPSTICKS_ZH: Items = [
    {"name": "丝绒口红", "item_id": "1", "options": {"色号": "正红"}},
    {"name": "丝绒口红", "item_id": "2", "options": {"色号": "豆沙"}},
]


def test_the_lines_with_the_most_options_named_are_meant() -> None:
    """A tester's "the white M one" of White M, White L and Sage M planned all three shirts:
    each line that shared one option counted."""
    assert item_mentions("actually no, the white M one instead", SHIRTS) == ["1"]
    assert item_mentions("the white ones", SHIRTS) == ["1", "2"]
    assert item_mentions("yes, but only the L", SHIRTS) == ["2"]
    assert item_mentions("the M shirts", SHIRTS) == ["1", "3"]


def test_the_one_not_meant_before_the_one_meant_is_left_out() -> None:
    assert item_mentions("ой нет, не красную, а нюд", LIPSTICKS_RU) == ["2"]
    assert item_mentions("不是正红，是豆沙色那支", LIPSTICKS_ZH) == ["2"]
    assert item_mentions("不是正红，要豆沙的", LIPSTICKS_ZH) == ["2"]


def test_a_correction_names_the_items_even_loosely_over_those_named_before() -> None:
    said = fill_slots("ой нет, не красную, а нюд", ["верните красную помаду"], items=LIPSTICKS_RU)
    assert said.item_ids == ["2"]
    # without a correction, an item named in full before still wins over a loose mention
    kept = fill_slots("the refund to my card", ["return the Linen Shirt, white M"], items=SHIRTS)
    assert kept.item_ids == ["1"]


async def test_a_shirt_corrected_at_the_confirmation_is_the_only_one_returned(
    tenant: Tenant, database: Database, shop: Shop, customer: Any
) -> None:
    await set_items(database, tenant.workspace_id, "#W0000003", SHIRTS)
    noah = customer("noah", "noah.brown@example.com")
    await noah.say("return the sage shirt from #W0000003, refund to the original method")

    plan = await noah.say("actually no, the white M one instead")

    assert "Linen Shirt (White, M)" in plan[-1]["text"], plan[-1]["text"]
    assert "Sage" not in plan[-1]["text"]
    assert "White, L" not in plan[-1]["text"]


async def test_a_lipstick_corrected_in_russian_is_planned_instead(
    tenant: Tenant, database: Database, shop: Shop, customer: Any
) -> None:
    await set_items(database, tenant.workspace_id, "#W0000003", LIPSTICKS_RU)
    noah = customer("noah", "noah.brown@example.com")
    await noah.say("верните красную помаду из заказа #W0000003, деньги на ту же карту")

    plan = await noah.say("ой нет, не красную, а нюд")

    assert "Помада (нюд)" in plan[-1]["text"], plan[-1]["text"]
    assert "красный" not in plan[-1]["text"]


async def test_an_item_named_in_full_finds_its_order_over_a_loose_word_of_another(
    tenant: Tenant, database: Database, shop: Shop, customer: Any
) -> None:
    """A tester's "пробник крема для глаз хочу вернуть" planned the return of a moisturizer
    ("Увлажняющий крем", named loosely by крема) from the delivered order, and a yes ran it:
    the sample is in another order, named in full."""
    sample = [{"name": "Стартовый набор ухода", "item_id": "1"}]
    sample.append({"name": "Пробник крема для глаз", "item_id": "2"})
    await set_items(database, tenant.workspace_id, "#W0000002", sample)
    creams = [{"name": "Сыворотка с витамином C", "item_id": "3"}]
    creams.append({"name": "Увлажняющий крем", "item_id": "4"})
    await set_items(database, tenant.workspace_id, "#W0000003", creams)
    noah = customer("noah", "noah.brown@example.com")

    replies = await noah.say("пробник крема для глаз хочу вернуть, можно?")

    assert "#W0000002" in replies[-1]["text"], replies[-1]["text"]
    assert "Увлажняющий" not in replies[-1]["text"]
