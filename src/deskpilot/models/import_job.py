from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from deskpilot.kit.db import Base
from deskpilot.models.base import WorkspaceScoped, id_column


class ImportJob(WorkspaceScoped, Base):
    """One file imported (customers or orders): counts and the first errors, row by row."""

    __tablename__ = "imports"

    id: Mapped[str] = id_column("imp")
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str | None] = mapped_column(String(300))
    mapping: Mapped[dict[str, Any]] = mapped_column(default=dict)
    rows_total: Mapped[int] = mapped_column(default=0)
    rows_ok: Mapped[int] = mapped_column(default=0)
    rows_failed: Mapped[int] = mapped_column(default=0)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
