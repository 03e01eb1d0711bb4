# ruff: noqa: RUF001 - Chinese and Russian text, as customers write it
"""Slot filling without an LLM, in English, Chinese and Russian."""

from __future__ import annotations

import pytest

from deskpilot.ai.actions.addresses import us_address
from deskpilot.ai.actions.answers import is_confirmation
from deskpilot.ai.actions.base import parse_slots
from deskpilot.ai.actions.cancel_order import CancelOrder
from deskpilot.ai.actions.cancel_reasons import cancel_reason
from deskpilot.ai.actions.item_names import item_mentions
from deskpilot.ai.actions.return_order import ReturnOrder
from deskpilot.ai.actions.slots import (
    canonical_order_id,
    emails,
    fill_slots,
    order_ids,
    ordinal_reference,
    person_name,
    refers_to_order,
    refund_method,
    resolve_order_id,
    resolve_refund_method,
    status_reference,
    zip_code,
)

ITEMS = [
    {"name": "Water Bottle", "item_id": "6469567736", "options": {"color": "blue"}},
    {"name": "T-Shirt", "item_id": "1000000001", "options": {"color": "red", "size": "M"}},
    {"name": "T-Shirt", "item_id": "1000000002", "options": {"color": "blue", "size": "L"}},
]


@pytest.mark.parametrize(("text", "expected"), [
    ("Where is my order #W1234567?", ["#W1234567"]),
    ("order w2611340 please", ["#W2611340"]),
    ("我的订单W2611340在哪里", ["#W2611340"]),
    ("где заказ #W7678072 и W1111111", ["#W7678072", "#W1111111"]),
    ("order # 12345", ["#12345"]),
    ("model A12 costs 1234567, mail me at w1234567@example.com", []),
    ("please cancel T6002, no longer needed", []),  # by the shop's numbers: OrderFocus
    ("12 Oak St Apt B1204, Springfield", []),
    ("TH-10042 and #TH-10043", ["#TH-10042", "#TH-10043"]),
    ("to 5 Elm St Apt B-1204, Denver (ref-2024)", []),
    ("Где заказ СП-4512?", ["#СП-4512"]),  # Cyrillic capitals
    ("заказ № 4512", ["#4512"]),
    ("кв. № 123, дом № 125, офис №305, счёт № 4512", []),  # "№" numbering something else
    ("где заказ 48213077-0013", ["#48213077-0013"]),  # digits in two groups
    ("zip 10004-1234", []),  # a zip+4 is none
])  # fmt: skip
def test_order_ids(text: str, expected: list[str]) -> None:
    assert order_ids(text) == expected


def test_an_order_id_a_model_filled_in_compares_as_the_customer_wrote_it() -> None:
    assert canonical_order_id(" w0000001") == canonical_order_id("#W0000001") == "#W0000001"
    assert canonical_order_id("12345") == "#12345"
    assert canonical_order_id("my order") == "my order"


def test_it_and_that_order_resolve_to_the_remembered_order() -> None:
    remembered = "#W0000001"
    for text in ("cancel it", "what about that order?", "取消这个订单", "отмените этот заказ"):
        assert resolve_order_id(text, remembered) == remembered, text
    assert resolve_order_id("cancel #W0000009", remembered) == "#W0000009"
    assert resolve_order_id("hello there", remembered) is None
    assert resolve_order_id("cancel it", None) is None


@pytest.mark.parametrize(("text", "email", "zip_", "name"), [
    ("my name is noah brown and my zip is 80279", None, "80279", "noah brown"),
    ("Hi! My name is Noah Brown. Email: N.B@example.com", "N.B@example.com", None, "Noah Brown"),
    ("我叫王芳，邮编是200000，邮箱wang@example.cn", "wang@example.cn", "200000", "王芳"),
    ("我叫王芳邮编200000", None, "200000", "王芳"),
    ("Меня зовут Ольга Иванова, индекс 101000", None, "101000", "Ольга Иванова"),
    ("меня зовут Olga Ivanova и мой email o@example.ru", "o@example.ru", None, "Olga Ivanova"),
    ("Noah Brown, 80279", None, "80279", None),
    ("order #W1234567 costs 20000 dollars? zip code: 80279-1234", None, "80279-1234", None),
])  # fmt: skip
def test_contact_details(text: str, email: str | None, zip_: str | None, name: str | None) -> None:
    assert next(iter(emails(text)), None) == email
    assert zip_code(text) == zip_
    assert person_name(text) == name


