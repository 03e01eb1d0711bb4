from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from deskpilot.kit.db import Base
from deskpilot.kit.ids import ID_LENGTH
from deskpilot.models.base import Timestamped, WorkspaceScoped, id_column


class Order(WorkspaceScoped, Timestamped, Base):
    """An order from the business's shop or CRM, first-class in the 360."""

    __tablename__ = "orders"
    __table_args__ = (UniqueConstraint("workspace_id", "external_id"),)

    id: Mapped[str] = id_column("ord")
    external_id: Mapped[str] = mapped_column(String(200))
    customer_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(40))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    total: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0"))
    items: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    shipping_address: Mapped[dict[str, Any] | None]
    billing_address: Mapped[dict[str, Any] | None]
    payment_methods: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    fulfillments: Mapped[list[dict[str, Any]]] = mapped_column(default=list)  # with tracking
    placed_at: Mapped[datetime | None]
