from __future__ import annotations

from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from deskpilot.kit.db import Base
from deskpilot.models.base import Timestamped, WorkspaceScoped, id_column


class Channel(WorkspaceScoped, Timestamped, Base):
    """A connected channel instance: its adapter type, settings and encrypted secrets."""

    __tablename__ = "channels"

    id: Mapped[str] = id_column("chn")
    type: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    config: Mapped[dict[str, Any]] = mapped_column(default=dict)
    secrets_ciphertext: Mapped[str | None] = mapped_column(Text)
    public_key: Mapped[str] = mapped_column(String(64), unique=True)
    is_active: Mapped[bool] = mapped_column(default=True)
