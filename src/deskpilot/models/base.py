"""Column mixins shared by the tables."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from deskpilot.kit.clock import utcnow
from deskpilot.kit.ids import ID_LENGTH


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class WorkspaceScoped:
    """Every table with customer or business data has this column and is queried by it."""

    @declared_attr
    def workspace_id(cls) -> Mapped[str]:  # noqa: N805 (declared_attr takes the class)
        return mapped_column(
            String(ID_LENGTH), ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
        )


def id_column(prefix: str) -> Mapped[str]:
    from deskpilot.kit.ids import new_id

    return mapped_column(String(ID_LENGTH), primary_key=True, default=lambda: new_id(prefix))


def enum_column(enum_type: type[enum.Enum]) -> Enum:
    """Enums are stored as their string values in a VARCHAR (no native types to migrate)."""
    return Enum(
        enum_type, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e]
    )
