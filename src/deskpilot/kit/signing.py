"""HMAC-SHA256 signatures on the requests DeskPilot sends (API channel callbacks, webhooks).

The receiver recomputes ``hex(hmac_sha256(secret, f"{timestamp}.{body}"))`` and compares it with
``X-DeskPilot-Signature: sha256=<hex>``; the timestamp (``X-DeskPilot-Timestamp``, Unix seconds)
is signed too, so a captured request cannot be replayed later with a new timestamp.
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-DeskPilot-Signature"
TIMESTAMP_HEADER = "X-DeskPilot-Timestamp"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def signed_headers(secret: str, body: bytes, now: float | None = None) -> dict[str, str]:
    timestamp = str(int(now if now is not None else time.time()))
    return {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: signature(secret, timestamp, body),
    }


def verify(secret: str, timestamp: str, body: bytes, sent: str, *, tolerance: int = 300) -> bool:
    try:
        age = abs(time.time() - int(timestamp))
    except ValueError:
        return False
    return age <= tolerance and hmac.compare_digest(signature(secret, timestamp, body), sent)
