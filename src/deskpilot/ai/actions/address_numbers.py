# ruff: noqa: RUF001, RUF003 - Chinese and Russian words and punctuation, as customers write them
"""Numbers around an address: which of them is an order or a phone number rather than a street
number or a postcode (pure functions, shared by the address layouts)."""

from __future__ import annotations

import re

_NUMBER_WORDS = r"(?:заказ[а-яё]*|номер|телефон[а-яё]*|тел\.|order|phone|订单号?|单号|电话|手机)"
# a number soon after these words is an order, a phone or some other number, not a postcode
OTHER_NUMBER = re.compile(_NUMBER_WORDS + r"[\W\d]{0,16}$", re.IGNORECASE)
# the first number after them is no street number ("Order 12345 go to 55 Broadway"), unless a
# line break comes between ("my order:\n12 Main St")
_FIRST_OTHER_NUMBER = re.compile(
    _NUMBER_WORDS + r"(?:\s*(?:no|nr|num|number)\b)?[^\w\n]{0,16}\Z", re.IGNORECASE
)
# "my order: 12 Main St": a street line after "order:" is read when no other one is
_ORDER_COLON = re.compile(r"(?:order|заказ[а-яё]*)\s*[:：]\s*\Z", re.IGNORECASE)
# "Адрес доставки заказа: 190000, ...", "New address for my order: 12 Main St": one clause of
# address words up to the colon says the number after it may be the address's own; a number
# label ("номер заказа:", "№:", "订单号：") or a clause break ("地址有误，订单：") says it is not
_ADDRESS_LEAD = re.compile(
    r"(?:адрес|address|地址)(?:(?!номер|№|#|number|\bno\b|号)[^:：\n,，.。;；!！?？]){0,40}[:：]\s*$",
    re.IGNORECASE,
)

# Words that follow a number without being a street name: "order 123 to 12 Main St".
NOT_A_STREET = r"(?:to|at|in|on|is|for|from|and|or|with|by|of)(?![A-Za-z])"


def number_rank(before: str, other: re.Pattern[str]) -> int | None:
    """How likely a number after ``before`` is part of the address: 0 with no order or phone
    word just before it, 1 when address words lead up to it through one ("New address for my
    order: "), None when it is an order or phone number."""
    if other.search(before[-32:]) is None:
        return 0
    return 1 if _ADDRESS_LEAD.search(before) is not None else None


def street_rank(before: str) -> int | None:
    """``number_rank`` for a street number, and 2 after a bare "order:" ("my order: 12 Main St")."""
    rank = number_rank(before, _FIRST_OTHER_NUMBER)
    return 2 if rank is None and _ORDER_COLON.search(before) else rank


def zip_match(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The postcode: a labelled one first, else the first that no "order" or "phone" precedes,
    else one that address words lead up to ("Адрес доставки заказа: 190000")."""
    found = list(pattern.finditer(text))
    labelled = [m for m in found if not m.group(0)[0].isdigit()]
    ranked = [
        (number_rank(text[max(0, m.start() - 64) : m.start()], OTHER_NUMBER), m) for m in found
    ]
    bare = [m for rank, m in ranked if rank == 0]
    led = [m for rank, m in ranked if rank == 1]
    chosen = labelled or bare or led
    return chosen[0] if chosen else None
