from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
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
    """One person the business talks to, across every channel."""

    __tablename__ = "customers"

    id: Mapped[str] = id_column("cus")
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(16))
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)


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
