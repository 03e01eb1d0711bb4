from __future__ import annotations

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from deskpilot.kit.db import Base
from deskpilot.models.base import Timestamped, WorkspaceScoped, id_column


class Workspace(Timestamped, Base):
    """A tenant: one business. Everything else belongs to exactly one workspace."""

    __tablename__ = "workspaces"

    id: Mapped[str] = id_column("ws")
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    default_language: Mapped[str] = mapped_column(String(16), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # the least role that may publish, archive and roll back knowledge articles
    knowledge_publish_role: Mapped[str] = mapped_column(
        String(16), default="admin", server_default="admin"
    )
    last_ticket_number: Mapped[int] = mapped_column(default=0, server_default="0")


class WorkspaceSecret(WorkspaceScoped, Timestamped, Base):
    """A credential (channel token, provider key), stored encrypted, never returned by the API."""

    __tablename__ = "workspace_secrets"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: Mapped[str] = id_column("sec")
    name: Mapped[str] = mapped_column(String(100))
    ciphertext: Mapped[str] = mapped_column(Text)
