"""The AI engine's tables: per-workspace settings, the intent taxonomy, the state the bot keeps
per conversation, and one run record per decision."""

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


class Handling(enum.StrEnum):
    ANSWER = "answer"  # from the knowledge base
    ACTION = "action"  # on the customer's own data
    HANDOFF = "handoff"  # to a person


class Decision(enum.StrEnum):
    ANSWER = "answer"
    ACTION = "action"
    CLARIFY = "clarify"
    HANDOFF = "handoff"


DEFAULT_LANGUAGES = ("en", "zh", "ru")
"""The languages a workspace's AI understands until an admin chooses others."""


class AISettings(WorkspaceScoped, Timestamped, Base):
    """How the bot behaves in one workspace (one row; defaults until an admin changes them)."""

    __tablename__ = "ai_settings"
    __table_args__ = (UniqueConstraint("workspace_id"),)

    id: Mapped[str] = id_column("ais")
    bot_enabled: Mapped[bool] = mapped_column(default=True)
    provider: Mapped[str] = mapped_column(String(40), default="builtin")
    base_url: Mapped[str | None] = mapped_column(String(500))
    chat_model: Mapped[str | None] = mapped_column(String(200))
    embedding_model: Mapped[str | None] = mapped_column(String(200))
    api_key_secret: Mapped[str | None] = mapped_column(String(100))  # a workspace secret's name
    timeout_seconds: Mapped[float] = mapped_column(default=20.0)
    max_retries: Mapped[int] = mapped_column(default=2)
    languages: Mapped[list[str]] = mapped_column(default=lambda: list(DEFAULT_LANGUAGES))
    handoff_confidence: Mapped[float] = mapped_column(default=0.45)
    negative_sentiment: Mapped[float] = mapped_column(default=-0.6)
    vip_segments: Mapped[list[str]] = mapped_column(default=list)  # segment ids or names
    actions_enabled: Mapped[list[str]] = mapped_column(
        default=lambda: ["order_status", "cancel_order", "return_order", "change_address"]
    )
    max_bot_failures: Mapped[int] = mapped_column(default=2)


class AIIntent(WorkspaceScoped, Timestamped, Base):
    """One intent of the workspace's taxonomy, with the examples the classifier learns from."""

    __tablename__ = "ai_intents"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: Mapped[str] = id_column("int")
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    handling: Mapped[Handling] = mapped_column(enum_column(Handling))
    action: Mapped[str | None] = mapped_column(String(80))  # for handling "action"
    examples: Mapped[list[str]] = mapped_column(default=list)


class AIConversationState(WorkspaceScoped, Base):
    """What the bot remembers in one conversation between turns."""

    __tablename__ = "ai_conversation_states"
    __table_args__ = (UniqueConstraint("conversation_id"),)

    id: Mapped[str] = id_column("acs")
    conversation_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("conversations.id", ondelete="CASCADE")
    )
    verified_customer_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    focus_order_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))  # "it", "that order"
    pending_action: Mapped[dict[str, Any] | None]  # awaiting the customer's yes or no
    pending_intent: Mapped[str | None] = mapped_column(String(80))  # asked to clarify
    failures: Mapped[int] = mapped_column(default=0)
    # details (email and order, name and zip) that matched no account; never starts again
    verification_failures: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AIRun(WorkspaceScoped, Base):
    """One decision of the engine, with what it saw (redacted) and why it decided so."""

    __tablename__ = "ai_runs"
    __table_args__ = (
        Index("ix_ai_runs_message", "workspace_id", "message_id"),
        Index("ix_ai_runs_conversation", "workspace_id", "conversation_id"),
    )

    id: Mapped[str] = id_column("air")
    conversation_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    message_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    kind: Mapped[str] = mapped_column(String(20))  # message, preview, suggestion
    input_redacted: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(16))
    intent: Mapped[str | None] = mapped_column(String(80))
    confidence: Mapped[float | None]
    sentiment: Mapped[float | None]
    decision: Mapped[Decision] = mapped_column(enum_column(Decision))
    reason: Mapped[str] = mapped_column(String(200))
    reply: Mapped[str | None] = mapped_column(Text)
    sources: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    action: Mapped[dict[str, Any] | None]
    provider: Mapped[str] = mapped_column(String(40))
    latency_ms: Mapped[float]
    prompt_tokens: Mapped[int] = mapped_column(default=0)
    completion_tokens: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
