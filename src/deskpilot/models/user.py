from __future__ import annotations

import enum

from sqlalchemy import Enum, ForeignKey, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column

from deskpilot.kit.db import Base
from deskpilot.kit.ids import ID_LENGTH
from deskpilot.models.base import Timestamped, WorkspaceScoped, id_column


class Role(enum.StrEnum):
    """Roles, each allowed everything the ones below it are."""

    OWNER = "owner"
    ADMIN = "admin"
    AGENT = "agent"
    VIEWER = "viewer"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    def at_least(self, other: Role) -> bool:
        return self.rank >= other.rank


_RANKS = {Role.VIEWER: 0, Role.AGENT: 1, Role.ADMIN: 2, Role.OWNER: 3}

role_column = Enum(
    Role, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]
)


class User(Timestamped, Base):
    """A person who signs in. Belongs to workspaces through memberships."""

    __tablename__ = "users"

    id: Mapped[str] = id_column("usr")
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)


class Membership(WorkspaceScoped, Timestamped, Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("workspace_id", "user_id"),)

    id: Mapped[str] = id_column("mem")
    user_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[Role] = mapped_column(role_column)
    # online: takes new work; away or offline: routing passes them by
    availability: Mapped[str] = mapped_column(String(16), default="online", server_default="online")
    max_open_tickets: Mapped[int | None]  # this member's own load cap (below the team's)
    email_notifications: Mapped[bool] = mapped_column(default=True, server_default=true())
