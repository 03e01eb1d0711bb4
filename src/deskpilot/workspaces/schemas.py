from __future__ import annotations

from datetime import datetime
from typing import Literal
from zoneinfo import available_timezones

from pydantic import BaseModel, ConfigDict, Field, field_validator

SLUG_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$"
SECRET_NAME_PATTERN = r"^[a-z0-9][a-z0-9_.-]{0,99}$"  # noqa: S105 (a pattern, not a secret)
LANGUAGE_PATTERN = r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$"


def _known_timezone(value: str | None) -> str | None:
    if value is not None and value not in available_timezones():
        raise ValueError(f"unknown time zone {value!r} (use an IANA name such as Europe/Berlin)")
    return value


class WorkspaceCreate(BaseModel):
    slug: str = Field(pattern=SLUG_PATTERN, description="Lower-case letters, digits and dashes.")
    name: str = Field(min_length=1, max_length=200)
    default_language: str = Field("en", pattern=LANGUAGE_PATTERN)
    timezone: str = "UTC"

    _timezone = field_validator("timezone")(_known_timezone)


class WorkspaceUpdate(BaseModel):
    name: str | None = Field(None, min_length=1, max_length=200)
    default_language: str | None = Field(None, pattern=LANGUAGE_PATTERN)
    timezone: str | None = None
    knowledge_publish_role: Literal["agent", "admin"] | None = Field(
        None, description="The least role that may publish knowledge articles."
    )

    _timezone = field_validator("timezone")(_known_timezone)


class WorkspaceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    slug: str
    name: str
    default_language: str
    timezone: str
    knowledge_publish_role: str
    created_at: datetime
    updated_at: datetime


class SecretWrite(BaseModel):
    value: str = Field(min_length=1, max_length=10_000)


class SecretRead(BaseModel):
    """A stored secret's name and age; its value is never returned."""

    model_config = ConfigDict(from_attributes=True)

    name: str
    updated_at: datetime
