from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from deskpilot.kit.clock import utcnow
from deskpilot.kit.db import Base
from deskpilot.kit.ids import ID_LENGTH
from deskpilot.models.base import Timestamped, WorkspaceScoped, enum_column, id_column


class ConversationStatus(enum.StrEnum):
    OPEN = "open"
    PENDING = "pending"
    SNOOZED = "snoozed"
    RESOLVED = "resolved"


class Priority(enum.StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class HandledBy(enum.StrEnum):
    BOT = "bot"
    HUMAN = "human"


class Direction(enum.StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class SenderType(enum.StrEnum):
    CUSTOMER = "customer"
    AGENT = "agent"
    BOT = "bot"
    SYSTEM = "system"


class DeliveryStatus(enum.StrEnum):
    RECEIVED = "received"  # inbound, stored (private notes have no delivery status)
    QUEUED = "queued"  # outbound, waiting for (another) attempt
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"  # outbound, gave up: delivery_error says why


class Conversation(WorkspaceScoped, Timestamped, Base):
    __tablename__ = "conversations"
    __table_args__ = (
        Index("ix_conversations_workspace_activity", "workspace_id", "last_activity_at", "id"),
        Index("ix_conversations_thread", "channel_id", "thread_key"),
    )

    id: Mapped[str] = id_column("cnv")
    channel_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("channels.id", ondelete="CASCADE"), index=True
    )
    customer_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[ConversationStatus] = mapped_column(
        enum_column(ConversationStatus), default=ConversationStatus.OPEN
    )
    assignee_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    team_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))  # teams arrive with tickets
    priority: Mapped[Priority] = mapped_column(enum_column(Priority), default=Priority.NORMAL)
    language: Mapped[str | None] = mapped_column(String(16))
    handled_by: Mapped[HandledBy] = mapped_column(enum_column(HandledBy), default=HandledBy.BOT)
    subject: Mapped[str | None] = mapped_column(String(500))
    thread_key: Mapped[str | None] = mapped_column(String(500))
    snoozed_until: Mapped[datetime | None]
    first_response_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)


class Message(WorkspaceScoped, Base):
    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("channel_id", "direction", "external_id"),
        Index("ix_messages_conversation_created", "conversation_id", "created_at", "id"),
    )

    id: Mapped[str] = id_column("msg")
    conversation_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("conversations.id", ondelete="CASCADE")
    )
    channel_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("channels.id", ondelete="CASCADE")
    )
    direction: Mapped[Direction] = mapped_column(enum_column(Direction))
    sender_type: Mapped[SenderType] = mapped_column(enum_column(SenderType))
    sender_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    text: Mapped[str] = mapped_column(Text, default="")
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    is_private: Mapped[bool] = mapped_column(default=False)
    external_id: Mapped[str | None] = mapped_column(String(500))
    delivery_status: Mapped[DeliveryStatus | None] = mapped_column(enum_column(DeliveryStatus))
    delivery_error: Mapped[str | None] = mapped_column(Text)
    raw: Mapped[dict[str, Any] | None]
    # what the AI understood of an inbound message: language, PII spans, intent, sentiment...
    annotations: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class ConversationLabel(WorkspaceScoped, Base):
    """One label on one conversation (a table, so that filtering by label is a plain join)."""

    __tablename__ = "conversation_labels"
    __table_args__ = (UniqueConstraint("conversation_id", "label"),)

    id: Mapped[str] = id_column("lbl")
    conversation_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("conversations.id", ondelete="CASCADE")
    )
    label: Mapped[str] = mapped_column(String(100), index=True)
