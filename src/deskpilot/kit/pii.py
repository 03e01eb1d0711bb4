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
- ``cn_id``: a Chinese resident identity number, 18 characters (17 digits and a digit or X),
  one run or grouped 6-8-4, not a piece of a longer digit run: a province code, a real birth
  date (YYYYMMDD at positions 7-14, 1900-2099) and the ISO 7064 MOD 11-2 check character.
- ``ru_passport``: a Russian internal passport, 4 digits of series and 6 of number ("45 06
  123456", "4506 123456", "4506123456", "4506 № 123456"): a region code other than 00, a
  year of issue (97-99 or 00-39) in the series, and a passport word in the same sentence
  (паспорт..., серия/серии, passport): ten bare digits are too ambiguous.
- ``ru_snils``: ``XXX-XXX-XXX YY`` (or ``-YY``) with the SNILS mod 101 checksum; eleven
  bare digits only next to the word СНИЛС/SNILS in the same sentence.
- ``ru_inn``: 10 or 12 digits with the INN check digit(s), and the word ИНН/INN in the same
  sentence (a shop's 10-digit item ids would pass the single check digit one time in ten).
- ``us_ssn``: ``NNN-NN-NNNN`` written with dashes, outside the SSA's never-issued ranges
  (area 000, 666 or 9xx, group 00, serial 0000).
- ``address``: a US street line, a house number starting a word, one to four street-name
  words and a street suffix (St, Ave, Rd, Blvd, Dr, Ln, Way, Ct, Pl...), optionally a unit and
  ", City, ST 12345" with a real USPS state code. A suffix that is also an everyday word
  (Way, Drive, Court, Place...) counts only after a capitalised street name, and words like
  "to", "for", "items" never start a street name: "order 123 to 12 Main St" gives "12 Main
  St", "3 items" nothing. The suffix must end the address: a lower-case word after it other
  than a joining one ("and", "to", "please"...) makes it a product ("2 Main St lamps",
  "2 Tennis Court shoes").
- ``name``, ``zip`` (and ``address``): values the caller already knows belong to the person
  (``KnownValues``: the verified customer's name, postcode and address from their profile),
  found as whole words, case-insensitively, a name's words in any order ("Brown, Noah"), never
  right after "#" ("#10083" is an order number). No pattern can find arbitrary names; these
  at least never leave the process.

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

import bisect
import functools
import ipaddress
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

import phonenumbers
from email_validator import EmailNotValidError, validate_email


class PiiKind(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    CARD = "card"
    IBAN = "iban"
    IP = "ip"
    CN_ID = "cn_id"
    RU_PASSPORT = "ru_passport"
    RU_SNILS = "ru_snils"
    RU_INN = "ru_inn"
    US_SSN = "us_ssn"
    ADDRESS = "address"
    NAME = "name"
    ZIP = "zip"


PRIORITY: tuple[PiiKind, ...] = (
    PiiKind.EMAIL,
    PiiKind.IBAN,
    PiiKind.CN_ID,
    PiiKind.CARD,
    PiiKind.US_SSN,
    PiiKind.RU_SNILS,
    PiiKind.RU_PASSPORT,
    PiiKind.RU_INN,
    PiiKind.IP,
    PiiKind.ADDRESS,
    PiiKind.NAME,
    PiiKind.ZIP,
    PiiKind.PHONE,
)
"""When two findings overlap, the earlier kind wins (an IBAN's digits are not also a phone, a
Chinese id with a Luhn-valid run is not a card, the zip of an address is part of the address)."""

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

# Letters and digits a value must not be glued to (Chinese text and punctuation may touch it).
_WORD = r"0-9A-Za-z\u00c0-\u024f\u0400-\u04ff"

_CN_ID = re.compile(
    r"(?<![0-9A-Za-z])"
    r"(?:\d{17}[\dXx]|(?<!\d[ \-])\d{6} \d{8} \d{3}[\dXx](?![ \-]\d))"
    r"(?![0-9A-Za-z])"
)
"""An 18-character id, one run or 6-8-4; not a piece of a longer run of digits (or, grouped,
of digit groups)."""
_CN_PROVINCES = frozenset((
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82", "83", "91",
))  # fmt: skip
_CN_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

_RU_PASSPORT = re.compile(
    r"(?<![0-9A-Za-z])(?<!\d[ \-])"
    r"(?P<series>\d{2} ?\d{2})(?: ?(?:№|N|No\.?|номер) ?| ?)(?P<number>\d{6})"
    r"(?![0-9A-Za-z])(?![ \-]\d)"
)
_RU_PASSPORT_WORD = re.compile(r"паспорт|сери[яий]|passport", re.IGNORECASE)
_RU_SNILS = re.compile(
    r"(?<![0-9A-Za-z])(?<!\d[ \-])"
    r"(?:(?P<grouped>\d{3}-\d{3}-\d{3}[ \-]\d{2})|(?P<bare>\d{11}))"
    r"(?![0-9A-Za-z])(?![ \-]\d)"
)
_RU_SNILS_WORD = re.compile(r"снилс|snils", re.IGNORECASE)
_RU_INN = re.compile(r"(?<![0-9A-Za-z])(?<!\d[ \-])(?:\d{12}|\d{10})(?![0-9A-Za-z])(?![ \-]\d)")
_RU_INN_WORD = re.compile(
    r"(?<![A-Za-z\u0400-\u04ff])(?:инн|inn)(?![A-Za-z\u0400-\u04ff])", re.IGNORECASE
)
_SENTENCE_END = re.compile(r"[.!?;\n\u3002\uff01\uff1f\uff1b]")  # with the full-width stops

_US_SSN = re.compile(
    r"(?<![0-9A-Za-z\-])(?P<area>\d{3})-(?P<group>\d{2})-(?P<serial>\d{4})(?![0-9A-Za-z]|-\d)"
)

# Street suffixes (USPS abbreviations and their words). Those that are also everyday words
# ("a test drive", "5 dollars per way") count only after a capitalised street name.
_PLAIN_SUFFIXES = (
    "st|street|ave|av|avenue|rd|blvd|boulevard|dr|ln|ct|pl|ter|pkwy|parkway|cir|hwy|sq|trl"
)
_WORD_SUFFIXES = "road|drive|lane|way|court|place|terrace|circle|highway|square|trail|row|loop"
_NOT_A_STREET_WORD = (
    r"(?:to|at|in|on|is|for|from|and|or|with|by|of|the|a|an|my|your|our|his|her|their|per"
    r"|items?|pcs|pieces?|units?|days?|weeks?|months?|years?|hours?|minutes?|times?|more"
    r"|dollars?|usd|rub|yuan)"
)
# Lower-case words that may follow a street line ("12 Main St and my zip is ..."); any other
# ("2 Main St lamps", "2 Tennis Court shoes") makes the number a quantity and the words a product.
_AFTER_A_STREET = (
    r"(?:and|or|but|in|on|at|to|for|from|of|by|near|with|is|was|as|so|if|when|which|where"
    r"|please|pls|instead|today|tomorrow|now|then|asap|thanks|thank|thx|here|there|not|also|too)"
)
_ADDRESS = re.compile(
    r"(?<![0-9A-Za-z_#@./\-])(?P<number>\d{1,6}[A-Za-z]?(?:-\d{1,4})?)"
    r"(?P<name>(?:[ ]+(?!" + _NOT_A_STREET_WORD + r"(?![A-Za-z]))"
    r"(?>[A-Za-z][A-Za-z'\-]*+|\d{1,3}(?:st|nd|rd|th))){1,4}?)"
    r"[ ]+(?P<suffix>" + _PLAIN_SUFFIXES + "|" + _WORD_SUFFIXES + r")(?:\.(?=,))?(?![0-9A-Za-z])"
    # a unit ("Apt 4B", "Suite A", "#5": a number, or one or two letters), or else no
    # lower-case word other than a joining one right after the suffix
    r"(?:(?P<unit>,?[ ]*(?:apt|apartment|suite|ste|unit|fl|floor|room|\#)\.?[ ]*"
    r"(?:[A-Za-z]?\d[A-Za-z0-9\-]{0,7}|[A-Za-z]{1,2})(?![0-9A-Za-z]))"
    r"|(?![ ]+(?!" + _AFTER_A_STREET + r"(?![A-Za-z]))(?-i:[a-z])))"
    r"(?P<tail>,[ ]*[A-Za-z][A-Za-z.'\-]*+(?:[ ][A-Za-z][A-Za-z.'\-]*+){0,3},[ ]*"
    r"(?P<state>[A-Z]{2})[ ]+\d{5}(?:-\d{4})?(?![0-9A-Za-z]))?",
    re.IGNORECASE,
)
_PLAIN_SUFFIX = re.compile(r"(?:" + _PLAIN_SUFFIXES + r")", re.IGNORECASE)
US_STATES = frozenset((
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN",
    "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH",
    "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT",
    "VT", "VA", "WA", "WV", "WI", "WY", "PR", "GU", "VI", "AS", "MP",
))  # fmt: skip

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


def cn_id_valid(value: str) -> bool:
    """A province code, a real birth date (1900-2099) and the ISO 7064 MOD 11-2 check."""
    compact = value.replace(" ", "").upper()
    if len(compact) != 18 or not compact[:17].isdigit() or compact[:2] not in _CN_PROVINCES:
        return False
    year, month, day = int(compact[6:10]), int(compact[10:12]), int(compact[12:14])
    if not 1900 <= year <= 2099:
        return False
    try:
        date(year, month, day)
    except ValueError:
        return False
    total = sum(int(d) * w for d, w in zip(compact[:17], _CN_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == compact[17]


def snils_valid(digits: str) -> bool:
    """The SNILS check number: the first nine digits weighted 9..1, mod 101 (100 reads 00).
    Numbers up to 001-001-998 were issued without one and are not accepted here."""
    if len(digits) != 11 or not digits.isdigit() or int(digits[:9]) <= 1001998:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(9, 0, -1), strict=True)) % 101
    return (0 if total == 100 else total) == int(digits[9:])


def _inn_digit(digits: str, weights: Sequence[int]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def inn_valid(digits: str) -> bool:
    """A Russian INN: 10 digits (one check digit) or 12 (two)."""
    if not digits.isdigit():
        return False
    if len(digits) == 10:
        return _inn_digit(digits, (2, 4, 10, 3, 5, 9, 4, 6, 8)) == int(digits[9])
    if len(digits) == 12:
        first = _inn_digit(digits, (7, 2, 4, 10, 3, 5, 9, 4, 6, 8))
        second = _inn_digit(digits, (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8))
        return (first, second) == (int(digits[10]), int(digits[11]))
    return False


def ssn_valid(area: str, group: str, serial: str) -> bool:
    """Outside the ranges the SSA never issues: area 000, 666, 900-999; group 00; serial 0000."""
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


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


class _Sentences:
    """Which sentences of ``text`` hold ``word``: sentences split once, each span looked up by
    bisection, so many candidates in a long text stay linear."""

    def __init__(self, text: str, word: re.Pattern[str]) -> None:
        self.ends = [m.start() for m in _SENTENCE_END.finditer(text)]
        self.with_word = {bisect.bisect_left(self.ends, m.start()) for m in word.finditer(text)}

    def __bool__(self) -> bool:
        return bool(self.with_word)

    def hold(self, start: int, end: int) -> bool:
        """Whether a sentence that ``start..end`` touches holds the word."""
        first, last = bisect.bisect_left(self.ends, start), bisect.bisect_left(self.ends, end)
        return any(index in self.with_word for index in range(first, last + 1))


def _cn_ids(text: str) -> list[PiiSpan]:
    return [
        PiiSpan(PiiKind.CN_ID, m.start(), m.end(), m.group())
        for m in _CN_ID.finditer(text)
        if cn_id_valid(m.group())
    ]


def _ru_passports(text: str) -> list[PiiSpan]:
    sentences = _Sentences(text, _RU_PASSPORT_WORD)
    if not sentences:
        return []
    found = []
    for match in _RU_PASSPORT.finditer(text):
        series = match.group("series").replace(" ", "")
        region, year = int(series[:2]), int(series[2:])
        if region == 0 or not (year >= 97 or year <= 39):
            continue
        if sentences.hold(match.start(), match.end()):
            found.append(PiiSpan(PiiKind.RU_PASSPORT, match.start(), match.end(), match.group()))
    return found


def _ru_snils(text: str) -> list[PiiSpan]:
    sentences = _Sentences(text, _RU_SNILS_WORD)
    found = []
    for match in _RU_SNILS.finditer(text):
        if not snils_valid(re.sub(r"\D", "", match.group())):
            continue
        if match.group("bare") and not sentences.hold(match.start(), match.end()):
            continue
        found.append(PiiSpan(PiiKind.RU_SNILS, match.start(), match.end(), match.group()))
    return found


def _ru_inns(text: str) -> list[PiiSpan]:
    sentences = _Sentences(text, _RU_INN_WORD)
    if not sentences:
        return []
    return [
        PiiSpan(PiiKind.RU_INN, m.start(), m.end(), m.group())
        for m in _RU_INN.finditer(text)
        if inn_valid(m.group()) and sentences.hold(m.start(), m.end())
    ]


def _us_ssns(text: str) -> list[PiiSpan]:
    return [
        PiiSpan(PiiKind.US_SSN, m.start(), m.end(), m.group())
        for m in _US_SSN.finditer(text)
        if ssn_valid(m.group("area"), m.group("group"), m.group("serial"))
    ]


def _addresses(text: str) -> list[PiiSpan]:
    """Street lines; the ", City, ST 12345" tail only with a real state code."""
    found = []
    for match in _ADDRESS.finditer(text):
        name = match.group("name").split()
        if not _PLAIN_SUFFIX.fullmatch(match.group("suffix")) and not name[0][0].isupper():
            continue
        end = match.end()
        if match.group("tail") and match.group("state").upper() not in US_STATES:
            end = match.start("tail")
        found.append(PiiSpan(PiiKind.ADDRESS, match.start(), end, text[match.start() : end]))
    return found


@dataclass(frozen=True, slots=True)
class KnownValues:
    """Personal values known to belong to the person writing (from their verified profile),
    replaced wherever they occur whatever the patterns find: ``names`` as whole words in any
    case and word order, ``addresses`` and ``zips`` as whole words in any case, with any
    spacing (and commas, for addresses)."""

    names: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    zips: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.names or self.addresses or self.zips)


_NAME_PARTS_PERMUTED = 4
"""Names of up to this many words match in every word order; longer ones as given or reversed."""


def _bounded(alternatives: Iterable[str], boundaries: bool = True) -> str:
    """Whole words: not glued to letters or digits, nor to a number's decimal part, nor a
    number right after "#"."""
    body = "|".join(sorted(set(alternatives), key=len, reverse=True))
    if not boundaries:
        return f"(?:{body})"
    # nor digits right after "#": "#10083" is an order number, not the zip 10083
    return rf"(?<![{_WORD}])(?<!\d[.,])(?!(?<=#)\d)(?:{body})(?![{_WORD}])(?![.,]\d)"


def _name_pattern(name: str) -> str | None:
    words = [w for w in re.split(r"[\s,]+", name.strip()) if w]
    if not words or sum(len(w) for w in words) < 2:
        return None
    orders: Iterable[Sequence[str]] = (
        itertools.permutations(words)
        if len(words) <= _NAME_PARTS_PERMUTED
        else (words, list(reversed(words)))
    )
    joined = [r"(?:\s*,\s*|\s+)".join(re.escape(w) for w in order) for order in orders]
    # a name written in Chinese characters has no spaces around it to look for
    cjk = all(re.fullmatch(r"[\u3400-\u9fff\u00b7]+", w) for w in words)
    if cjk:
        joined.append(re.escape("".join(words)))
    return _bounded(joined, boundaries=not cjk)


def _spaced_pattern(value: str, separators: str) -> str | None:
    parts = [p for p in re.split(separators, value.strip()) if p]
    if not parts or sum(len(p) for p in parts) < 3:
        return None
    return _bounded([separators.join(re.escape(p) for p in parts)])


@functools.lru_cache(maxsize=256)
def _known_patterns(known: KnownValues) -> tuple[tuple[PiiKind, re.Pattern[str]], ...]:
    """One case-insensitive alternation per kind, longest value first."""
    sources = {
        PiiKind.NAME: [_name_pattern(v) for v in known.names],
        PiiKind.ADDRESS: [_spaced_pattern(v.rstrip(". "), r"[\s,]+") for v in known.addresses],
        PiiKind.ZIP: [_spaced_pattern(v, r"[\s\-]+") for v in known.zips],
    }
    compiled = []
    for kind, patterns in sources.items():
        present = [p for p in patterns if p]
        if present:
            compiled.append((kind, re.compile("|".join(present), re.IGNORECASE)))
    return tuple(compiled)


def find_known(text: str, known: KnownValues) -> list[PiiSpan]:
    """Where ``known``'s values occur in ``text`` (may overlap; ``find_pii`` chooses)."""
    if not known:
        return []
    return [
        PiiSpan(kind, m.start(), m.end(), m.group())
        for kind, pattern in _known_patterns(known)
        for m in pattern.finditer(text)
    ]


def _choose(candidates: Iterable[PiiSpan]) -> list[PiiSpan]:
    """Non-overlapping spans in text order: the earlier kind of ``PRIORITY`` wins an overlap,
    then the earlier and longer span."""
    rank = {kind: index for index, kind in enumerate(PRIORITY)}
    chosen: list[PiiSpan] = []  # in text order, never overlapping: a neighbour check suffices
    starts: list[int] = []
    for span in sorted(candidates, key=lambda s: (rank[s.kind], s.start, -s.end)):
        at = bisect.bisect_right(starts, span.start)
        if at and chosen[at - 1].end > span.start:
            continue
        if at < len(chosen) and span.end > chosen[at].start:
            continue
        chosen.insert(at, span)
        starts.insert(at, span.start)
    return chosen


def find_pii(
    text: str, default_region: str | None = None, known: KnownValues | None = None
) -> list[PiiSpan]:
    """Every PII span of ``text``, in text order, never overlapping (see ``PRIORITY``)."""
    return _choose(
        [
            *_emails(text),
            *_ibans(text),
            *_cn_ids(text),
            *_cards(text),
            *_us_ssns(text),
            *_ru_snils(text),
            *_ru_passports(text),
            *_ru_inns(text),
            *_ips(text),
            *_addresses(text),
            *_phones(text, default_region),
            *(find_known(text, known) if known else ()),
        ]
    )


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

    ``known``: the person's own name, address and zip (``KnownValues``), replaced as
    ``[NAME_1]``, ``[ADDRESS_1]``, ``[ZIP_1]`` in every text, including when the caller passes
    the spans it found without them.

    A text that already contains placeholder-shaped words (``[EMAIL_1]`` typed by the customer)
    is not protected: ``restore`` would replace them too.
    """

    default_region: str | None = None
    known: KnownValues = KnownValues()
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
        if spans is None:
            spans = find_pii(text, self.default_region, self.known)
        elif self.known:
            spans = _choose([*spans, *find_known(text, self.known)])
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
