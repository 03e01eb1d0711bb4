# ruff: noqa: RUF001 - Chinese and Russian text and punctuation, as customers write them
"""National ids, US street addresses and the customer's own known values in free text."""

from __future__ import annotations

import random

import pytest

from deskpilot.kit.pii import (
    KnownValues,
    PiiKind,
    Redactor,
    cn_id_valid,
    find_pii,
    inn_valid,
    snils_valid,
    ssn_valid,
)


def kinds(text: str, known: KnownValues | None = None) -> list[tuple[PiiKind, str]]:
    return [(span.kind, span.value) for span in find_pii(text, known=known)]


# --- checksums ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("11010519491231002X", True),  # the standard's own example
        ("11010519491231002x", True),
        ("440306198508151233", True),
        ("510107199202290044", True),  # 29 February of a leap year
        ("440306198508151234", False),  # check character
        ("11010519491231002Y", False),
        ("510107199302290041", False),  # no 29 February in 1993
        ("440306198513151236", False),  # month 13
        ("990306198508151233", False),  # no province 99
        ("440306180008151233", False),  # born 1800
        ("4403061985081512", False),
    ],
)
def test_cn_id_check(value: str, valid: bool) -> None:
    assert cn_id_valid(value) is valid


def test_russian_checksums() -> None:
    assert snils_valid("11223344595")
    assert not snils_valid("11223344596")
    assert not snils_valid("00100199800")  # issued before check numbers
    assert inn_valid("7707083893")
    assert not inn_valid("7707083894")
    assert inn_valid("500100732259")
    assert not inn_valid("500100732258")
    assert not inn_valid("50010073225")


@pytest.mark.parametrize(
    ("ssn", "valid"),
    [
        ("123-45-6789", True),
        ("000-12-3456", False),
        ("666-12-3456", False),
        ("912-12-3456", False),
        ("123-00-4567", False),
        ("123-45-0000", False),
    ],
)
def test_ssn_ranges(ssn: str, valid: bool) -> None:
    assert ssn_valid(*ssn.split("-")) is valid
    assert (kinds(f"my SSN is {ssn}.") == [(PiiKind.US_SSN, ssn)]) is valid


# --- found in sentences ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我的身份证号是11010519491231002X，请帮我查订单", (PiiKind.CN_ID, "11010519491231002X")),
        ("身份证：440306198508151233。", (PiiKind.CN_ID, "440306198508151233")),
        ("ID 440306 19850815 1233 please", (PiiKind.CN_ID, "440306 19850815 1233")),
        ("Мой паспорт 45 06 123456, выдан ОВД", (PiiKind.RU_PASSPORT, "45 06 123456")),
        ("Паспорт: серия 4506 номер 123456.", (PiiKind.RU_PASSPORT, "4506 номер 123456")),
        ("серия и номер 4506123456", (PiiKind.RU_PASSPORT, "4506123456")),
        ("passport 4506 123456 please", (PiiKind.RU_PASSPORT, "4506 123456")),
        ("СНИЛС 112-233-445 95, спасибо", (PiiKind.RU_SNILS, "112-233-445 95")),
        ("мой снилс 11223344595", (PiiKind.RU_SNILS, "11223344595")),
        ("ИНН 7707083893 для счёта", (PiiKind.RU_INN, "7707083893")),
        ("мой ИНН: 500100732259.", (PiiKind.RU_INN, "500100732259")),
        ("SSN 123-45-6789, thanks", (PiiKind.US_SSN, "123-45-6789")),
        ("I live at 12 Main St.", (PiiKind.ADDRESS, "12 Main St")),
        ("please ship to 12 main st apt 4 today", (PiiKind.ADDRESS, "12 main st apt 4")),
        (
            "new address: 1600 Pennsylvania Avenue NW, Washington, DC 20500",
            (PiiKind.ADDRESS, "1600 Pennsylvania Avenue"),
        ),
        (
            "send it to 123 Main St, Apt 4, Springfield, IL 62704, thanks",
            (PiiKind.ADDRESS, "123 Main St, Apt 4, Springfield, IL 62704"),
        ),
        ("地址是 742 Evergreen Terrace 谢谢", (PiiKind.ADDRESS, "742 Evergreen Terrace")),
        (
            "5th: 350 5th Ave, New York, NY 10118",
            (PiiKind.ADDRESS, "350 5th Ave, New York, NY 10118"),
        ),
    ],
)
def test_finds_ids_and_addresses(text: str, expected: tuple[PiiKind, str]) -> None:
    assert kinds(text) == [expected]


