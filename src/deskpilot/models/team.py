"""Teams of agents, what they handle, and how their work is shared out."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from deskpilot.kit.clock import utcnow
from deskpilot.kit.db import Base
from deskpilot.kit.ids import ID_LENGTH
from deskpilot.models.base import Timestamped, WorkspaceScoped, enum_column, id_column


class AssignmentMethod(enum.StrEnum):
    MANUAL = "manual"  # the ticket waits in the team's queue
    ROUND_ROBIN = "round_robin"
    LOAD_BALANCED = "load_balanced"  # the available agent with the fewest open tickets


class Team(WorkspaceScoped, Timestamped, Base):
    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: Mapped[str] = id_column("team")
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    skills: Mapped[list[str]] = mapped_column(default=list)
    languages: Mapped[list[str]] = mapped_column(default=list)  # empty: any language
    categories: Mapped[list[str]] = mapped_column(default=list)  # empty: any category
    assignment: Mapped[AssignmentMethod] = mapped_column(
        enum_column(AssignmentMethod), default=AssignmentMethod.ROUND_ROBIN
    )
    max_open_per_agent: Mapped[int | None]  # load cap; members may lower it for themselves
    calendar_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("business_calendars.id", ondelete="SET NULL")
    )
    last_assigned_user_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))  # round robin


class TeamMember(WorkspaceScoped, Base):
    __tablename__ = "team_members"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: Mapped[str] = id_column("tmm")
    team_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("teams.id", ondelete="CASCADE")
    )
    user_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
