from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from deskpilot.kit.db import Base
from deskpilot.kit.ids import ID_LENGTH
from deskpilot.models.base import Timestamped, WorkspaceScoped, id_column


class Segment(WorkspaceScoped, Timestamped, Base):
    """Customers matching rules over traits and events, kept up to date as data arrives."""

    __tablename__ = "segments"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: Mapped[str] = id_column("seg")
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    rules: Mapped[dict[str, Any]] = mapped_column(default=dict)


class SegmentMembership(WorkspaceScoped, Base):
    __tablename__ = "segment_memberships"
    __table_args__ = (UniqueConstraint("segment_id", "customer_id"),)

    id: Mapped[str] = id_column("sgm")
    segment_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("segments.id", ondelete="CASCADE")
    )
    customer_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    since: Mapped[datetime]
