"""What the feedback form takes and gives."""

from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from deskpilot.feedback.classify import Category

MAX_TEXT_CHARS = 5_000
MAX_ATTACHMENTS = 3
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
ALLOWED_TYPES = (
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/pdf",
    "text/plain",
    "text/csv",
)
"""Common types a visitor attaches: screenshots, photos, PDFs, plain text."""


class FeedbackSubmit(BaseModel):
    """One submission. ``category`` left out: the AI picks it. A contact (email and/or name)
    needs ``consent`` (to be contacted and to have the contact stored with the ticket)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    category: Category | None = None
    email: str | None = Field(default=None, max_length=254)
    name: str | None = Field(default=None, max_length=200)
    consent: bool = Field(default=False, validate_default=True)
    language: str | None = Field(default=None, max_length=16, pattern=r"^[A-Za-z-]+$")
    """The language of the page the visitor used (a hint; the text's own language wins)."""

    @field_validator("email", "name", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("category", mode="before")
    @classmethod
    def _blank_category(cls, value: object) -> object:
        return None if value in ("", "auto") else value

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return validate_email(value, check_deliverability=False).normalized
        except EmailNotValidError:
            raise ValueError("is not a valid email address") from None

    @field_validator("consent")
    @classmethod
    def _consent_with_contact(cls, value: bool, info: ValidationInfo) -> bool:
        if (info.data.get("email") or info.data.get("name")) and not value:
            raise ValueError("is required when you leave your contact details")
        return value


@dataclass(frozen=True, slots=True)
class Upload:
    """A file the visitor attached, read into memory (at most ``MAX_ATTACHMENT_BYTES`` + 1)."""

    filename: str
    content_type: str
    data: bytes


class CitationRead(BaseModel):
    article_id: str
    title: str
    url: str


class InstantAnswer(BaseModel):
    text: str
    citations: list[CitationRead]


class FeedbackResult(BaseModel):
    reference: str
    ticket_id: str
    type: str
    category: str
    language: str
    sentiment: str
    answer: InstantAnswer | None = None
    tracking_url: str | None = None
