# ruff: noqa: RUF001 - Chinese and Russian text and punctuation, as customers write them
"""PII spans and the redactor that hides them from an LLM and puts them back."""

from __future__ import annotations

import random

import pytest

from deskpilot.kit.pii import (
    PiiKind,
    PiiSpan,
    Redactor,
    find_pii,
    iban_valid,
    luhn_valid,
)


def kinds(text: str, region: str | None = None) -> list[tuple[PiiKind, str]]:
    return [(span.kind, span.value) for span in find_pii(text, region)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail me at anna.b+shop@example.co.uk.", [(PiiKind.EMAIL, "anna.b+shop@example.co.uk")]),
        ("我的邮箱是anna@example.com谢谢", [(PiiKind.EMAIL, "anna@example.com")]),
        ("почта: иван@почта.рф, жду", [(PiiKind.EMAIL, "иван@почта.рф")]),
        ("Мой email ivan.petrov@mail.ru.", [(PiiKind.EMAIL, "ivan.petrov@mail.ru")]),
        ("call +44 20 7946 0958 please", [(PiiKind.PHONE, "+44 20 7946 0958")]),
        ("我的电话是13812345678，谢谢", [(PiiKind.PHONE, "13812345678")]),
        ("Мой телефон 8 (916) 123-45-67", [(PiiKind.PHONE, "8 (916) 123-45-67")]),
        ("card 4111 1111 1111 1111 exp 12/27", [(PiiKind.CARD, "4111 1111 1111 1111")]),
        ("卡号6250941006528599已经扣款", [(PiiKind.CARD, "6250941006528599")]),
        (
            "IBAN DE89 3704 0044 0532 0130 00 PLEASE",
            [(PiiKind.IBAN, "DE89 3704 0044 0532 0130 00")],
        ),
        ("счёт GB82WEST12345698765432.", [(PiiKind.IBAN, "GB82WEST12345698765432")]),
        ("from 192.168.1.10.", [(PiiKind.IP, "192.168.1.10")]),
        ("v6 2001:db8::8a2e:370:7334 here", [(PiiKind.IP, "2001:db8::8a2e:370:7334")]),
    ],
)
def test_finds_each_kind(text: str, expected: list[tuple[PiiKind, str]]) -> None:
    assert kinds(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Where is order #W1234567?",
        "订单号 #W7654321 还没发货",
        "Заказ #W2345678 не пришёл",
        "I paid 1299.99 on 2024-05-01 at 10:30:45",
        "card 4111 1111 1111 1112",  # Luhn fails
        "IBAN DE89 3704 0044 0532 0130 01",  # mod 97 fails
        "version 999.1.1.1 and 1.2.3",
        "tracking 1Z999AA10123456784",
        "email me at anna@ or @example.com",
    ],
)
def test_not_pii(text: str) -> None:
    assert find_pii(text) == []


def test_spans_index_the_text() -> None:
    text = "Я Иван, ivan@mail.ru, +7 916 123-45-67, заказ #W1234567"
    spans = find_pii(text)
    assert [s.kind for s in spans] == [PiiKind.EMAIL, PiiKind.PHONE]
    assert all(text[s.start : s.end] == s.value for s in spans)


def test_default_region_limits_national_numbers() -> None:
    text = "call (415) 555-2671"
    assert kinds(text, "US") == [(PiiKind.PHONE, "(415) 555-2671")]
    assert kinds(text, "DE") == []
    assert kinds("call +1 415 555 2671", "DE") == [(PiiKind.PHONE, "+1 415 555 2671")]


def test_overlaps_keep_the_stronger_kind() -> None:
    # The card number is also a long digit run phonenumbers could read; it is one card.
    spans = find_pii("pay with 4012 8888 8888 1881 now")
    assert spans == [PiiSpan(PiiKind.CARD, 9, 28, "4012 8888 8888 1881")]


def test_checksums() -> None:
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("4111111111111112")
    assert iban_valid("DE89370400440532013000")
    assert not iban_valid("DE89370400440532013001")
    assert not iban_valid("DE8937040044053201300")  # one character short for Germany


def test_same_value_same_placeholder_across_messages() -> None:
    redactor = Redactor()
    first = redactor.redact("I am anna@example.com, phone +44 20 7946 0958")
    second = redactor.redact("again: anna@example.com, and my other one bob@example.org")
    assert first.text == "I am [EMAIL_1], phone [PHONE_1]"
    assert second.text == "again: [EMAIL_1], and my other one [EMAIL_2]"
    assert second.mapping == {
        "[EMAIL_1]": "anna@example.com",
        "[PHONE_1]": "+44 20 7946 0958",
        "[EMAIL_2]": "bob@example.org",
    }


def test_restore_puts_values_into_an_llm_reply() -> None:
    redactor = Redactor(default_region="CN")
    redacted = redactor.redact("我的手机13812345678，邮箱li.wei@example.cn，订单#W1234567")
    assert redacted.text == "我的手机[PHONE_1]，邮箱[EMAIL_1]，订单#W1234567"
    reply = "好的，我们会发短信到[PHONE_1]，并发邮件到[EMAIL_1]。[EMAIL_7]不是我们发的。"
    assert redactor.restore(reply) == (
        "好的，我们会发短信到13812345678，并发邮件到li.wei@example.cn。[EMAIL_7]不是我们发的。"
    )


def test_a_fresh_redactor_knows_no_placeholders() -> None:
    assert Redactor().restore("[EMAIL_1]") == "[EMAIL_1]"


VALUES = [
    "anna@example.com",
    "ivan.petrov@mail.ru",
    "+7 916 123-45-67",
    "13812345678",
    "+44 20 7946 0958",
    "4111 1111 1111 1111",
    "5500-0000-0000-0004",
    "DE89 3704 0044 0532 0130 00",
    "GB82WEST12345698765432",
    "192.168.1.10",
    "2001:db8::1",
    "#W1234567",
]
FILLERS = [
    "hello", "my", "order", "is", "late", ",", "。", "我的", "订单", "电话", "邮箱",
    "мой", "заказ", "телефон", "почта", ":", "!", "(", ")", "and", "и", "和", "\n",
]  # fmt: skip


def _generated(seed: int) -> str:
    rng = random.Random(seed)
    parts = [
        rng.choice(VALUES if rng.random() < 0.35 else FILLERS) for _ in range(rng.randint(1, 14))
    ]
    # Glued to CJK or punctuation is fine; glued to Latin letters ("late2001:db8::1") is not
    # a value anyone can tell apart, so values get spaces around them in the glued variant.
    if rng.random() < 0.5:
        return " ".join(parts)
    return "".join(f" {part} " if part in VALUES else part for part in parts)


@pytest.mark.parametrize("seed", range(60))
def test_restore_of_redact_is_the_identity(seed: int) -> None:
    text = _generated(seed)
    redactor = Redactor()
    redacted = redactor.redact(text)
    assert redactor.restore(redacted.text) == text
    for value in set(redactor.mapping.values()):
        assert value not in redacted.text
    assert "#W1234567" not in redactor.mapping.values()
