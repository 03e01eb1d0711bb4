# ruff: noqa: RUF001, RUF003 - Chinese and Russian text, as customers write it
"""A new shipping address written the Russian or the Chinese way is read into the order's
address fields, so a zh or ru customer can move a pending order without an agent."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from deskpilot.ai.actions.addresses import cn_address, postal_address, ru_address
from deskpilot.ai.actions.slots import fill_slots, stated_details
from deskpilot.kit.db import Database
from deskpilot.models import Order
from tests.ai.actions.shop import Shop

MOSCOW = {"address1": "ул. Ленина, д. 5", "address2": "кв. 12", "city": "Москва", "zip": "101000"}
SHANGHAI = {
    "city": "上海市",
    "address1": "浦东新区世纪大道100号",
    "address2": "5楼",
    "zip": "200120",
}


@pytest.mark.parametrize(("text", "expected"), [
    ("Измените адрес доставки заказа #W0000001 на: г. Москва, ул. Ленина, д. 5, кв. 12, 101000",
     MOSCOW),
    ("Новый адрес: 101000, г. Москва, ул. Ленина, д. 5, кв. 12", MOSCOW),
    ("ул. Ленина, д. 5, кв. 12, Москва, индекс 101000. Спасибо!", MOSCOW),
    ("ул. Ленина 5-12, Москва 101000", {"address1": "ул. Ленина 5-12", "city": "Москва",
                                         "zip": "101000"}),
    ("Пришлите на Санкт-Петербург, Невский пр-т, д. 28, 191186",
     {"address1": "Невский пр-т, д. 28", "city": "Санкт-Петербург", "zip": "191186"}),
    ("Московская обл., г. Химки, ул. Победы, д. 3, кв. 7, 141400, Россия",
     {"state": "Московская обл.", "city": "Химки", "address1": "ул. Победы, д. 3",
      "address2": "кв. 7", "zip": "141400", "country": "Россия"}),
    # the city right after an order number's colon (a review saw the address asked for again)
    ("измените адрес доставки MX-3301: Москва, ул. Тверская, д. 7, кв. 12, 125009, Россия",
     {"city": "Москва", "address1": "ул. Тверская, д. 7", "address2": "кв. 12", "zip": "125009",
      "country": "Россия"}),
    # another country, and the words leading up to it kept out (a review saw them saved)
    ("измените адрес заказа 48213077-0012: Республика Беларусь, г. Минск, ул. Немига 5, кв. 12, "
     "220004",
     {"country": "Беларусь", "city": "Минск", "address1": "ул. Немига 5", "address2": "кв. 12",
      "zip": "220004"}),
])  # fmt: skip
def test_russian_addresses(text: str, expected: dict[str, str]) -> None:
    assert ru_address(text) == expected
    assert postal_address(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("请把订单#W0000001的地址改成上海市浦东新区世纪大道100号5楼，邮编200120", SHANGHAI),
    ("邮编200120，地址：上海市浦东新区世纪大道100号5楼", SHANGHAI),
    ("新地址：广东省深圳市南山区科技园路1号A座1001室 518057",
     {"state": "广东省", "city": "深圳市", "address1": "南山区科技园路1号",
      "address2": "A座1001室", "zip": "518057"}),
    ("北京市朝阳区建国路88号院3号楼502室，邮编100022",
     {"city": "北京市", "address1": "朝阳区建国路88号院", "address2": "3号楼502室",
      "zip": "100022"}),
    # a building's name before its block and room is kept (a review saw it dropped)
    ("地址改成 上海市静安区南京西路1266号恒隆广场2座3801室，邮编200040",
     {"city": "上海市", "address1": "静安区南京西路1266号", "address2": "恒隆广场2座3801室",
      "zip": "200040"}),
    ("上海市徐汇区衡山路10号2栋301室, 200031, China",  # the country after the postcode
     {"city": "上海市", "address1": "徐汇区衡山路10号", "address2": "2栋301室", "zip": "200031",
      "country": "中国"}),
    ("上海市浦东新区世纪大道100号麻烦送到小区门口，邮编200120",  # a request, no building
     {"city": "上海市", "address1": "浦东新区世纪大道100号", "zip": "200120"}),
    ("地址改成北京市朝阳区建国路88号SOHO现代城A座1203，邮编100022",
     {"city": "北京市", "address1": "朝阳区建国路88号", "address2": "SOHO现代城A座1203",
      "zip": "100022"}),
    ("杭州市西湖区文三路90号东部软件园A座1001室，邮编310012",
     {"city": "杭州市", "address1": "西湖区文三路90号", "address2": "东部软件园A座1001室",
      "zip": "310012"}),
])  # fmt: skip
def test_chinese_addresses(text: str, expected: dict[str, str]) -> None:
    assert cn_address(text) == expected
    assert postal_address(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Где мой заказ W123456?",
        "ул. Ленина, Москва, 101000",  # no house number
        "г. Москва, ул. Ленина, д. 5",  # no index
        "Перезвоните мне, пожалуйста, номер 123456",
        "我的订单到哪了？",
        "上海市浦东新区世纪大道100号",  # no postcode
        "订单#W0000001的状态，订单号200120",
        "Адрес доставки, номер заказа: 482913. Новый адрес: ул. Ленина, д. 5, Москва",
        "我想修改收货地址，订单号：123456，改成上海市浦东新区世纪大道100号5楼",
        "收货地址有误，订单：200120 请改成上海市浦东新区世纪大道100号5楼",
        "Здравствуйте.\nул. Ленина, д. 5, кв. 12\n101000\nИванова Мария",  # a name, no city
        "ул. Ленина, д. 5, кв. 12\n101000\nРоссия\nИрина",
        # a name before "Адрес:" or after a phone number is no city
        "Ирина\nАдрес: ул. Ленина, д. 5, 101000",
        "Получатель: Ирина. Адрес: ул. Ленина, д. 5, 101000",
        "Мария Ивановна. Адрес: ул. Ленина, д. 5, 101000",
        "ул. Ленина, д. 5, кв. 12, 101000, тел. 89161234567, Ирина",
        "Ирина, тел. 89161234567, ул. Ленина, д. 5, 101000",
        "Заказ 123456, доставьте на ул. Ленина, д. 5, Москва",  # the order number is no index
    ],
)
def test_what_is_no_address(text: str) -> None:
    assert postal_address(text) is None


def test_long_messages_are_read_quickly_enough_to_finish() -> None:
    # 20,000 characters (the API's limit) of address-like noise: each pattern must give up
    for noise in (
        "ул. 1, ",
        "д. 5 ",
        "上海市路1号",
        "a, " * 3,
        "г. Москва, ",
        "123456 ",
        "改成上海市",
        "1234 AB ",  # European postcodes before a city: each once tried every tail as a country
        "1234ab x ",
        "Berlin 10115 ",
    ):
        text = noise * (20000 // len(noise))
        fill_slots(text, [text, text])  # must not take quadratic time (seconds)
    # one long part without a colon once went through a pattern from every position
    fill_slots("ул. Ленина 5, 101000, " + "слово " * 3300)


def test_slots_and_the_redactor_take_them() -> None:
    text = "Измените адрес заказа #W0000001 на: г. Москва, ул. Ленина, д. 5, кв. 12, 101000"
    assert fill_slots(text).address == MOSCOW
    stated = stated_details([text])
    assert stated.addresses == ("ул. Ленина, д. 5",)
    assert stated.zips == ("101000",)


@pytest.mark.parametrize(
    ("asked", "confirm", "expected", "said"),
    [
        (
            "Измените адрес доставки заказа #W0000001 на: г. Москва, ул. Ленина, д. 5, кв. 12, "
            "101000",
            "да",
            MOSCOW,
            "ул. Ленина, д. 5, кв. 12, Москва, 101000",
        ),
        (
            "请把订单#W0000001的地址改成上海市浦东新区世纪大道100号5楼，邮编200120",
            "是的",
            SHANGHAI,
            "浦东新区世纪大道100号, 5楼, 上海市, 200120",
        ),
    ],
)
async def test_a_pending_order_moves_to_the_address_written_in_russian_or_chinese(
    customer: Any,
    shop: Shop,
    database: Database,
    asked: str,
    confirm: str,
    expected: dict[str, str],
    said: str,
) -> None:
    noah = customer(f"addr-{confirm}", "noah.brown@example.com")
    question = await noah.say(asked)
    assert said in question[0]["text"]
    await noah.say(confirm)
    async with database.transaction() as session:
        order = (await session.scalars(select(Order).where(Order.external_id == "#W0000001"))).one()
    assert order.shipping_address == expected


@pytest.mark.parametrize(("text", "expected"), [
    # a greeting, a label or a leading word is no city; the place nearest the index is
    ("Здравствуйте, измените адрес доставки на ул. Ленина, д. 5, кв. 12, Москва, 101000", MOSCOW),
    ("Привет Мария, ул. Ленина, д. 5, кв. 12, Москва 101000", MOSCOW),
    # an order or a phone number is no index
    ("Заказ 654321. Новый адрес: ул. Ленина, д. 5, кв. 12, Москва, 101000", MOSCOW),
    ("Мой телефон 8 916 123456, адрес ул. Ленина, д. 5, кв. 12, Москва, 101000", MOSCOW),
    ("Поменяйте адрес: Московская обл., г. Химки, ул. Победы, д. 3, 141400",
     {"state": "Московская обл.", "city": "Химки", "address1": "ул. Победы, д. 3",
      "zip": "141400"}),
    # words leading up to a Chinese address are not part of the province or the city
    ("改成上海市浦东新区世纪大道100号5楼，200120", SHANGHAI),
    ("改为浙江省杭州市西湖区文三路100号，310000",
     {"state": "浙江省", "city": "杭州市", "address1": "西湖区文三路100号", "zip": "310000"}),
    # the labelled postcode wins over an order number
    ("地址改到上海市浦东新区世纪大道100号5楼，订单号：654321，邮编200120", SHANGHAI),
    # the "г." of a year is no city
    ("Измените адрес доставки заказа #W0000001 (оформлен 12.05.2024 г.), новый адрес: "
     "ул. Ленина, д. 5, кв. 12, Москва, 101000", MOSCOW),
    ("Заказ от 12.05.2024 г., новый адрес: ул. Ленина, д. 5, кв. 12, Москва, 101000", MOSCOW),
    # a name signed below the address is no city
    ("Новый адрес: Москва, ул. Ленина, д. 5, кв. 12, 101000\nИван Петров", MOSCOW),
    ("Адрес: Москва, ул. Ленина, д. 5, кв. 12, 101000\nСпасибо, Анна", MOSCOW),
    ("Новый адрес: Москва, ул. Ленина, д. 5, кв. 12, 101000\nАнна\n", MOSCOW),
    # a name greeted is no city; the city may follow the index, on its own line, in lower case
    ("Здравствуйте, Ольга. Адрес: ул. Ленина, д. 5, кв. 12, индекс 101000, Москва", MOSCOW),
    ("Добрый день, Мария! Прошу изменить адрес: ул. Ленина, д. 5, кв. 12, 101000, Москва",
     MOSCOW),
    ("Получатель Иван Петров\nул. Ленина, д. 5, кв. 12\n101000\nМосква", MOSCOW),
    ("Новый адрес: ул. Ленина, д. 5, кв. 12, 101000\nМосква", MOSCOW),
    ("ул. Ленина, д. 5, кв. 12, г. москва, 101000", {**MOSCOW, "city": "москва"}),
    # a name after the index, or on a line below it, is no city when one comes before it
    ("Москва, ул. Ленина, д. 5, кв. 12, 101000. Жду, Анна", MOSCOW),
    ("Москва, ул. Ленина, д. 5, кв. 12, 101000\nИрина, тел. 89161234567", MOSCOW),
    ("Москва, ул. Ленина, д. 5, кв. 12, 101000\nЗаранее спасибо, Ирина", MOSCOW),
    ("Здравствуйте.\nМосква, ул. Ленина, д. 5, кв. 12, 101000\nИрина", MOSCOW),
    ("Анна Петрова. Новый адрес: ул. Ленина, д. 5, кв. 12, 101000, Москва", MOSCOW),
    # a name and surname outside the address is no city; a country or a phone may stand between
    ("Иванова Анна, ул. Ленина, д. 5, кв. 12, 101000, Москва", MOSCOW),
    ("Москва, Россия, ул. Ленина, д. 5, кв. 12, 101000", {**MOSCOW, "country": "Россия"}),
    ("Сергиев Посад, ул. Ленина, д. 5, кв. 12, 101000, Ирина", {**MOSCOW, "city": "Сергиев Посад"}),
    ("ул. Ленина, д. 5, кв. 12, 101000, Россия, Москва", {**MOSCOW, "country": "Россия"}),
    # the city before the words leading up to the street, "г" without a dot
    ("Москва. Адрес: ул. Ленина, д. 5, кв. 12, 101000", MOSCOW),
    ("Город: Москва\nПолучатель: Ирина\nАдрес: ул. Ленина, д. 5, кв. 12\nИндекс: 101000", MOSCOW),
    ("г Москва, ул. Ленина, д. 5, кв. 12, 101000", MOSCOW),
    ("ул. Ленина, д. 5, кв. 12\n101000\nНижний Новгород", {**MOSCOW, "city": "Нижний Новгород"}),
    ("Город: г. Москва\nАдрес: ул. Ленина, д. 5, кв. 12\nИндекс: 101000", MOSCOW),
    # of an old and a new address, the new one
    ("Старый адрес: Казань, ул. Баумана, д. 3, 420111, новый адрес Москва, ул. Ленина, д. 5, "
     "кв. 12, 101000", MOSCOW),
    ("Старый адрес: Казань, ул. Баумана, д. 3, 420111. Новый адрес: Москва, ул. Ленина, д. 5, "
     "кв. 12, 101000", MOSCOW),
    # the postcode right after "адрес ... заказа:" is the address's own; "по адресу" leads in
    ("Адрес доставки заказа: 101000, г. Москва, ул. Ленина, д. 5, кв. 12", MOSCOW),
    ("Прошу доставить по адресу Москва, ул. Ленина, д. 5, кв. 12, 101000", MOSCOW),
    # but not after a number label or another clause
    ("Прошу изменить адрес доставки, номер заказа: 482913. Новый адрес: ул. Ленина, д. 5, "
     "кв. 12, Москва, 101000", MOSCOW),
    ("Новый адрес по заказу №: 554433 — ул. Ленина, д. 5, кв. 12, Москва, 101000", MOSCOW),
])  # fmt: skip
def test_what_surrounds_an_address_stays_out_of_it(text: str, expected: dict[str, str]) -> None:
    assert postal_address(text) == expected
