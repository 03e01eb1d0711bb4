"""What the calendar and SLA policy endpoints take and give."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from deskpilot.models import Priority

MINUTES = "Business minutes (at most a year); null: no target."


class CalendarCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    timezone: str = Field("UTC", description="An IANA zone such as Europe/Berlin.")
    hours: dict[str, Any] = Field(
        default_factory=dict,
        description='Local opening intervals per day: {"mon": [["09:00", "17:00"]], ...}; '
        "a day left out is closed; 24:00 may end a day.",
    )
    holidays: list[Any] = Field(default_factory=list, description="ISO dates, local to the zone.")


class CalendarUpdate(BaseModel):
    name: str | None = Field(None, min_length=1, max_length=200)
    timezone: str | None = None
    hours: dict[str, Any] | None = None
    holidays: list[Any] | None = None


class CalendarRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    timezone: str
    hours: dict[str, Any]
    holidays: list[str]
    created_at: datetime
    updated_at: datetime


class PolicyFields(BaseModel):
    description: str | None = Field(None, max_length=2000)
    position: int = Field(0, ge=0, le=1_000_000)
    is_active: bool = True
    priority: Priority | None = Field(None, description="Only tickets of this priority; null: any.")
    segment_id: str | None = Field(
        None, description="Only tickets whose customer is in this segment; null: any ticket."
    )
    first_response_minutes: int | None = Field(None, ge=1, le=525_600, description=MINUTES)
    resolution_minutes: int | None = Field(None, ge=1, le=525_600, description=MINUTES)
    warn_before_minutes: int = Field(30, ge=0, le=10_080)
    calendar_id: str | None = Field(None, description="Business hours; null: around the clock.")


class PolicyCreate(PolicyFields):
    name: str = Field(min_length=1, max_length=200)


class PolicyUpdate(BaseModel):
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=2000)
    position: int | None = Field(None, ge=0, le=1_000_000)
    is_active: bool | None = None
    priority: Priority | None = None
    segment_id: str | None = None
    first_response_minutes: int | None = Field(None, ge=1, le=525_600)
    resolution_minutes: int | None = Field(None, ge=1, le=525_600)
    warn_before_minutes: int | None = Field(None, ge=0, le=10_080)
    calendar_id: str | None = None


class PolicyRead(PolicyFields):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    created_at: datetime
    updated_at: datetime
