"""Comparison vectors: how alike two records are, field by field, as graded levels.

Every field compares to a small integer level, higher meaning closer, or ``NULL`` (-1) when
either side is missing (a missing value is no evidence either way). The levels are:

=============  ============================================================================
field          levels, best first
=============  ============================================================================
first_name     exact (or the same name in another transliteration), Jaro-Winkler ≥ 0.92,
surname        Jaro-Winkler ≥ 0.88, other. Given name and surname are also tried the other
               way round; the better orientation counts when both sides have both names.
dob            exact, one digit different, day and month transposed or exactly one of
               year/month/day different, Levenshtein ≤ 2, other
email          exact (after Gmail dot/tag rules), same local part, Levenshtein ≤ 2,
               local parts Jaro-Winkler ≥ 0.88, other
phone          exact (E.164), same last 8 digits, Levenshtein ≤ 1, other
city           exact, Jaro-Winkler ≥ 0.88, other
address        exact, token-set similarity ≥ 90, Jaro-Winkler ≥ 0.88 or token-set ≥ 75, other
postcode       exact, Levenshtein ≤ 1, other
identifier     exact, Levenshtein ≤ 1, Levenshtein ≤ 2, other
=============  ============================================================================
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler, Levenshtein

from deskpilot.customers.matching.normalise import Prepared

NULL = -1


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    labels: tuple[str, ...]  # one per level, index = level (0 = least alike)

    @property
    def levels(self) -> int:
        return len(self.labels)


_NAME = ("different", "jaro-winkler >= 0.88", "jaro-winkler >= 0.92", "exact")
FIELDS: tuple[Field, ...] = (
    Field("first_name", _NAME),
    Field("surname", _NAME),
    Field(
        "dob",
        (
            "different",
            "levenshtein <= 2",
            "day/month transposed or one part different",
            "one digit different",
            "exact",
        ),
    ),
    Field(
        "email",
        (
            "different",
            "local parts jaro-winkler >= 0.88",
            "levenshtein <= 2",
            "same local part",
            "exact",
        ),
    ),
    Field("phone", ("different", "levenshtein <= 1", "same last 8 digits", "exact")),
    Field("city", ("different", "jaro-winkler >= 0.88", "exact")),
    Field("address", ("different", "similar", "token-set >= 90", "exact")),
    Field("postcode", ("different", "levenshtein <= 1", "exact")),
    Field("identifier", ("different", "levenshtein <= 2", "levenshtein <= 1", "exact")),
)
FIELD_INDEX = {f.name: i for i, f in enumerate(FIELDS)}
K = len(FIELDS)

_jw = JaroWinkler.similarity
_lev = Levenshtein.distance


def name_level(a: str, b: str, a_key: str, b_key: str) -> int:
    if not a or not b:
        return NULL
    if a == b or a_key == b_key:
        return 3
    similarity = max(_jw(a, b), _jw(a_key, b_key))
    if similarity >= 0.92:
        return 2
    return 1 if similarity >= 0.88 else 0


def dob_level(a: str, b: str) -> int:
    if not a or not b:
        return NULL
    if a == b:
        return 4
    if len(a) == 8 == len(b):
        if sum(x != y for x, y in zip(a, b, strict=True)) == 1:
            return 3
        same = (a[:4] == b[:4], a[4:6] == b[4:6], a[6:] == b[6:])
        if sum(same) == 2 or (same[0] and a[4:6] == b[6:] and a[6:] == b[4:6]):
            return 2
    return 1 if _lev(a, b, score_cutoff=2) <= 2 else 0


def email_level(a: Prepared, b: Prepared) -> int:
    if not a.email or not b.email:
        return NULL
    if a.email == b.email:
        return 4
    if a.email_local == b.email_local:
        return 3
    if _lev(a.email, b.email, score_cutoff=2) <= 2:
        return 2
    return 1 if _jw(a.email_local, b.email_local) >= 0.88 else 0


def phone_level(a: str, b: str) -> int:
    if not a or not b:
        return NULL
    if a == b:
        return 3
    if len(a) >= 8 and len(b) >= 8 and a[-8:] == b[-8:]:
        return 2
    return 1 if _lev(a, b, score_cutoff=1) <= 1 else 0


def simple_level(a: str, b: str) -> int:
    """City: exact 2, Jaro-Winkler ≥ 0.88 1, other 0."""
    if not a or not b:
        return NULL
    if a == b:
        return 2
    return 1 if _jw(a, b) >= 0.88 else 0


def address_level(a: str, b: str) -> int:
    if not a or not b:
        return NULL
    if a == b:
        return 3
    token_set = fuzz.token_set_ratio(a, b)
    if token_set >= 90:
        return 2
    return 1 if token_set >= 75 or _jw(a, b) >= 0.88 else 0


def postcode_level(a: str, b: str) -> int:
    if not a or not b:
        return NULL
    if a == b:
        return 2
    return 1 if len(a) >= 3 and _lev(a, b, score_cutoff=1) <= 1 else 0


def identifier_level(a: str, b: str) -> int:
    if not a or not b:
        return NULL
    if a == b:
        return 3
    distance = _lev(a, b, score_cutoff=2)
    if distance <= 1:
        return 2
    return 1 if distance <= 2 else 0


def names(a: Prepared, b: Prepared) -> tuple[int, int, bool]:
    """Levels of (given name, surname) and whether they matched the other way round."""
    first = name_level(a.first, b.first, a.first_key, b.first_key)
    surname = name_level(a.surname, b.surname, a.surname_key, b.surname_key)
    if a.first and a.surname and b.first and b.surname and (first < 3 or surname < 3):
        cross_first = name_level(a.first, b.surname, a.first_key, b.surname_key)
        cross_surname = name_level(a.surname, b.first, a.surname_key, b.first_key)
        if cross_first + cross_surname > first + surname:
            return cross_first, cross_surname, True
    return first, surname, False


def compare(a: Prepared, b: Prepared) -> list[int]:
    """The comparison vector of two records, in ``FIELDS`` order."""
    first, surname, _ = names(a, b)
    return [
        first,
        surname,
        dob_level(a.dob, b.dob),
        email_level(a, b),
        phone_level(a.phone, b.phone),
        simple_level(a.city, b.city),
        address_level(a.address, b.address),
        postcode_level(a.postcode, b.postcode),
        identifier_level(a.identifier, b.identifier),
    ]


def field_values(record: Prepared) -> tuple[str, ...]:
    """The record's values in ``FIELDS`` order (for evidence and term frequencies)."""
    return (
        record.first,
        record.surname,
        record.dob,
        record.email,
        record.phone,
        record.city,
        record.address,
        record.postcode,
        record.identifier,
    )
