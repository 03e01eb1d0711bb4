from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from deskpilot.models import (
    ConversationStatus,
    DeliveryStatus,
    Direction,
    HandledBy,
    Priority,
    SenderType,
)

LABEL_PATTERN = r"^[\w][\w .:/-]{0,99}$"


class AttachmentRead(BaseModel):
    id: str
    filename: str
    content_type: str
    size: int


class MessageRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    conversation_id: str
    channel_id: str
    direction: Direction
    sender_type: SenderType
    sender_id: str | None
    text: str
    attachments: list[AttachmentRead]
    is_private: bool
    external_id: str | None
    delivery_status: DeliveryStatus | None
    delivery_error: str | None
    annotations: dict[str, Any] | None = None  # what the AI understood (customer messages)
    created_at: datetime
    sent_at: datetime | None


class ConversationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    channel_id: str
    customer_id: str
    status: ConversationStatus
    assignee_id: str | None
    team_id: str | None
    priority: Priority
    labels: list[str] = Field(default_factory=list)
    language: str | None
    handled_by: HandledBy
    subject: str | None
    snoozed_until: datetime | None
    first_response_at: datetime | None
    resolved_at: datetime | None
    last_activity_at: datetime
    created_at: datetime
    updated_at: datetime


class MessageCreate(BaseModel):
    text: str = Field(min_length=1, max_length=20_000)
    private: bool = Field(False, description="A private note: agents see it, the customer never.")


class AssignRequest(BaseModel):
    assignee_id: str | None = Field(description="A member's user id, or null to unassign.")


class StatusChange(BaseModel):
    status: ConversationStatus
    snoozed_until: datetime | None = Field(None, description="Required when snoozing.")

    @field_validator("snoozed_until")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("must include a time zone, e.g. 2026-12-01T09:00:00Z")
        return value


class LabelsUpdate(BaseModel):
    labels: list[str] = Field(max_length=50)

    @field_validator("labels")
    @classmethod
    def _clean(cls, labels: list[str]) -> list[str]:
        import re

        cleaned = sorted({label.strip() for label in labels if label.strip()})
        for label in cleaned:
            if not re.match(LABEL_PATTERN, label):
                raise ValueError(f"label {label!r} may hold letters, digits, space and . : / - _")
        return cleaned


class ConversationUpdate(BaseModel):
    priority: Priority | None = None
    handled_by: HandledBy | None = Field(None, description="`human` takes over from the bot.")
    team_id: str | None = None


def attachment_reads(attachments: list[dict[str, Any]]) -> list[AttachmentRead]:
    return [AttachmentRead.model_validate(a) for a in attachments]


@dataclass(frozen=True, slots=True)
class ConversationFilter:
    """What a conversation list is narrowed to; unset fields do not filter."""

    status: ConversationStatus | None = None
    channel_id: str | None = None
    customer_id: str | None = None
    assignee_id: str | None = None
    unassigned: bool = False
    handled_by: HandledBy | None = None
    label: str | None = None
    language: str | None = None
    intent: str | None = None  # of the newest customer message
    sentiment: str | None = None  # its label: negative, neutral or positive
    search: str | None = None  # customer name or email, or a message's text
    team_ids: tuple[str, ...] | None = None  # conversations of these teams
    ids: tuple[str, ...] | None = None  # only these conversations


MESSAGE_RECEIVED_JOB = "conversation.message_received"
"""Queued by intake for every new customer message; the AI engine handles it."""


class MessageReceived(BaseModel):
    message_id: str