def test_an_address_after_an_order_number_starts_at_the_street_number() -> None:
    assert kinds("please move order 123 to 12 Main St") == [(PiiKind.ADDRESS, "12 Main St")]
    assert kinds("#W0000001 to 12 Main St") == [(PiiKind.ADDRESS, "12 Main St")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Order 2 Main St lamps and 10 Oak Court tables",
            "Order 2 Main St lamps and 10 Oak Court tables",
        ),
        (
            "Send 3 Star Wars Lego Way sets to 12 main st",
            "Send 3 Star Wars Lego Way sets to [ADDRESS_1]",
        ),
        ("I bought 2 Tennis Court shoes", "I bought 2 Tennis Court shoes"),
        ("I want 2 Main St floor lamps", "I want 2 Main St floor lamps"),
        ("2 Park Ave shirts, please", "2 Park Ave shirts, please"),
        # a suffix the address ends at: end, punctuation, a unit, a city or a joining word
        ("I live at 12 Main St and my zip is 62704", "I live at [ADDRESS_1] and my zip is 62704"),
        ("ship to 12 Main St please", "ship to [ADDRESS_1] please"),
        ("ship to 12 Main St today", "ship to [ADDRESS_1] today"),
        ("12 Oak Court, thanks", "[ADDRESS_1], thanks"),
        ("12 Oak Court Apt 4 is mine", "[ADDRESS_1] is mine"),
        ("12 Oak Court #5 is mine", "[ADDRESS_1] is mine"),
        ("at 12 Oak Court.", "at [ADDRESS_1]."),
        ("12 Oak Court Boulder CO", "[ADDRESS_1] Boulder CO"),
        ("12 Main St 地址", "[ADDRESS_1] 地址"),
        ("lamps to 12 Main St, Denver, CO 80202 now", "lamps to [ADDRESS_1] now"),
    ],
)
def test_a_street_suffix_followed_by_a_word_is_a_product_name(text: str, expected: str) -> None:
    redactor = Redactor()
    assert redactor.redact(text).text == expected
    assert redactor.restore(expected) == text


def test_a_long_text_without_commas_keeps_its_address() -> None:
    text = "1 a " * 5000 + "ship to 12 Main St, Denver, CO 80202 please"
    assert kinds(text) == [(PiiKind.ADDRESS, "12 Main St, Denver, CO 80202")]
    assert len(kinds("2 Main St lamps " * 1250)) == 0


def test_an_unknown_state_keeps_only_the_street_line() -> None:
    assert kinds("12 Main St, Springfield, ZZ 62704") == [(PiiKind.ADDRESS, "12 Main St")]


@pytest.mark.parametrize(
    "text",
    [
        "Where is order #W1234567?",
        "订单号 #W7654321 还没发货",
        "Заказ #W2345678 не пришёл",
        "I paid 1299.99 on 2024-05-01 at 10:30:45",
        "tracking 1Z999AA10123456784 and 357962501027",
        "快递单号 773012345678901 还没到",
        "ship 3 items please",
        "I need 2 more days",
        "it costs 5 dollars per way",
        "it was a 2 hour test drive",
        "I want 3 of them in the 2nd row",
        "bought 2 Water Bottle and 1 Office Chair",
        "item 6469567736 and item 8426249116",  # 10 digits, no ИНН word
        "номер заказа 4506123456",  # 10 digits, no passport word
        "ИНН 7707083894",  # check digit fails
        "паспорт 0006 123456",  # region 00
        "паспорт 4550 123456",  # no passport series year 50
        "110105194912310021",  # CN id with a wrong check character
        "1101051949123100211",  # 19 digits: a longer run, not an id
        "card 11010519491231002X9",
        "SSN 666-45-6789",
        "phone 415-555-2671 ext 12",
        "dates 2024-05-01 and 01-05-2024",
        "112-233-445 96",  # SNILS check fails
    ],
)
def test_not_pii(text: str) -> None:
    assert [span for span in find_pii(text) if span.kind != PiiKind.PHONE] == []


def test_the_old_kinds_still_win_their_overlaps() -> None:
    assert kinds("card 4111 1111 1111 1111, SSN 123-45-6789") == [
        (PiiKind.CARD, "4111 1111 1111 1111"),
        (PiiKind.US_SSN, "123-45-6789"),
    ]


# --- known values ---------------------------------------------------------------------------

NOAH = KnownValues(names=("Noah Brown",), addresses=("12 Main St",), zips=("80279",))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "I'm Noah Brown, zip 80279, where is my order?",
            "I'm [NAME_1], zip [ZIP_1], where is my order?",
        ),
        ("this is BROWN NOAH", "this is [NAME_1]"),
        ("Brown, Noah - 80279", "[NAME_1] - [ZIP_1]"),
        ("noah  brown\nhere", "[NAME_1]\nhere"),
        ("我是Noah Brown，邮编80279", "我是[NAME_1]，邮编[ZIP_1]"),
        ("Меня зовут Noah Brown.", "Меня зовут [NAME_1]."),
        ("ship to 12 main st, Denver, CO 80279", "ship to [ADDRESS_1]"),
        ("ship to 12 Main St., please", "ship to [ADDRESS_1], please"),
    ],
)
def test_known_values_are_replaced(text: str, expected: str) -> None:
    redactor = Redactor(known=NOAH)
    redacted = redactor.redact(text)
    assert redacted.text == expected
    assert redactor.restore(redacted.text) == text


