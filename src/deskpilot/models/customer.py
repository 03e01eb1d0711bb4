from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from deskpilot.kit.db import Base
from deskpilot.kit.ids import ID_LENGTH
from deskpilot.models.base import Timestamped, WorkspaceScoped, enum_column, id_column


class IdentityKind(enum.StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    CHANNEL = "channel"  # a handle on one channel: "<channel id>:<external id>"
    EXTERNAL = "external"  # an id in the business's own systems (CRM, shop)


class Customer(WorkspaceScoped, Timestamped, Base):
    """One person the business talks to, across every channel.

    ``email`` and ``phone`` are the primary contact; every known one is an identity. A profile
    merged into another keeps its row with ``merged_into_id`` set, so a merge can be undone.
    """

    __tablename__ = "customers"

    id: Mapped[str] = id_column("cus")
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(16))
    locale: Mapped[str | None] = mapped_column(String(32))
    country: Mapped[str | None] = mapped_column(String(2))
    date_of_birth: Mapped[date | None]
    city: Mapped[str | None] = mapped_column(String(120))
    address: Mapped[str | None] = mapped_column(String(500))
    postcode: Mapped[str | None] = mapped_column(String(20))
    tags: Mapped[list[str]] = mapped_column(default=list)
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    computed: Mapped[dict[str, Any]] = mapped_column(default=dict)  # computed traits
    merged_into_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )


class CustomerIdentity(WorkspaceScoped, Timestamped, Base):
    """A normalised identifier that points at one customer in a workspace."""

    __tablename__ = "customer_identities"
    __table_args__ = (UniqueConstraint("workspace_id", "kind", "value"),)

    id: Mapped[str] = id_column("cid")
    customer_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[IdentityKind] = mapped_column(enum_column(IdentityKind))
    value: Mapped[str] = mapped_column(String(400))
    verified: Mapped[bool] = mapped_column(default=False)


class ConsentStatus(enum.StrEnum):
    GRANTED = "granted"
    DENIED = "denied"
    WITHDRAWN = "withdrawn"


class Consent(WorkspaceScoped, Base):
    """A customer's answer for one purpose (marketing email, profiling...), as recorded."""

    __tablename__ = "customer_consents"
    __table_args__ = (Index("ix_customer_consents_customer_purpose", "customer_id", "purpose"),)

    id: Mapped[str] = id_column("cns")
    customer_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("customers.id", ondelete="CASCADE")
    )
    purpose: Mapped[str] = mapped_column(String(100))
    status: Mapped[ConsentStatus] = mapped_column(enum_column(ConsentStatus))
    source: Mapped[str | None] = mapped_column(String(200))
    recorded_at: Mapped[datetime]


class CustomerMerge(WorkspaceScoped, Base):
    """A merge of ``merged_id`` into ``survivor_id``, with what moved, so it can be undone."""

    __tablename__ = "customer_merges"

    id: Mapped[str] = id_column("mrg")
    survivor_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    merged_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(String(200))
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    moved: Mapped[dict[str, Any]] = mapped_column(default=dict)  # ids per kind, and old traits
    merged_by: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    created_at: Mapped[datetime]
    undone_at: Mapped[datetime | None]


class ReviewStatus(enum.StrEnum):
    PENDING = "pending"
    MERGED = "merged"
    REJECTED = "rejected"


class MatchReview(WorkspaceScoped, Base):
    """An uncertain match waiting for a person: the two profiles, the score, the evidence."""

    __tablename__ = "match_reviews"
    __table_args__ = (UniqueConstraint("workspace_id", "customer_a_id", "customer_b_id"),)

    id: Mapped[str] = id_column("mrv")
    customer_a_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("customers.id", ondelete="CASCADE")
    )
    customer_b_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("customers.id", ondelete="CASCADE")
    )
    score: Mapped[float]
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[ReviewStatus] = mapped_column(
        enum_column(ReviewStatus), default=ReviewStatus.PENDING
    )
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(ID_LENGTH))
