"""Business calendars and SLA policies: targets counted in business hours."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from deskpilot.kit.db import Base
from deskpilot.kit.ids import ID_LENGTH
from deskpilot.models.base import Timestamped, WorkspaceScoped, enum_column, id_column
from deskpilot.models.conversation import Priority


class BusinessCalendar(WorkspaceScoped, Timestamped, Base):
    """Opening hours in a time zone, and the holidays when the business is closed."""

    __tablename__ = "business_calendars"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: Mapped[str] = id_column("cal")
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # {"mon": [["09:00", "17:00"]], ...}: local opening intervals per weekday; absent day: closed
    hours: Mapped[dict[str, Any]] = mapped_column(default=dict)
    holidays: Mapped[list[str]] = mapped_column(default=list)  # ISO dates, local to the zone


class SLAPolicy(WorkspaceScoped, Timestamped, Base):
    """Targets for the tickets it applies to: the first active policy (by position) that
    matches the ticket's priority and its customer's segment."""

    __tablename__ = "sla_policies"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: Mapped[str] = id_column("sla")
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)
    priority: Mapped[Priority | None] = mapped_column(enum_column(Priority))  # None: any
    segment_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("segments.id", ondelete="CASCADE")
    )
    first_response_minutes: Mapped[int | None]  # business minutes; None: no target
    resolution_minutes: Mapped[int | None]
    warn_before_minutes: Mapped[int] = mapped_column(default=30)
    calendar_id: Mapped[str | None] = mapped_column(  # None: around the clock
        String(ID_LENGTH), ForeignKey("business_calendars.id", ondelete="SET NULL")
    )
