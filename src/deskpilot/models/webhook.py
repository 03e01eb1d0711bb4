from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from deskpilot.kit.clock import utcnow
from deskpilot.kit.db import Base
from deskpilot.kit.ids import ID_LENGTH
from deskpilot.models.base import Timestamped, WorkspaceScoped, enum_column, id_column


class WebhookSubscription(WorkspaceScoped, Timestamped, Base):
    """An endpoint of the business that receives the workspace's events, HMAC-signed."""

    __tablename__ = "webhook_subscriptions"

    id: Mapped[str] = id_column("whs")
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list[str]] = mapped_column(default=list)  # empty: every event
    secret_ciphertext: Mapped[str] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(default=True)


class DeliveryState(enum.StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class WebhookDelivery(WorkspaceScoped, Base):
    """One event sent (or being sent) to one subscription: the delivery log."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_subscription", "subscription_id", "created_at"),)

    id: Mapped[str] = id_column("whd")
    subscription_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("webhook_subscriptions.id", ondelete="CASCADE")
    )
    event_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    event_name: Mapped[str] = mapped_column(String(120))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    state: Mapped[DeliveryState] = mapped_column(
        enum_column(DeliveryState), default=DeliveryState.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    response_status: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]
