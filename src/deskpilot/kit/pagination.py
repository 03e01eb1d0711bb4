"""Cursor (keyset) pagination: stable under inserts, no OFFSET scans.

A cursor is the sort key of the last row of a page, opaque to clients (urlsafe base64 JSON).
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from deskpilot.kit.errors import InvalidInput

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def encode_cursor(*values: str | datetime) -> str:
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, arity: int) -> list[Any]:
    """The sort key a cursor carries; a cursor that was not made by us is a 422 on ``cursor``."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput.field("query.cursor", "is not a cursor this API returned") from exc
    if not isinstance(values, list) or len(values) != arity:
        raise InvalidInput.field("query.cursor", "is not a cursor this API returned")
    return values


def decode_time_cursor(cursor: str) -> tuple[datetime, str]:
    """Cursors over (timestamp, id)."""
    stamp, record_id = decode_cursor(cursor, 2)
    try:
        return datetime.fromisoformat(str(stamp)), str(record_id)
    except ValueError as exc:
        raise InvalidInput.field("query.cursor", "is not a cursor this API returned") from exc
