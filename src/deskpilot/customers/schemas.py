"""Pydantic shapes of the Customer 360 API and of the Segment-compatible events API."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Literal

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from pydantic import BaseModel, ConfigDict, Field, field_validator

from deskpilot.models import ConsentStatus, IdentityKind, ReviewStatus

LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")  # BCP 47, loosely
PURPOSE_PATTERN = r"^[a-z0-9][a-z0-9_.:-]{0,99}$"
MAX_BATCH = 500


def checked_email(value: str) -> str:
    """The address if it is one (syntax only: no DNS lookups), else ValueError."""
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(f"is not an email address ({exc})") from exc
    return value


def checked_country(value: str) -> str:
    code = value.strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError("is not an ISO 3166-1 alpha-2 country code")
    return code


def checked_language(value: str) -> str:
    if not LANGUAGE_TAG.match(value):
        raise ValueError("is not a language tag such as 'en' or 'pt-BR'")
    return value


# --- profiles ---------------------------------------------------------------------------------


class IdentityRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: IdentityKind
    value: str
    verified: bool
    created_at: datetime


class ConsentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    purpose: str
    status: ConsentStatus
    source: str | None
    recorded_at: datetime


class ConsentUpdate(BaseModel):
    status: ConsentStatus
    source: str | None = Field(None, max_length=200, description="Where the answer was given.")


class SegmentRef(BaseModel):
    id: str
    name: str
    since: datetime


class CustomerRead(BaseModel):
    """A profile's traits, as stored."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str | None
    email: str | None
    phone: str | None
    language: str | None
    locale: str | None
    country: str | None
    date_of_birth: date | None
    city: str | None
    address: str | None
    postcode: str | None
    tags: list[str]
    attributes: dict[str, Any]
    computed: dict[str, Any]
    merged_into_id: str | None
    created_at: datetime
    updated_at: datetime


class TimelineEntryRead(BaseModel):
    kind: str = Field(description="conversation, message, order, event (tickets later).")
    id: str
    at: datetime
    summary: str
    data: dict[str, Any]


class TimelinePage(BaseModel):
    items: list[TimelineEntryRead]
    next_cursor: str | None = None


class Customer360(CustomerRead):
    """The whole profile: traits, identities, consents, computed traits, segments, timeline.

    ``requested_id`` is the id that was asked for; when it named a profile that has since been
    merged, ``merged_into`` is the survivor's id and the rest of the answer is the survivor's.
    """

    requested_id: str
    merged_into: str | None = None
    identities: list[IdentityRead]
    consents: list[ConsentRead]
    segments: list[SegmentRef]
    timeline: TimelinePage


class CustomerUpdate(BaseModel):
    """Traits to change; a field left out stays as it is, ``null`` clears it."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=320)
    phone: str | None = Field(None, max_length=40)
    language: str | None = Field(None, max_length=16)
    locale: str | None = Field(None, max_length=32)
    country: str | None = Field(None, max_length=2)
    date_of_birth: date | None = None
    city: str | None = Field(None, max_length=120)
    address: str | None = Field(None, max_length=500)
    postcode: str | None = Field(None, max_length=20)
    tags: list[str] | None = Field(None, max_length=100)
    attributes: dict[str, Any] | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        return checked_email(value) if value is not None else None

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        return checked_country(value) if value is not None else None

    @field_validator("language", "locale")
    @classmethod
    def _language(cls, value: str | None) -> str | None:
        return checked_language(value) if value is not None else None


# --- merges and reviews -----------------------------------------------------------------------


class MergeRequest(BaseModel):
    other_id: str = Field(description="The profile that is merged into the one in the path.")
    reason: str = Field(min_length=1, max_length=200)


class MergeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    survivor_id: str
    merged_id: str
    reason: str
    evidence: dict[str, Any]
    moved: dict[str, Any]
    merged_by: str | None
    created_at: datetime
    undone_at: datetime | None


class ReviewRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    customer_a_id: str
    customer_b_id: str
    score: float
    evidence: dict[str, Any]
    status: ReviewStatus
    created_at: datetime
    decided_at: datetime | None
    decided_by: str | None


# --- Segment-compatible events ----------------------------------------------------------------


class SegmentCall(BaseModel):
    """Fields every Segment call may carry; unknown ones (sentAt, integrations) are ignored."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    user_id: str | None = Field(None, alias="userId", min_length=1, max_length=200)
    anonymous_id: str | None = Field(None, alias="anonymousId", min_length=1, max_length=200)
    message_id: str | None = Field(None, alias="messageId", min_length=1, max_length=200)
    timestamp: datetime | None = None
    context: dict[str, Any] = Field(default_factory=dict)

    @field_validator("user_id", "anonymous_id", mode="before")
    @classmethod
    def _ids_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value  # Segment allows numeric ids


class IdentifyCall(SegmentCall):
    type: Literal["identify"] = "identify"
    traits: dict[str, Any] = Field(default_factory=dict)


class TrackCall(SegmentCall):
    type: Literal["track"] = "track"
    event: str = Field(min_length=1, max_length=200)
    properties: dict[str, Any] = Field(default_factory=dict)


class PageCall(SegmentCall):
    type: Literal["page"] = "page"
    name: str | None = Field(None, max_length=200)
    category: str | None = Field(None, max_length=200)
    properties: dict[str, Any] = Field(default_factory=dict)


class AliasCall(SegmentCall):
    type: Literal["alias"] = "alias"
    previous_id: str = Field(alias="previousId", min_length=1, max_length=200)

    @field_validator("previous_id", mode="before")
    @classmethod
    def _previous_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value


AnyCall = IdentifyCall | TrackCall | PageCall | AliasCall
CALL_TYPES: dict[str, type[SegmentCall]] = {
    "identify": IdentifyCall,
    "track": TrackCall,
    "page": PageCall,
    "alias": AliasCall,
}


class BatchRequest(BaseModel):
    """``{"batch": [...]}``: each item carries its ``type``; checked item by item."""

    model_config = ConfigDict(extra="ignore")

    batch: list[dict[str, Any]] = Field(max_length=MAX_BATCH)
    context: dict[str, Any] = Field(default_factory=dict)


class SegmentResponse(BaseModel):
    success: bool = True


class DedupeQueued(BaseModel):
    """The queued ``customer.deduplicate`` job; follow it at ``/api/v1/admin/jobs/{job_id}``."""

    job_id: str
    name: str
    dry_run: bool
