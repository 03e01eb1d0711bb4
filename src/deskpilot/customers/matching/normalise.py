# ruff: noqa: RUF001 - the transliteration table is Cyrillic on purpose
"""Turning raw profile fields into the comparable forms the matcher works on.

Names are lower-cased, stripped of accents and punctuation, and written in Latin letters:
Chinese characters become pinyin without tones (``张伟`` → surname ``zhang``, given name
``wei``), Cyrillic becomes Latin by the table below (``Сергей Иванов`` → ``sergei ivanov``).
A second, looser *romanisation key* folds the spellings that different transliteration
schemes produce for the same name (``Sergey``/``Sergei``, ``Aleksandr``/``Alexander``,
``Yuri``/``Iouri``) so that two records typed by people using different schemes still meet.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from pypinyin import lazy_pinyin

from deskpilot.customers.identity import normalise_email, normalise_phone

# Russian → Latin, close to the passport (ICAO 9303 / BGN) scheme most people type.
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "iu",
    "я": "ia", "і": "i", "ї": "i", "є": "e", "ґ": "g",
}  # fmt: skip

# Chinese compound surnames: the first two characters, not one, are the family name.
_COMPOUND_SURNAMES = {
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文",
    "司徒", "夏侯", "轩辕", "令狐", "端木", "独孤", "南宫", "西门", "百里", "呼延", "澹台",
}  # fmt: skip

# Spelling variants of one sound across romanisation schemes, folded in order (longest first).
_ROMAN_FOLDS = (
    ("shch", "sh"), ("iou", "yu"), ("iu", "yu"), ("ia", "ya"), ("kh", "h"), ("ks", "x"),
    ("ts", "c"), ("tz", "c"), ("ph", "f"), ("ck", "k"), ("ey", "ei"), ("iy", "i"), ("ij", "i"),
    ("yi", "i"), ("j", "y"), ("w", "v"), ("ou", "u"), ("ie", "i"), ("ii", "i"),
)  # fmt: skip

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_CYR = re.compile(r"[\u0400-\u04ff]")
_NOT_WORD = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")


def has_han(text: str) -> bool:
    return bool(_HAN.search(text))


def _fold_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=200_000)
def latin(text: str) -> str:
    """Lower-case Latin letters, digits and single spaces; Han → pinyin, Cyrillic → Latin."""
    text = text.strip().lower()
    if not text:
        return ""
    if _HAN.search(text):
        text = " ".join(p.strip() for p in lazy_pinyin(text) if p.strip())
    if _CYR.search(text):
        text = "".join(_CYRILLIC.get(c, c) for c in text)
    text = _NOT_WORD.sub(" ", _fold_accents(text).replace("-", " ").replace("'", ""))
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=200_000)
def roman_key(name: str) -> str:
    """A loose key equal for transliteration variants of one name (no spaces)."""
    key = name.replace(" ", "")
    for variant, canonical in _ROMAN_FOLDS:
        key = key.replace(variant, canonical)
    # ``-ii``/``-y``/``-i`` endings (Yurii, Yuriy, Yuri) and doubled letters vary freely.
    key = re.sub(r"(.)\1+", r"\1", key)
    return key.rstrip("y") if len(key) > 3 else key


def split_full_name(full_name: str) -> tuple[str, str]:
    """``(given, surname)`` from one name field, in Latin letters.

    Chinese names written in characters put the family name first (``张伟``: ``zhang``,
    ``wei``; compound surnames such as ``欧阳`` are kept whole). Other names are taken as
    ``given … surname``; the comparison also tries the two the other way round, so
    ``Ivanov Sergey`` still meets ``Sergey Ivanov``.
    """
    raw = full_name.strip()
    if not raw:
        return "", ""
    han = "".join(c for c in raw if _HAN.match(c))
    if han and len(han) >= 2 and len(han) == len(raw.replace(" ", "")):
        cut = 2 if han[:2] in _COMPOUND_SURNAMES and len(han) > 2 else 1
        return latin(han[cut:]).replace(" ", ""), latin(han[:cut]).replace(" ", "")
    words = latin(raw).split()
    if not words:
        return "", ""
    if len(words) == 1:
        return words[0], ""
    return words[0], words[-1]


def name_part(value: str) -> str:
    """One given name or surname: Latin, and without spaces (``Ou Yang`` → ``ouyang``)."""
    return latin(value).replace(" ", "")


def email_key(value: str) -> str:
    value = value.strip()
    if "@" not in value:
        return ""
    try:
        return normalise_email(value)
    except ValueError:
        return ""


def phone_key(value: str, default_region: str | None) -> str:
    """E.164 when it parses, otherwise the bare digits (so ``07700 900123`` still compares)."""
    value = value.strip()
    if not value:
        return ""
    try:
        return normalise_phone(value, default_region)
    except ValueError:
        digits = "".join(_DIGITS.findall(value))
        return digits if len(digits) >= 6 else ""


def dob_key(value: str) -> str:
    """``YYYYMMDD`` from ``1971-06-24``, ``19710624``, ``24/06/1971`` or ``24.06.1971``.

    Impossible dates (month 13) are kept: a typo is still evidence, as close as its digits.
    """
    parts: list[str] = _DIGITS.findall(value)
    if len(parts) == 1 and len(parts[0]) == 8:
        return parts[0]
    if len(parts) == 3:
        a, b, c = parts
        if len(a) == 4:
            return f"{a}{b.zfill(2)}{c.zfill(2)}"
        if len(c) == 4:
            return f"{c}{b.zfill(2)}{a.zfill(2)}"
    return ""


def text_key(value: str) -> str:
    return latin(value)


def postcode_key(value: str) -> str:
    return latin(value).replace(" ", "")


@dataclass(frozen=True, slots=True)
class Prepared:
    """One record in comparable form; an empty string means the field is missing."""

    unique_id: str
    first: str
    surname: str
    first_key: str
    surname_key: str
    dob: str
    email: str
    email_local: str
    phone: str
    city: str
    address: str
    postcode: str
    identifier: str


def prepare(record: dict[str, str], default_region: str | None = None) -> Prepared:
    """Normalise one record; see ``engine.FIELDS`` for the accepted keys."""
    first = name_part(record.get("first_name", ""))
    surname = name_part(record.get("surname", ""))
    full = record.get("full_name", "")
    if full and not (first or surname):
        first, surname = split_full_name(full)
    email = email_key(record.get("email", ""))
    return Prepared(
        unique_id=str(record["unique_id"]),
        first=first,
        surname=surname,
        first_key=roman_key(first) if first else "",
        surname_key=roman_key(surname) if surname else "",
        dob=dob_key(record.get("dob", "")),
        email=email,
        email_local=email.partition("@")[0],
        phone=phone_key(record.get("phone", ""), default_region),
        city=text_key(record.get("city", "")),
        address=text_key(record.get("address", "")),
        postcode=postcode_key(record.get("postcode", "")),
        identifier=latin(record.get("identifier", "")).replace(" ", ""),
    )