@pytest.mark.parametrize(("text", "reason"), [
    ("Please cancel, I no longer need it", "no longer needed"),
    ("I don't need it anymore", "no longer needed"),
    ("I ordered it by mistake", "ordered by mistake"),
    ("accidentally bought two", "ordered by mistake"),
    ("我不需要了", "no longer needed"),
    ("用不上了，取消吧", "no longer needed"),
    ("我买错了", "ordered by mistake"),
    ("不小心下单了", "ordered by mistake"),
    ("он мне больше не нужен", "no longer needed"),
    ("заказал по ошибке", "ordered by mistake"),
    ("случайно оформил", "ordered by mistake"),
    ("cancel it because I found it cheaper elsewhere", "no longer needed"),
    ("found a cheaper one", "no longer needed"),
    ("better deal elsewhere", "no longer needed"),
    ("wrong item", "ordered by mistake"),
    ("wrong size", "ordered by mistake"),
    ("I changed my mind about it", "no longer needed"),
    ("我改主意了，不想买了", "no longer needed"),
    ("别家更便宜", "no longer needed"),
    ("别家便宜", "no longer needed"),
    ("在别的地方买便宜了", "no longer needed"),
    ("京东上有更便宜的", "no longer needed"),
    ("有没有更便宜的款式？", None),
    ("你们比别家便宜吗", None),
    ("я передумала", "no longer needed"),
    ("нашёл дешевле", "no longer needed"),
    ("cancel it because the delivery is too slow", "the delivery is too slow"),
    ("отмените, потому что доставка долгая", "доставка долгая"),
    ("cancel it", None),
])  # fmt: skip
def test_cancel_reasons_map_to_the_two_accepted_ones(text: str, reason: str | None) -> None:
    assert cancel_reason(text) == reason


def test_an_unaccepted_reason_reaches_the_action_and_is_refused_there() -> None:
    slots = fill_slots("cancel #W1234567 because it is too slow")
    parsed = parse_slots(CancelOrder(), slots.for_action())
    assert parsed.model_dump() == {"order_id": "#W1234567", "reason": "it is too slow"}


@pytest.mark.parametrize(("text", "keys"), [
    ("I want to return the water bottle", ["6469567736"]),
    ("return the red t-shirt", ["1000000001"]),
    ("return both T-shirts", ["1000000001", "1000000002"]),
    ("return item 6469567736", ["6469567736"]),
    ("return everything", ["all"]),
    ("all of it", ["all"]),
    ("退回全部商品", ["all"]),
    ("我想退水瓶", ["6469567736"]),
    ("верните бутылку", ["6469567736"]),
    ("return the lamp", []),
    ("I'd like to send the bottle back", ["6469567736"]),  # the last word of its name
    ("return a t-shirt", []),  # one of two lines of the name, not said which: asked
    ("return one of the t-shirts", []),
    ("return the t-shirts", ["1000000001", "1000000002"]),
    ("return the t-shirt", []),  # one of them, in the singular: asked which
    ("return the red one", ["1000000001"]),  # an option alone picks among lines of a name
])  # fmt: skip
def test_item_mentions(text: str, keys: list[str]) -> None:
    aliases = {"Water Bottle": ["水瓶", "бутылк"]}
    assert item_mentions(text, ITEMS, aliases) == keys


CHAIRS = [
    {"name": "Office Chair", "item_id": "1"},
    {"name": "Gaming Chair", "item_id": "2"},
    {"name": "Bluetooth Speaker", "item_id": "3"},
]


