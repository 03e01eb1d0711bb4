"""Personal data in free text, and a redactor that swaps it for placeholders and back.

What counts as PII here (``PiiKind``), each confirmed by a check, not by a pattern alone:

- ``email``: an address shape, confirmed by ``email-validator`` (syntax only, no DNS).
- ``phone``: ``phonenumbers`` at leniency VALID. Numbers written with ``+`` are found in any
  region; national numbers in ``default_region``, or when it is None, in any of
  ``FALLBACK_REGIONS`` (the markets the product ships languages for).
- ``card``: 13-19 digits, written as one run or in groups (4-4-4-4[-3], Amex 4-6-5), with a
  card network's leading digits and a valid Luhn checksum.
- ``iban``: country code, check digits, 11-30 letters or digits (space-grouped or not), the
  country's length where known, and ISO 13616 mod 97 == 1.
- ``ip``: IPv4 or IPv6 addresses, confirmed by ``ipaddress``.

Not PII on purpose: order ids (``#W1234567``), ticket numbers, amounts, dates. The AI needs them
to act on the customer's request, and they identify nobody without the database.

Patterns use ASCII classes for boundaries, so a value glued to Chinese text ("邮箱anna@x.com")
or to Cyrillic words is still found.

``Redactor`` keeps one placeholder per distinct value for its lifetime (one conversation):
the second mention of the same address gets the same ``[EMAIL_1]``, and ``restore`` puts the
originals back into a reply that quotes the placeholders. Placeholders are keyed by the exact
text, so ``restore(redact(x)) == x``.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import phonenumbers
from email_validator import EmailNotValidError, validate_email


class PiiKind(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    CARD = "card"
    IBAN = "iban"
    IP = "ip"


PRIORITY: tuple[PiiKind, ...] = (
    PiiKind.EMAIL,
    PiiKind.IBAN,
    PiiKind.CARD,
    PiiKind.IP,
    PiiKind.PHONE,
)
"""When two findings overlap, the earlier kind wins (an IBAN's digits are not also a phone)."""

FALLBACK_REGIONS: tuple[str, ...] = ("CN", "RU", "US", "GB")

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9\u0400-\u04ff._%+\-])[A-Za-z0-9\u0400-\u04ff]"
    r"(?:[A-Za-z0-9\u0400-\u04ff._%+\-]{0,63})@"
    r"(?:[A-Za-z0-9\u0400-\u04ff](?:[A-Za-z0-9\u0400-\u04ff\-]{0,62})\.)+"
    r"[A-Za-z\u0400-\u04ff]{2,24}(?![A-Za-z0-9\u0400-\u04ff])"
)
_CARD = re.compile(
    r"(?<![0-9A-Za-z])(?<!\d[ \-])"
    r"(?:\d{13,19}|\d{4}([ \-])\d{4}\1\d{4}\1\d{1,4}(?:\1\d{1,3})?|\d{4}[ \-]\d{6}[ \-]\d{4,5})"
    r"(?![0-9A-Za-z])(?![ \-]\d)"
)
"""Card numbers as people write them: one run of digits, groups of four, or Amex's 4-6-5;
not a piece of a longer run of digit groups."""
_CARD_PREFIX = re.compile(r"^(?:4|5[1-5]|2[2-7]|3[47]|3[068]|35|6)")
_IBAN = re.compile(r"(?<![0-9A-Za-z])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![0-9a-z])")
_IPV4 = re.compile(r"(?<![0-9.])(?:\d{1,3}\.){3}\d{1,3}(?!\.?\d)")
_IPV6 = re.compile(
    r"(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|:)(?![0-9A-Za-z:])"
)

IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18,
    "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33,
    "SA": 24, "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23,
    "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class PiiSpan:
    """``text[start:end] == value``."""

    kind: PiiKind
    start: int
    end: int
    value: str


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        number = int(char)
        if index % 2 == 1:
            number = number * 2 - 9 if number > 4 else number * 2
        total += number
    return total % 10 == 0


def iban_valid(compact: str) -> bool:
    """ISO 13616: the country's length (when known) and mod 97 of the rearranged number is 1."""
    if not 15 <= len(compact) <= 34 or not compact.isalnum():
        return False
    expected = IBAN_LENGTHS.get(compact[:2])
    if expected is not None and len(compact) != expected:
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def _emails(text: str) -> list[PiiSpan]:
    found = []
    for match in _EMAIL.finditer(text):
        value = match.group().rstrip(".")
        try:
            validate_email(value, check_deliverability=False)
        except EmailNotValidError:
            continue
        found.append(PiiSpan(PiiKind.EMAIL, match.start(), match.start() + len(value), value))
    return found


def _cards(text: str) -> list[PiiSpan]:
    found = []
    for match in _CARD.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if 13 <= len(digits) <= 19 and _CARD_PREFIX.match(digits) and luhn_valid(digits):
            found.append(PiiSpan(PiiKind.CARD, match.start(), match.end(), match.group()))
    return found


