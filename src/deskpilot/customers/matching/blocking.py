"""Blocking: which pairs of records are worth comparing at all.

Comparing every pair is quadratic (5·10⁹ pairs for 100,000 profiles), so only pairs that agree
on at least one *blocking key* are compared. Several rules are unioned, each catching the
duplicates the others miss (a typo in the email is caught by the date of birth, a new email by
the names, a swapped name by the unordered phonetic name key). A key shared by more than
``max_block`` records (a placeholder date, ``info@``) is skipped: it says little and would
cost a quadratic number of comparisons.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import jellyfish
import numpy as np
import numpy.typing as npt

from deskpilot.customers.matching.normalise import Prepared

IntArray = npt.NDArray[np.int64]


def _metaphone(name: str) -> str:
    return jellyfish.metaphone(name) if name else ""


def _soundex(name: str) -> str:
    return jellyfish.soundex(name) if name else ""


def _email(r: Prepared) -> Iterable[str]:
    return (r.email,) if r.email else ()


def _email_local(r: Prepared) -> Iterable[str]:
    return (r.email_local,) if len(r.email_local) >= 4 else ()


def _phone(r: Prepared) -> Iterable[str]:
    return (r.phone[-8:],) if r.phone else ()


def _dob(r: Prepared) -> Iterable[str]:
    return (r.dob,) if r.dob else ()


def _names(r: Prepared) -> Iterable[str]:
    """Unordered phonetic codes of both names: a swapped given name/surname meets itself."""
    if not (r.first and r.surname):
        return ()
    codes = sorted((_metaphone(r.first_key), _metaphone(r.surname_key)))
    return ("|".join(codes),)


def _names_soundex(r: Prepared) -> Iterable[str]:
    """Unordered Soundex codes of both names: catches typos metaphone spells apart."""
    if not (r.first and r.surname):
        return ()
    return ("|".join(sorted((_soundex(r.first_key), _soundex(r.surname_key)))),)


def _postcode(r: Prepared) -> Iterable[str]:
    if not r.postcode:
        return ()
    return (f"{r.postcode}|{r.surname[:1]}",) if r.surname else (f"{r.postcode}|{r.first[:2]}",)


def _identifier(r: Prepared) -> Iterable[str]:
    return (r.identifier,) if r.identifier else ()


def _surname_dob_year(r: Prepared) -> Iterable[str]:
    """Same surname and year of birth: catches a changed email plus a mistyped birthday."""
    return (f"{r.surname_key}|{r.dob[:4]}",) if r.surname and r.dob else ()


def _address(r: Prepared) -> Iterable[str]:
    words = r.address.split()
    return (" ".join(sorted(words)),) if len(words) >= 2 else ()


@dataclass(frozen=True, slots=True)
class BlockingRule:
    name: str
    keys: Callable[[Prepared], Iterable[str]]
    fields: tuple[str, ...]  # the compared fields this rule forces to agree (excluded in its EM)


RULES: tuple[BlockingRule, ...] = (
    BlockingRule("email", _email, ("email",)),
    BlockingRule("email_local", _email_local, ("email",)),
    BlockingRule("phone", _phone, ("phone",)),
    BlockingRule("dob", _dob, ("dob",)),
    BlockingRule("names", _names, ("first_name", "surname")),
    BlockingRule("names_soundex", _names_soundex, ("first_name", "surname")),
    BlockingRule("postcode", _postcode, ("postcode", "surname")),
    BlockingRule("surname_dob_year", _surname_dob_year, ("surname", "dob")),
    BlockingRule("address", _address, ("address",)),
    BlockingRule("identifier", _identifier, ("identifier",)),
)


@dataclass(frozen=True, slots=True)
class Blocks:
    """Candidate pairs as sorted codes ``i * n + j`` (i < j), and each rule's own pairs."""

    n: int
    codes: IntArray
    by_rule: dict[str, IntArray]
    skipped_keys: dict[str, int]

    @property
    def left(self) -> IntArray:
        return self.codes // self.n

    @property
    def right(self) -> IntArray:
        return self.codes % self.n


def _pairs_of_groups(groups: Iterable[list[int]], n: int, max_block: int) -> tuple[IntArray, int]:
    chunks: list[IntArray] = []
    small: list[int] = []  # small groups in plain Python: numpy's per-call cost dominates them
    skipped = 0
    for members in groups:
        size = len(members)
        if size < 2:
            continue
        if size > max_block:
            skipped += 1
        elif size <= 12:
            ordered = sorted(members)
            small.extend(a * n + b for x, a in enumerate(ordered) for b in ordered[x + 1 :])
        else:
            ids = np.sort(np.asarray(members, dtype=np.int64))
            left, right = np.triu_indices(size, k=1)
            chunks.append(ids[left] * n + ids[right])
    chunks.append(np.asarray(small, dtype=np.int64))
    return np.unique(np.concatenate(chunks)), skipped


def block(
    records: Sequence[Prepared], rules: Sequence[BlockingRule] = RULES, max_block: int = 300
) -> Blocks:
    n = len(records)
    by_rule: dict[str, IntArray] = {}
    skipped: dict[str, int] = {}
    for rule in rules:
        groups: defaultdict[str, list[int]] = defaultdict(list)
        for index, record in enumerate(records):
            for key in set(rule.keys(record)):
                groups[key].append(index)
        by_rule[rule.name], skipped[rule.name] = _pairs_of_groups(groups.values(), n, max_block)
    non_empty = [codes for codes in by_rule.values() if codes.size]
    union = np.unique(np.concatenate(non_empty)) if non_empty else np.empty(0, dtype=np.int64)
    return Blocks(n=n, codes=union, by_rule=by_rule, skipped_keys=skipped)