@pytest.mark.parametrize(("text", "keys"), [
    ("return the speaker", ["3"]),
    ("the speakers please", ["3"]),
    ("return the chair", []),  # two names end in "chair": the customer is asked which
    ("return the gaming chair", ["2"]),
    ("in that case return it", []),
])  # fmt: skip
def test_an_item_is_named_by_the_last_word_of_its_name_only_when_no_other_ends_so(
    text: str, keys: list[str]
) -> None:
    assert item_mentions(text, CHAIRS) == keys


def test_a_russian_name_is_named_by_its_noun() -> None:
    items = [
        {"name": "Беговая дорожка", "item_id": "1"},
        {"name": "Штанга олимпийская", "item_id": "2"},
        {"name": "Коврик для йоги", "item_id": "3"},
    ]
    assert item_mentions("когда приедет дорожка", items) == ["1"]  # after an adjective
    assert item_mentions("верните штангу", items) == ["2"]
    assert item_mentions("где коврик?", items) == ["3"]


def test_refund_methods() -> None:
    assert refund_method("refund to gift_card_4374071 please") == "gift_card_4374071"
    assert refund_method("back to the original payment method") == "original"
    assert refund_method("原路退回") == "original"
    assert refund_method("на тот же способ оплаты") == "original"
    assert refund_method("to my gift card") == "gift_card"
    assert refund_method("退到礼品卡") == "gift_card"
    assert refund_method("whatever") is None
    choices = ["credit_card_1", "gift_card_4374071"]
    assert resolve_refund_method("gift_card", choices) == "gift_card_4374071"
    assert resolve_refund_method("gift_card", ["gift_card_1", "gift_card_2"]) == "gift_card"
    # the kinds the bot names the choices by ("Options: credit card, gift card.")
    assert refund_method("credit card please") == "credit_card"
    assert refund_method("退到信用卡") == "credit_card"
    assert refund_method("на банковскую карту") == "credit_card"
    assert refund_method("PayPal") == "paypal"
    assert resolve_refund_method("credit_card", choices) == "credit_card_1"
    assert resolve_refund_method("paypal", choices) == "paypal"  # none of that kind: refused


@pytest.mark.parametrize(
    ("text", "method"),
    [
        ("card", "credit_card"),
        ("to the card i paid with", "original"),
        ("на карту", "credit_card"),
        ("на подарочную карту", "gift_card"),
        ("refund it to the card please", "credit_card"),
        ("return the card holder", None),
        ("keep the card", None),
    ],
)
def test_the_card_said_in_few_words_is_a_refund_method(text: str, method: str | None) -> None:
    """Testers' "card", "на карту", "to the card i paid with" at a return's confirmation were
    handed off or got the payment article pasted in."""
    assert refund_method(text) == method


def test_us_addresses() -> None:
    assert us_address("ship it to 123 Main St, Apt 4, Springfield, il 62704, USA") == {
        "address1": "123 Main St",
        "address2": "Apt 4",
        "city": "Springfield",
        "state": "IL",
        "zip": "62704",
        "country": "USA",
    }
    assert us_address("somewhere nice") is None
    fifth = us_address("ship #T5004 to 350 5th Ave, New York, NY 10118, USA")  # a numbered street
    assert fifth is not None
    assert fifth["address1"] == "350 5th Ave"


