"""What the teams and availability API takes and gives."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from deskpilot.models import AssignmentMethod

Availability = Literal["online", "away", "offline"]
Tag = Annotated[str, Field(min_length=1, max_length=100)]
Tags = Annotated[list[Tag], Field(max_length=100)]


def _name(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not value:
        raise ValueError("must not be blank")
    return value


def _tags(value: list[str] | None) -> list[str] | None:
    """Trimmed, without blanks or repeats (case-insensitive), in the order given."""
    if value is None:
        return None
    seen: dict[str, str] = {}
    for tag in value:
        tag = tag.strip()
        if tag:
            seen.setdefault(tag.casefold(), tag)
    return list(seen.values())


class TeamFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    skills: Tags | None = None
    languages: Tags | None = None
    categories: Tags | None = None
    assignment: AssignmentMethod | None = None
    max_open_per_agent: int | None = Field(default=None, ge=1, le=10_000)
    calendar_id: str | None = None

    _strip = field_validator("name")(_name)
    _clean = field_validator("skills", "languages", "categories")(_tags)


class TeamCreate(TeamFields):
    """A new team; skills, languages and categories empty mean "any"."""

    name: str = Field(min_length=1, max_length=200)


class TeamUpdate(TeamFields):
    """Fields to change; a field left out is left alone (``null`` clears description, cap and
    calendar)."""


class TeamRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    description: str | None
    skills: list[str]
    languages: list[str]
    categories: list[str]
    assignment: AssignmentMethod
    max_open_per_agent: int | None
    calendar_id: str | None
    last_assigned_user_id: str | None
    created_at: datetime
    updated_at: datetime


class TeamMemberRead(BaseModel):
    user_id: str
    name: str
    email: str
    is_active: bool
    availability: str
    max_open_tickets: int | None
    open_tickets: int
    joined_at: datetime


class AvailabilityUpdate(BaseModel):
    """``max_open_tickets``: this member's own cap on open tickets (``null``: no own cap)."""

    model_config = ConfigDict(extra="forbid")

    availability: Availability | None = None
    max_open_tickets: int | None = Field(default=None, ge=0, le=10_000)


class AvailabilityRead(BaseModel):
    user_id: str
    availability: str
    max_open_tickets: int | None
    open_tickets: int
