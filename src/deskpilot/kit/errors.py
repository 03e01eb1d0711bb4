"""The one error type of DeskPilot. Every client mistake is a subclass with a 4xx status."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class FieldError:
    """One invalid input field: where it is (``body.email``) and why it was refused."""

    field: str
    reason: str


def field_errors(errors: Sequence[Mapping[str, Any]], prefix: str = "") -> list[FieldError]:
    """Pydantic's (or FastAPI's) validation errors as fields such as ``body.sender.email``."""
    return [_field_error(e, prefix) for e in errors]


def _field_error(error: Mapping[str, Any], prefix: str) -> FieldError:
    location = [str(part) for part in error["loc"]]
    if error.get("type") == "json_invalid":  # loc is ("body", <character offset>)
        at = f" at character {location[1]}" if len(location) > 1 else ""
        why = str((error.get("ctx") or {}).get("error") or "").strip()
        reason = f"the request body is not valid JSON{at}" + (f": {why}" if why else "")
        return FieldError(".".join([prefix, "body"] if prefix else ["body"]), reason)
    return FieldError(
        ".".join([prefix, *location] if prefix else location),
        str(error["msg"]).removeprefix("Value error, "),
    )


class DeskPilotError(Exception):
    """Base error: rendered as ``{"error": {"code", "message", "fields"}}`` with ``status_code``."""

    status_code: int = 500
    code: str = "internal_error"

    def __init__(
        self,
        message: str,
        status_code: int | None = None,
        *,
        fields: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if status_code is not None:
            self.status_code = status_code
        self.fields = fields or []
        self.headers = headers or {}


class BadRequest(DeskPilotError):
    status_code = 400
    code = "bad_request"


class Unauthorized(DeskPilotError):
    status_code = 401
    code = "unauthorized"


class Forbidden(DeskPilotError):
    status_code = 403
    code = "forbidden"


class NotFound(DeskPilotError):
    status_code = 404
    code = "not_found"

    @classmethod
    def of(cls, what: str, identifier: str) -> NotFound:
        return cls(f"{what} {identifier!r} was not found")


class Conflict(DeskPilotError):
    status_code = 409
    code = "conflict"


class InvalidInput(DeskPilotError):
    """Input that parsed but breaks a rule; name the field."""

    status_code = 422
    code = "invalid_input"

    @classmethod
    def field(cls, field: str, reason: str) -> InvalidInput:
        return cls(f"{field}: {reason}", fields=[FieldError(field, reason)])

    @classmethod
    def of(cls, fields: list[FieldError], headers: dict[str, str] | None = None) -> InvalidInput:
        message = "; ".join(f"{f.field}: {f.reason}" for f in fields) or "invalid input"
        return cls(message, fields=fields, headers=headers)


class TooManyRequests(DeskPilotError):
    status_code = 429
    code = "too_many_requests"

    def __init__(self, message: str, retry_after_seconds: int) -> None:
        super().__init__(message, headers={"Retry-After": str(max(1, retry_after_seconds))})


class ServiceUnavailable(DeskPilotError):
    """A service this request needs (an outside endpoint) failed; trying later may work."""

    status_code = 503
    code = "service_unavailable"


class PayloadTooLarge(DeskPilotError):
    status_code = 413
    code = "payload_too_large"
