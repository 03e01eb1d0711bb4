"""HTTP for orders: one order, and a customer's orders."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from deskpilot.auth.dependencies import ViewerAuth
from deskpilot.kit.deps import SessionDep
from deskpilot.kit.pagination import Page
from deskpilot.orders import service
from deskpilot.orders.schemas import OrderRead

router = APIRouter(prefix="/api/v1", tags=["orders"])


@router.get("/customers/{customer_id}/orders")
async def list_customer_orders(
    customer_id: str,
    principal: ViewerAuth,
    session: SessionDep,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[OrderRead]:
    """Newest first. Pass `next_cursor` back as `cursor` for the next page."""
    orders, next_cursor = await service.list_customer_orders(
        session, principal.workspace_id, customer_id, cursor, limit
    )
    return Page(items=[OrderRead.model_validate(o) for o in orders], next_cursor=next_cursor)


@router.get("/orders/{order_id}")
async def get_order(order_id: str, principal: ViewerAuth, session: SessionDep) -> OrderRead:
    return OrderRead.model_validate(
        await service.get_order(session, principal.workspace_id, order_id)
    )
