"""What the tickets API takes and gives, and who changes tickets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from deskpilot.models import Priority, TicketSource, TicketStatus, TicketType

LABEL_PATTERN = r"^[\w][\w .:/-]{0,99}$"
REFERENCE_PREFIX = "DP-"

Label = Annotated[str, Field(pattern=LABEL_PATTERN)]

ActorType = Literal["user", "api_key", "customer", "bot", "rule", "system"]


@dataclass(frozen=True, slots=True)
class Actor:
    """Who made a change, as the ticket's history names them."""

    type: ActorType
    id: str | None = None


SYSTEM = Actor("system")


def reference(number: int) -> str:
    return f"{REFERENCE_PREFIX}{number:06d}"


def parse_reference(text: str) -> int | None:
    """``DP-000123`` (any case, leading zeros optional) -> 123; None if it is not one."""
    text = text.strip().upper()
    if not text.startswith(REFERENCE_PREFIX):
        return None
    digits = text[len(REFERENCE_PREFIX) :]
    return int(digits) if digits.isdigit() and 0 < len(digits) <= 12 else None


class TicketFields(BaseModel):
    """What a ticket is about: every field optional, for creating and for changing."""

    model_config = ConfigDict(extra="forbid")

    type: TicketType | None = None
    category: str | None = Field(default=None, max_length=100)
    priority: Priority | None = None
    status: TicketStatus | None = None
    subject: str | None = Field(default=None, min_length=1, max_length=500)
    description: str | None = Field(default=None, max_length=20_000)
    language: str | None = Field(default=None, max_length=16)
    labels: list[Label] | None = Field(default=None, max_length=50)
    customer_id: str | None = None
    assignee_id: str | None = None
    team_id: str | None = None
    due_at: datetime | None = None

    @field_validator("labels")
    @classmethod
    def _distinct(cls, value: list[str] | None) -> list[str] | None:
        return list(dict.fromkeys(value)) if value is not None else None


class TicketCreate(TicketFields):
    subject: str = Field(min_length=1, max_length=500)
    conversation_id: str | None = None  # link it, and take customer, channel, language from it


class TicketUpdate(TicketFields):
    """Fields to change; a field left out is left alone (``null`` clears the clearable ones)."""


class TicketRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    reference: str
    number: int
    type: TicketType
    category: str | None
    priority: Priority
    status: TicketStatus
    source: TicketSource
    subject: str
    description: str
    language: str | None
    labels: list[str]
    attachments: list[dict[str, Any]]
    customer_id: str | None
    channel_id: str | None
    assignee_id: str | None
    team_id: str | None
    conversation_ids: list[str] = Field(default_factory=list)
    due_at: datetime | None
    first_response_at: datetime | None
    solved_at: datetime | None
    closed_at: datetime | None
    sla_policy_id: str | None
    first_response_due_at: datetime | None
    resolution_due_at: datetime | None
    sla_paused_at: datetime | None
    first_response_breached_at: datetime | None
    resolution_breached_at: datetime | None
    created_at: datetime
    updated_at: datetime


class TicketChangeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    ticket_id: str
    actor_type: str
    actor_id: str | None
    kind: str
    changes: dict[str, Any]
    note: str | None
    is_public: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class TicketFilter:
    """What ``GET /api/v1/tickets`` narrows the list to (every condition must hold)."""

    statuses: tuple[TicketStatus, ...] = ()
    assignee_id: str | None = None
    unassigned: bool = False
    team_id: str | None = None
    customer_id: str | None = None
    conversation_id: str | None = None  # tickets linked to this conversation
    priority: Priority | None = None
    type: TicketType | None = None
    category: str | None = None
    label: str | None = None
    source: TicketSource | None = None
    q: str | None = None  # in the subject, or a reference (DP-000123)


class CommentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=20_000)
    public: bool = False  # public: shown on the tracking page, an answer to the customer


class ConversationLink(BaseModel):
    model_config = ConfigDict(extra="forbid")

    conversation_id: str = Field(min_length=1, max_length=64)


class ConversationTicketCreate(TicketFields):
    """A ticket from a conversation: every field optional (the subject defaults to the
    conversation's subject or the customer's first message)."""
