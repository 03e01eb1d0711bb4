"""Merge protection: which identifiers may be used to match one profile to another.

Three rules keep deterministic matching from gluing strangers together:

* **Blocked values** (``test@test.com``, ``000000``, ``noreply@...``): placeholders people type
  into forms. They are never stored as identities and never match.
* **Shared and role addresses** (``support@``, ``info@``, ``sales@``...): a whole team reads
  them, so they are stored as an identity of the first profile that has them but never used to
  match a second profile.
* **A limit of profiles per identifier**: an identifier already carried by ``N`` profiles (3 by
  default: as the owner of the identity, or as their primary email or phone trait) is a family
  phone or a shared inbox, and is not used to match any more.

``MergeProtection`` holds the lists; ``DEFAULT_PROTECTION`` is what the service functions use
unless a caller passes another one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from deskpilot.models import IdentityKind

DEFAULT_BLOCKED_VALUES = frozenset(
    {
        "test@test.com",
        "example@example.com",
        "test@example.com",
        "email@example.com",
        "none@none.com",
        "noreply@",  # any address at any domain with this local part
        "no-reply@",
        "000000",
        "0000000000",
        "1234567890",
        "123456789",
        "1111111111",
    }
)
DEFAULT_ROLE_LOCAL_PARTS = frozenset(
    {
        "support",
        "info",
        "sales",
        "admin",
        "noreply",
        "no-reply",
        "contact",
        "hello",
        "help",
        "office",
        "team",
        "billing",
    }
)
_DIGITS = re.compile(r"\D+")


@dataclass(frozen=True, slots=True)
class MergeProtection:
    """The blocked values, role local parts and profile limit of one workspace."""

    blocked_values: frozenset[str] = DEFAULT_BLOCKED_VALUES
    role_local_parts: frozenset[str] = DEFAULT_ROLE_LOCAL_PARTS
    max_profiles_per_identifier: int = 3
    extra_blocked: frozenset[str] = field(default_factory=frozenset)

    def is_blocked(self, kind: IdentityKind, value: str) -> bool:
        """A placeholder: never stored as an identity, never used to match.

        An entry ending in ``@`` blocks that local part at every domain. Phone entries are
        compared on digits, with or without a country code of up to three digits in front.
        """
        blocked = self.blocked_values | self.extra_blocked
        lowered = value.strip().lower()
        if lowered in blocked:
            return True
        if kind == IdentityKind.EMAIL:
            local = lowered.rpartition("@")[0]
            return f"{local}@" in blocked
        if kind == IdentityKind.PHONE:
            digits = _DIGITS.sub("", lowered)
            if len(set(digits[-7:])) <= 1:  # 0000000, 1111111: nobody's number
                return True
            return any(
                digits == b or (digits.endswith(b) and len(digits) - len(b) <= 3)
                for b in blocked
                if b.isdigit()
            )
        return False

    def is_shared(self, kind: IdentityKind, value: str) -> bool:
        """A role or team address: stored, but never used to match a second profile."""
        if kind != IdentityKind.EMAIL:
            return False
        local = value.strip().lower().rpartition("@")[0]
        return local in self.role_local_parts or local.split("+", 1)[0] in self.role_local_parts

    def refuses_to_match(self, kind: IdentityKind, value: str) -> str | None:
        """Why this identifier may not match a profile by itself, or None when it may."""
        if self.is_blocked(kind, value):
            return "blocked value"
        if self.is_shared(kind, value):
            return "shared or role address"
        return None


DEFAULT_PROTECTION = MergeProtection()
