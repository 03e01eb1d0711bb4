from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict


class OrderRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    external_id: str
    customer_id: str | None
    status: str
    currency: str
    total: Decimal
    items: list[dict[str, Any]]
    shipping_address: dict[str, Any] | None
    billing_address: dict[str, Any] | None
    payment_methods: list[dict[str, Any]]
    fulfillments: list[dict[str, Any]]  # each with tracking ids (and carrier) when shipped
    placed_at: datetime | None
    created_at: datetime
    updated_at: datetime
