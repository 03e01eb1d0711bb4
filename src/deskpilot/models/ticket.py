"""Tickets: the work that people do until a customer's request is resolved, with its history."""

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
from deskpilot.models.conversation import Priority


class TicketType(enum.StrEnum):
    QUESTION = "question"
    INCIDENT = "incident"
    COMPLAINT = "complaint"
    FEEDBACK = "feedback"
    SUGGESTION = "suggestion"


class TicketStatus(enum.StrEnum):
    NEW = "new"
    OPEN = "open"
    PENDING_CUSTOMER = "pending_customer"  # the SLA clock pauses
    ON_HOLD = "on_hold"
    SOLVED = "solved"
    CLOSED = "closed"  # final: a closed ticket is never reopened


class TicketSource(enum.StrEnum):
    HANDOFF = "handoff"  # the AI handed a conversation to people
    AGENT = "agent"  # an agent made it (from a conversation or by hand)
    FEEDBACK = "feedback"  # the public feedback form
    API = "api"


class Ticket(WorkspaceScoped, Timestamped, Base):
    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("workspace_id", "number"),
        Index("ix_tickets_workspace_status", "workspace_id", "status", "updated_at"),
    )

    id: Mapped[str] = id_column("tkt")
    number: Mapped[int]  # per workspace, from workspaces.last_ticket_number: DP-000123
    type: Mapped[TicketType] = mapped_column(enum_column(TicketType), default=TicketType.QUESTION)
    category: Mapped[str | None] = mapped_column(String(100))
    priority: Mapped[Priority] = mapped_column(enum_column(Priority), default=Priority.NORMAL)
    status: Mapped[TicketStatus] = mapped_column(
        enum_column(TicketStatus), default=TicketStatus.NEW
    )
    source: Mapped[TicketSource] = mapped_column(enum_column(TicketSource))
    subject: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str | None] = mapped_column(String(16))
    labels: Mapped[list[str]] = mapped_column(default=list)
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    customer_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    # where the customer is answered (surveys, updates): the conversation's channel, or email
    channel_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("channels.id", ondelete="SET NULL")
    )
    assignee_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    team_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("teams.id", ondelete="SET NULL"), index=True
    )
    due_at: Mapped[datetime | None]  # a date an agent promised
    first_response_at: Mapped[datetime | None]
    solved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # SLA state (tickets.sla keeps it): targets are instants, recomputed when the clock resumes
    sla_policy_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("sla_policies.id", ondelete="SET NULL")
    )
    first_response_due_at: Mapped[datetime | None]
    resolution_due_at: Mapped[datetime | None]
    sla_paused_at: Mapped[datetime | None]  # set while the ticket waits for the customer
    first_response_breached_at: Mapped[datetime | None]
    resolution_breached_at: Mapped[datetime | None]
    sla_warnings: Mapped[list[str]] = mapped_column(default=list)  # targets already warned of


class TicketConversation(WorkspaceScoped, Base):
    """A conversation linked to a ticket (a ticket may gather several)."""

    __tablename__ = "ticket_conversations"
    __table_args__ = (UniqueConstraint("ticket_id", "conversation_id"),)

    id: Mapped[str] = id_column("tcv")
    ticket_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("tickets.id", ondelete="CASCADE")
    )
    conversation_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TicketChange(WorkspaceScoped, Base):
    """One entry of a ticket's history: who changed what, when; public ones show on tracking."""

    __tablename__ = "ticket_changes"
    __table_args__ = (Index("ix_ticket_changes_ticket", "ticket_id", "created_at", "id"),)

    id: Mapped[str] = id_column("tch")
    ticket_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("tickets.id", ondelete="CASCADE")
    )
    actor_type: Mapped[str] = mapped_column(String(16))  # user, customer, bot, rule, system
    actor_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    kind: Mapped[str] = mapped_column(String(32))  # created, updated, comment, sla, survey...
    changes: Mapped[dict[str, Any]] = mapped_column(default=dict)  # field: [before, after]
    note: Mapped[str | None] = mapped_column(Text)
    is_public: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SatisfactionSurvey(WorkspaceScoped, Base):
    """A 1-5 survey sent when a ticket is solved, and the customer's answer."""

    __tablename__ = "satisfaction_surveys"
    __table_args__ = (Index("ix_satisfaction_surveys_ticket", "ticket_id", "sent_at"),)

    id: Mapped[str] = id_column("csat")
    ticket_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("tickets.id", ondelete="CASCADE")
    )
    customer_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    agent_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    conversation_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("conversations.id", ondelete="SET NULL")
    )
    score: Mapped[int | None]
    comment: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]
