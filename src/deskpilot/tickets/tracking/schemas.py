"""What the public tracking API gives and takes (no ids, no agent names, no private notes)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from deskpilot.models import TicketStatus


class PublicUpdate(BaseModel):
    at: datetime
    by: Literal["you", "team"]
    who: str  # "You" / "Support team", in the page's language
    kind: Literal["created", "status", "reopened", "comment", "rated"]
    text: str


class Expected(BaseModel):
    kind: Literal["first_response", "resolution"]
    at: datetime
    local: str  # the instant in the workspace's time zone, for people
    text: str


class TrackRead(BaseModel):
    reference: str
    subject: str
    status: TicketStatus
    status_text: str
    language: str
    expected: Expected | None
    usually: str | None  # shown when no target time is known
    updates: list[PublicUpdate]
    can_add_information: bool
    can_reopen: bool


class CustomerText(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=10_000)


class ReopenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(default=None, max_length=10_000)