@pytest.mark.parametrize(("text", "language", "answer"), [
    ("Ok, but first tell me: when would the refund arrive?", "en", None),
    ("yes, but only the lamp", "en", None),
    ("Yes please cancel it", "en", True),
    ("ok do it", "en", True),
    ("do it", "en", True),
    ("Absolutely not", "en", None),
    ("of course not", "en", None),
    ("ok, when will I get the refund", "en", None),
    ("хорошо, не надо", "ru", None),
    ("конечно нет", "ru", None),
    ("好的，别取消", "zh", None),
    ("是的，算了", "zh", None),
    ("没问题", "zh", True),
    ("do you ship it today", "en", None),
    ("Давайте я сначала спрошу мужа", "ru", None),
    ("Хорошо, а можно вместо этого поменять адрес?", "ru", None),
    ("да, отменяйте", "ru", True),
    ("对不起，我再考虑一下", "zh", None),
    ("是不是已经发货了？", "zh", None),
    ("好的，不用了", "zh", None),
    ("好的，取消吧", "zh", True),
    ("行吧", "zh", True),
    ("好吃", "zh", None),
    ("yes", "en", True),
    ("go on then", "en", True),
    ("嗯嗯", "zh", True),  # doubled, a yes in a chat; "嗯" alone stays a sound
    ("好滴", "zh", True),
    ("ну ок", "ru", True),
    ("ну ладно", "ru", True),
    ("ну нет", "ru", False),
    ("пусть будет так", "ru", None),  # "so be it": not a no
    ("подождите, а какие у вас условия возврата?", "ru", None),  # a question first, no "no"
    ("wait, what is your return policy?", "en", None),
    ("sure why not", "en", True),
    ("sure, why not?", "en", True),
    ("почему бы и нет", "ru", None),  # no yes word of its own
    ("пусть остаётся", "ru", False),
    ("Yes, please go ahead.", "en", True),
    ("I confirm", "en", True),
    ("ok", "en", True),
    ("no", "en", False),
    ("No, wait", "en", False),
    ("don't cancel it", "en", False),
    ("да", "ru", True),
    ("Да, подтверждаю", "ru", True),
    ("нет", "ru", False),
    ("не надо", "ru", False),
    ("是的", "zh", True),
    ("好的，确认", "zh", True),
    ("不", "zh", False),
    ("不要了", "zh", False),
    ("算了", "zh", False),
    ("\U0001f44d", "en", True),  # thumbs up
    ("\U0001f44d\U0001f3fd", "ru", True),  # with a skin tone
    ("\u2705 yes", "zh", True),
    ("\U0001f44e", "en", False),  # thumbs down
    ("\u274c", "en", False),
    ("\U0001f44d\U0001f44e", "en", None),  # both: ask again
    ("\U0001f600", "en", None),
    ("maybe later?", "en", None),
    ("what is the refund time", "en", None),
    ("", "en", None),
    ("alright", "en", True),
    ("All right, go ahead", "en", True),
    ("Fine.", "en", True),
    ("perfect", "en", True),
    ("I am fine", "en", None),
    ("fine, but first tell me the refund time", "en", None),
    ("угу", "ru", True),
    ("Ладно, отменяйте", "ru", True),
    ("окей", "ru", True),
    ("ладно, не надо", "ru", False),  # "ok, no need"
    ("please don't", "en", False),
    ("actually keep the order", "en", False),
    ("我改主意了", "zh", False),
    ("先不取消了", "zh", False),
    ("还是保留订单吧", "zh", False),
    ("не отменяйте", "ru", False),
    ("я передумал", "ru", False),
    ("嗯", "zh", None),  # a sound, not a yes
    ("嗯，好的", "zh", True),
    ("好的呢", "zh", True),
    ("好呢", "zh", True),
    ("好的呢？", "zh", None),
    ("那退款呢", "zh", None),
    ("Fine, keep it", "en", False),
    ("ладно, оставьте", "ru", False),
    ("Perfect, the wrong item again", "en", None),
    ("great job", "en", None),
    ("Идет дождь", "ru", None),
    ("ok, leave it", "en", None),
])  # fmt: skip
def test_is_confirmation(text: str, language: str, answer: bool | None) -> None:
    assert is_confirmation(text, language) is answer


def test_fill_slots_reads_earlier_turns_and_the_remembered_order() -> None:
    history = [
        "Hi, my name is Noah Brown, zip 80279",
        "My order #W0000003 arrived, the water bottle leaks",
    ]
    slots = fill_slots(
        "I'd like to return it, refund to my gift card",
        history,
        remembered_order_id="#W0000003",
        items=ITEMS,
        refund_choices=["credit_card_1", "gift_card_4374071"],
    )
    assert (slots.name, slots.zip, slots.order_id) == ("Noah Brown", "80279", "#W0000003")
    assert slots.item_ids == ["6469567736"]
    assert slots.payment_method_id == "gift_card_4374071"
    parsed = parse_slots(ReturnOrder(), slots.for_action())
    assert parsed.model_dump() == {
        "order_id": "#W0000003",
        "item_ids": ["6469567736"],
        "payment_method_id": "gift_card_4374071",
    }


