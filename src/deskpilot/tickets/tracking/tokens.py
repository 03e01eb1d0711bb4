"""Signed tokens for the links customers get: a ticket's tracking page and a survey.

No column holds them: a token is an HMAC (SHA-256) with a sub-key derived from the
installation's secret key (``DESKPILOT_SECRET_KEY`` or ``<data dir>/secret.key``) for the
purpose ``ticket-tracking``, so changing that key invalidates every link sent. Tokens are
compared in constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import quote, urlencode

from deskpilot.kit.crypto import SecretBox, tokens_equal
from deskpilot.models import SatisfactionSurvey, Ticket
from deskpilot.tickets.schemas import reference

PURPOSE = b"deskpilot/ticket-tracking"
_MAC_BYTES = 24  # 192 bits: unguessable, and a short link


def signing_key(box: SecretBox) -> bytes:
    """The tracking sub-key of the installation's secret key."""
    return box.subkey(PURPOSE)


def _mac(key: bytes, message: str) -> str:
    digest = hmac.new(key, message.encode(), hashlib.sha256).digest()[:_MAC_BYTES]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def ticket_token(key: bytes, ticket: Ticket) -> str:
    return _mac(key, f"ticket:{ticket.workspace_id}:{ticket.id}")


def ticket_token_valid(key: bytes, ticket: Ticket, token: str | None) -> bool:
    return token is not None and tokens_equal(ticket_token(key, ticket), token)


def survey_token(key: bytes, survey: SatisfactionSurvey) -> str:
    """``<workspace id>.<survey id>.<mac>``: the ids let the survey be found within its
    workspace once the MAC is checked."""
    mac = _mac(key, f"survey:{survey.workspace_id}:{survey.id}")
    return f"{survey.workspace_id}.{survey.id}.{mac}"


def parse_survey_token(key: bytes, token: str) -> tuple[str, str] | None:
    """(workspace id, survey id) of a genuine token; None for anything else."""
    parts = token.split(".")
    if len(parts) != 3 or not all(parts):
        return None
    workspace_id, survey_id, mac = parts
    expected = _mac(key, f"survey:{workspace_id}:{survey_id}")
    return (workspace_id, survey_id) if tokens_equal(expected, mac) else None


def tracking_path(workspace_slug: str, ticket: Ticket) -> str:
    return f"/track/{quote(workspace_slug, safe='')}/{reference(ticket.number)}"


def tracking_url(base_url: str, workspace_slug: str, ticket: Ticket, key: bytes) -> str:
    """The link a customer follows to see their ticket."""
    query = urlencode({"token": ticket_token(key, ticket)})
    return f"{base_url.rstrip('/')}{tracking_path(workspace_slug, ticket)}?{query}"


def survey_url(base_url: str, survey: SatisfactionSurvey, key: bytes) -> str:
    return f"{base_url.rstrip('/')}/survey/{survey_token(key, survey)}"
