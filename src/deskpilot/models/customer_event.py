from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from deskpilot.kit.db import Base
from deskpilot.kit.ids import ID_LENGTH
from deskpilot.models.base import WorkspaceScoped, id_column


class CustomerEvent(WorkspaceScoped, Base):
    """A Segment-style event: identify, track, page or alias."""

    __tablename__ = "customer_events"
    __table_args__ = (
        UniqueConstraint("workspace_id", "message_id"),
        Index("ix_customer_events_customer_time", "customer_id", "occurred_at"),
    )

    id: Mapped[str] = id_column("cev")
    customer_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("customers.id", ondelete="CASCADE")
    )
    anonymous_id: Mapped[str | None] = mapped_column(String(200), index=True)
    type: Mapped[str] = mapped_column(String(20))
    name: Mapped[str | None] = mapped_column(String(200))
    properties: Mapped[dict[str, Any]] = mapped_column(default=dict)
    context: Mapped[dict[str, Any]] = mapped_column(default=dict)
    message_id: Mapped[str] = mapped_column(String(200))
    occurred_at: Mapped[datetime]
    received_at: Mapped[datetime]
