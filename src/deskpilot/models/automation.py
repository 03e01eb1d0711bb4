"""Automation rules (when + conditions -> actions), macros, canned responses, and the log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from deskpilot.kit.clock import utcnow
from deskpilot.kit.db import Base
from deskpilot.kit.ids import ID_LENGTH
from deskpilot.models.base import Timestamped, WorkspaceScoped, id_column


class AutomationRule(WorkspaceScoped, Timestamped, Base):
    __tablename__ = "automation_rules"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: Mapped[str] = id_column("rule")
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    trigger: Mapped[str] = mapped_column(String(64))  # ticket.created, ticket.sla_breached...
    conditions: Mapped[list[dict[str, Any]]] = mapped_column(default=list)  # all must hold
    actions: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)


class RuleRun(WorkspaceScoped, Base):
    """One evaluation of a rule against one ticket: whether it matched and what it did."""

    __tablename__ = "rule_runs"
    __table_args__ = (
        Index("ix_rule_runs_rule", "rule_id", "created_at"),
        UniqueConstraint("rule_id", "dedupe_key"),
    )

    id: Mapped[str] = id_column("rrun")
    rule_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("automation_rules.id", ondelete="CASCADE")
    )
    ticket_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("tickets.id", ondelete="SET NULL"), index=True
    )
    trigger: Mapped[str] = mapped_column(String(64))
    event_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    dedupe_key: Mapped[str | None] = mapped_column(String(200))  # time rules: once per state
    matched: Mapped[bool]
    actions_done: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Macro(WorkspaceScoped, Timestamped, Base):
    """Actions an agent applies to a ticket in one click (the same actions rules take)."""

    __tablename__ = "macros"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: Mapped[str] = id_column("mac")
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    actions: Mapped[list[dict[str, Any]]] = mapped_column(default=list)


class CannedResponse(WorkspaceScoped, Timestamped, Base):
    """A reply template with variables from the customer's 360 (``{{ customer.name }}``)."""

    __tablename__ = "canned_responses"
    __table_args__ = (UniqueConstraint("workspace_id", "shortcut"),)

    id: Mapped[str] = id_column("can")
    shortcut: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(16))


class Notification(WorkspaceScoped, Base):
    """Something a member should see: in the app (realtime), and by email if they want."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user", "user_id", "read_at", "created_at"),)

    id: Mapped[str] = id_column("ntf")
    user_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("users.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(64))  # ticket.assigned, ticket.sla_breached...
    title: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text, default="")
    ticket_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("tickets.id", ondelete="CASCADE")
    )
    conversation_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("conversations.id", ondelete="CASCADE")
    )
    emailed_at: Mapped[datetime | None]
    read_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
