from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator


def _name(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be blank")
    return value


class SegmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    rules: dict[str, Any] = Field(description="The rule tree; see docs/segments.md")

    _strip = field_validator("name")(_name)


class SegmentUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    rules: dict[str, Any] | None = None

    @field_validator("name")
    @classmethod
    def _strip(cls, value: str | None) -> str | None:
        return None if value is None else _name(value)


class SegmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    description: str | None
    rules: dict[str, Any]
    member_count: int = 0
    created_at: datetime
    updated_at: datetime


class SegmentRef(BaseModel):
    """A segment a customer belongs to, as the 360 API and routing show it."""

    id: str
    name: str
    since: datetime


class CustomerBrief(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str | None
    email: str | None
    phone: str | None


class MemberRead(BaseModel):
    customer: CustomerBrief
    since: datetime


class PreviewRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rules: dict[str, Any]
    sample_size: int = Field(default=10, ge=0, le=100)


class PreviewRead(BaseModel):
    count: int
    sample: list[CustomerBrief]