@pytest.mark.parametrize(
    "text",
    [
        "Noah Browning called",  # whole words only
        "Noahs Brown bag",
        "a brown bag for noah",  # the name is two words together
        "order 802791 and #W80279",  # the zip inside a longer number or an id
        "total 80279.50",
        "112 Main St",
    ],
)
def test_known_values_are_whole_words(text: str) -> None:
    spans = find_pii(text, known=NOAH)
    assert [s for s in spans if s.kind in (PiiKind.NAME, PiiKind.ZIP)] == []
    if "Main" not in text:
        assert spans == []


def test_a_known_zip_after_a_hash_is_an_order_number() -> None:
    redactor = Redactor(known=KnownValues(zips=("10083",)))
    assert redactor.redact("order #10083, zip 10083").text == "order #10083, zip [ZIP_1]"
    assert redactor.redact("заказ #10083 не пришёл").text == "заказ #10083 не пришёл"
    assert redactor.redact("订单#10083，邮编10083").text == "订单#10083，邮编[ZIP_1]"


def test_a_known_value_inside_an_email_stays_part_of_the_email() -> None:
    known = KnownValues(names=("noah",))
    assert kinds("noah@example.com", known) == [(PiiKind.EMAIL, "noah@example.com")]


def test_names_in_cyrillic_and_chinese() -> None:
    known = KnownValues(names=("Иван Петров", "李伟"))
    redactor = Redactor(known=known)
    assert redactor.redact("Я ПЕТРОВ ИВАН, пишу про заказ").text == "Я [NAME_1], пишу про заказ"
    assert redactor.redact("我叫李伟，订单没到").text == "我叫[NAME_2]，订单没到"
    assert redactor.redact("Петрова Ивана нет").text == "Петрова Ивана нет"


def test_known_values_are_added_to_spans_found_earlier() -> None:
    text = "Noah Brown, anna@example.com"
    redactor = Redactor(known=NOAH)
    assert redactor.redact(text, find_pii(text)).text == "[NAME_1], [EMAIL_1]"


def test_each_way_of_writing_a_name_keeps_its_own_placeholder() -> None:
    redactor = Redactor(known=NOAH)
    first = redactor.redact("Noah Brown here")
    second = redactor.redact("again, noah brown and Noah Brown, zip 80279")
    assert first.text == "[NAME_1] here"
    assert second.text == "again, [NAME_2] and [NAME_1], zip [ZIP_1]"
    reply = "Thanks [NAME_1], we will ship to [ZIP_1]; [NAME_9] is unknown."
    assert (
        redactor.restore(reply) == "Thanks Noah Brown, we will ship to 80279; [NAME_9] is unknown."
    )


def test_empty_known_values_change_nothing() -> None:
    known = KnownValues(names=("", " "), addresses=("",), zips=("1",))
    assert not KnownValues()
    assert Redactor(known=known).redact("1 and nothing").text == "1 and nothing"


VALUES = [
    "11010519491231002X",
    "паспорт 45 06 123456",
    "СНИЛС 112-233-445 95",
    "ИНН 7707083893",
    "123-45-6789",
    "12 Main St",
    "350 5th Ave, New York, NY 10118",
    "Noah Brown",
    "brown noah",
    "NOAH BROWN",
    "80279",
    "#W1234567",
    "anna@example.com",
]
FILLERS = [
    "hello", "my", "order", "is", "late", ",", "。", "我的", "订单", "身份证", "地址",
    "мой", "заказ", "серия", "почта", ":", "!", "(", ")", "and", "и", "和", "\n", "3 items",
]  # fmt: skip


@pytest.mark.parametrize("seed", range(60))
def test_restore_of_redact_is_the_identity(seed: int) -> None:
    rng = random.Random(seed)
    parts = [
        rng.choice(VALUES if rng.random() < 0.4 else FILLERS) for _ in range(rng.randint(1, 14))
    ]
    text = " ".join(parts)
    redactor = Redactor(known=NOAH)
    redacted = redactor.redact(text)
    assert redactor.restore(redacted.text) == text
    for value in ("Noah", "noah", "NOAH", "80279", "11010519491231002X", "123-45-6789"):
        assert value not in redacted.text
    assert "#W1234567" not in redactor.mapping.values()