def test_fill_slots_prefers_the_order_named_now() -> None:
    slots = fill_slots("and #W0000009?", ["where is #W0000001"], remembered_order_id="#W0000001")
    assert slots.order_id == "#W0000009"
    assert fill_slots("cancel it", ["where is #W0000001"]).order_id == "#W0000001"
    assert fill_slots("hello").order_id is None


@pytest.mark.parametrize(("text", "ordinal", "status"), [
    ("Cancel the first one please", 0, None),
    ("the second order", 1, None),
    ("Отмените второй заказ", 1, None),
    ("первый", 0, None),
    ("取消第一个", 0, None),
    ("最后那个", -1, None),
    ("the last one", -1, None),
    ("Let me ask first", None, None),
    ("the pending one", None, "pending"),
    ("Отмените ожидающий заказ", None, "pending"),
    ("待处理的那个", None, "pending"),
    ("the delivered order", None, "delivered"),
    ("Покажите мои последние заказы", None, None),  # several: no one order
    ("первым заказом", 0, None),
    ("последнюю из них", -1, None),
    ("cancel it", None, None),
    ("отмените второй", 1, None),  # the ordinal ends the message
    ("cancel the second", 1, None),
    ("Let me ask the first time", None, None),
])  # fmt: skip
def test_order_references_by_position_and_status(
    text: str, ordinal: int | None, status: str | None
) -> None:
    assert ordinal_reference(text) == ordinal
    assert status_reference(text) == status
    assert refers_to_order(text) or (ordinal, status) == (None, None)


def test_an_earlier_because_about_something_else_is_no_reason() -> None:
    history = ["Hi, I'm writing because I have a question about order #W1234567"]
    assert fill_slots("Please cancel it", history).reason is None
    assert fill_slots("Please cancel it", ["I ordered it by mistake"]).reason == (
        "ordered by mistake"
    )
    assert fill_slots("cancel it because it is late", history).reason == "it is late"


def test_a_loose_name_never_replaces_an_item_named_before_nor_reads_a_vague_word() -> None:
    items = [
        {"name": "Running Shoes", "item_id": "1"},
        {"name": "Yoga Mat", "item_id": "2"},
        {"name": "Gift Card", "item_id": "3"},
        {"name": "Phone Case", "item_id": "4"},
    ]
    earlier = ["I want to return the running shoes from #W1234567"]
    now = fill_slots("to my original card please", earlier, items=items)
    assert now.item_ids == ["1"]
    assert item_mentions("in that case refund it to the original method", items) == []
    assert item_mentions("return the mat too", items) == ["2"]
    both = [{"name": "Water Bottle", "item_id": "5"}, {"name": "Office Chair", "item_id": "6"}]
    assert item_mentions("return the water bottle and the chair", both) == ["5", "6"]


def test_an_item_is_named_in_another_grammatical_case_or_by_its_head_noun() -> None:
    mug = [{"name": "Термокружка", "item_id": "1"}, {"name": "Сито", "item_id": "2"}]
    assert item_mentions("Хочу вернуть термокружку", mug) == ["1"]
    assert item_mentions("верните сито и термокружку", mug) == ["1", "2"]
    tea = [{"name": "无线耳机", "item_id": "1"}, {"name": "龙井茶", "item_id": "2"}]
    assert item_mentions("耳机不要了，帮我取消", tea) == ["1"]
    assert item_mentions("茶不要了", tea) == []  # a three-character name's last character alone
    two = [{"name": "无线耳机", "item_id": "1"}, {"name": "蓝牙耳机", "item_id": "2"}]
    assert item_mentions("耳机不要了", two) == []  # both end so: neither is meant


def test_an_item_named_loosely_beside_one_named_in_full_counts_too() -> None:
    items = [
        {"name": "Mechanical Keyboard", "item_id": "1"},
        {"name": "Mouse Pad", "item_id": "2"},
        {"name": "Wireless Mouse", "item_id": "3"},
    ]
    found = fill_slots("Return the keyboard and the mouse pad from #A-20940", items=items)
    assert found.item_ids == ["1", "2"]
