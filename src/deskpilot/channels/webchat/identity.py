"""Visitor tokens and identity verification of the web chat widget.

A visitor token is the visitor's handle on the channel (their ``SenderHandle.external_id``):
unguessable, kept by the browser in localStorage, so history survives page loads.

A host site that knows who its user is passes ``user_id`` and/or ``email`` with
``user_hash = hex(HMAC-SHA256(identity_secret, user_id or email))`` computed by its server. The
signed value is ``user_id`` when there is one, else ``email``. A verified visitor's token is
derived from the signed claim (an HMAC under the same secret), so the same signed-in user gets
the same handle, and the same history, in every browser. A claim without a valid hash is
ignored: the visitor stays anonymous.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

from deskpilot.kit.crypto import new_token

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{32,100}$")


@dataclass(frozen=True, slots=True)
class Claims:
    """What the host page says about its user; only ``verified`` claims are acted on."""

    user_id: str | None = None
    email: str | None = None
    user_hash: str | None = None


@dataclass(frozen=True, slots=True)
class VerifiedIdentity:
    user_id: str | None
    email: str | None  # only when the email itself was the signed value


def user_hash(identity_secret: str, value: str) -> str:
    """What the host site's server computes: ``hex(HMAC-SHA256(identity_secret, value))``."""
    return hmac.new(identity_secret.encode(), value.encode(), hashlib.sha256).hexdigest()


def verify_claims(identity_secret: str | None, claims: Claims) -> VerifiedIdentity | None:
    """The verified identity, or None for no claim, no secret, or a wrong signature."""
    signed = claims.user_id or claims.email
    if not identity_secret or not signed or not claims.user_hash:
        return None
    expected = user_hash(identity_secret, signed)
    if not hmac.compare_digest(expected, claims.user_hash.strip().lower()):
        return None
    if claims.user_id:
        # The email beside a signed user id was not signed: a signed-in user could put anyone's
        # address there, so it does not link to that address's customer.
        return VerifiedIdentity(user_id=claims.user_id, email=None)
    return VerifiedIdentity(user_id=None, email=claims.email)


ANONYMOUS_PREFIX = "a_"
VERIFIED_PREFIX = "v_"


def new_visitor_token() -> str:
    return ANONYMOUS_PREFIX + new_token(32)


def is_verified_token(token: str) -> bool:
    return token.startswith(VERIFIED_PREFIX)


def verified_visitor_token(identity_secret: str, channel_id: str, who: VerifiedIdentity) -> str:
    """The stable, unguessable token of a verified user on one channel."""
    subject = f"user:{who.user_id}" if who.user_id else f"email:{(who.email or '').lower()}"
    mac = hmac.new(
        identity_secret.encode(), f"deskpilot-visitor:{channel_id}:{subject}".encode(), "sha256"
    ).digest()
    return VERIFIED_PREFIX + base64.urlsafe_b64encode(mac).decode().rstrip("=")


def is_visitor_token(value: str | None) -> bool:
    return value is not None and bool(TOKEN_PATTERN.match(value))


def thread_key_of(token: str) -> str:
    """The conversation thread of one visitor (their conversation continues across visits)."""
    return f"webchat:{token}"


def external_id_of(token: str, client_id: str) -> str:
    """A message's dedupe key: the client's id, scoped to the visitor so that two visitors'
    ids never collide (a collision would hand one visitor the other's message)."""
    scope = hashlib.sha256(token.encode()).hexdigest()[:16]
    return f"{scope}:{client_id}"
