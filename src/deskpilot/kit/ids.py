"""Sortable, prefixed identifiers: ``ws_01JD3K8Y4S6F0M1Q2R3T4V5W6X``.

48 bits of milliseconds then 80 random bits, in Crockford base32 (the ULID layout), so ids sort
by creation time and say what they name.
"""

from __future__ import annotations

import secrets
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ID_LENGTH = 40


def _base32(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def new_id(prefix: str) -> str:
    """Return a new id such as ``cus_01JD3K8Y4S6F0M1Q2R3T4V5W6X``."""
    millis = time.time_ns() // 1_000_000
    return f"{prefix}_{_base32(millis, 10)}{_base32(secrets.randbits(80), 16)}"