def _ibans(text: str) -> list[PiiSpan]:
    """The longest prefix of each candidate, cut at a character or group boundary, that is a
    valid IBAN (the pattern may run on into a following upper-case word)."""
    found = []
    for match in _IBAN.finditer(text):
        raw = match.group()
        for end in range(len(raw), 14, -1):
            candidate = raw[:end]
            if candidate.endswith(" "):
                continue
            if iban_valid(candidate.replace(" ", "")):
                start = match.start()
                found.append(PiiSpan(PiiKind.IBAN, start, start + end, candidate))
                break
    return found


def _ips(text: str) -> list[PiiSpan]:
    found = []
    for match in _IPV4.finditer(text):
        try:
            ipaddress.IPv4Address(match.group())
        except ValueError:
            continue
        found.append(PiiSpan(PiiKind.IP, match.start(), match.end(), match.group()))
    for match in _IPV6.finditer(text):
        value = match.group()
        if sum(1 for part in value.split(":") if part) < 2:
            continue  # "::1"-like fragments and clock times are not worth a placeholder
        try:
            ipaddress.IPv6Address(value)
        except ValueError:
            continue
        found.append(PiiSpan(PiiKind.IP, match.start(), match.end(), value))
    return found


def _phones(text: str, default_region: str | None) -> list[PiiSpan]:
    regions: Sequence[str] = (default_region.upper(),) if default_region else FALLBACK_REGIONS
    found: dict[tuple[int, int], PiiSpan] = {}
    for region in regions:
        matcher = phonenumbers.PhoneNumberMatcher(
            text, region, leniency=phonenumbers.Leniency.VALID
        )
        for match in matcher:
            key = (match.start, match.end)
            found.setdefault(key, PiiSpan(PiiKind.PHONE, match.start, match.end, match.raw_string))
    return list(found.values())


def find_pii(text: str, default_region: str | None = None) -> list[PiiSpan]:
    """Every PII span of ``text``, in text order, never overlapping (see ``PRIORITY``)."""
    candidates: dict[PiiKind, list[PiiSpan]] = {
        PiiKind.EMAIL: _emails(text),
        PiiKind.IBAN: _ibans(text),
        PiiKind.CARD: _cards(text),
        PiiKind.IP: _ips(text),
        PiiKind.PHONE: _phones(text, default_region),
    }
    chosen: list[PiiSpan] = []
    for kind in PRIORITY:
        for span in sorted(candidates[kind], key=lambda s: (s.start, -s.end)):
            if all(span.end <= other.start or span.start >= other.end for other in chosen):
                chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


@dataclass(frozen=True, slots=True)
class Redacted:
    """The text with placeholders, and every placeholder this redactor has issued so far."""

    text: str
    mapping: dict[str, str]
    spans: tuple[PiiSpan, ...] = ()


_PLACEHOLDER = re.compile(r"\[(" + "|".join(k.value.upper() for k in PiiKind) + r")_(\d+)\]")


@dataclass(slots=True)
class Redactor:
    """Placeholders for one conversation: ``[EMAIL_1]``, ``[PHONE_2]``...; the same value keeps
    the same placeholder across every ``redact`` call of this redactor.

    A text that already contains placeholder-shaped words (``[EMAIL_1]`` typed by the customer)
    is not protected: ``restore`` would replace them too.
    """

    default_region: str | None = None
    _by_value: dict[tuple[PiiKind, str], str] = field(default_factory=dict)
    _by_placeholder: dict[str, str] = field(default_factory=dict)
    _counts: dict[PiiKind, int] = field(default_factory=dict)

    def placeholder_for(self, kind: PiiKind, value: str) -> str:
        key = (kind, value)
        existing = self._by_value.get(key)
        if existing is not None:
            return existing
        number = self._counts.get(kind, 0) + 1
        self._counts[kind] = number
        placeholder = f"[{kind.value.upper()}_{number}]"
        self._by_value[key] = placeholder
        self._by_placeholder[placeholder] = value
        return placeholder

    def redact(self, text: str, spans: Sequence[PiiSpan] | None = None) -> Redacted:
        """``text`` with placeholders; ``spans`` are its PII when already found (understanding
        finds them once per message), else they are looked for here."""
        spans = list(spans) if spans is not None else find_pii(text, self.default_region)
        parts: list[str] = []
        cursor = 0
        for span in spans:
            parts.append(text[cursor : span.start])
            parts.append(self.placeholder_for(span.kind, span.value))
            cursor = span.end
        parts.append(text[cursor:])
        return Redacted("".join(parts), dict(self._by_placeholder), tuple(spans))

    def restore(self, text: str) -> str:
        """Put the original values back for every placeholder this redactor issued; unknown
        placeholders (an LLM inventing ``[EMAIL_9]``) are left as they are."""

        def put_back(match: re.Match[str]) -> str:
            return self._by_placeholder.get(match.group(), match.group())

        return _PLACEHOLDER.sub(put_back, text)

    @property
    def mapping(self) -> dict[str, str]:
        return dict(self._by_placeholder)
