"""Orders. Imports write them (deskpilot.imports); the 360 and the AI read them here.

The changes a customer may ask for (cancel, return, new shipping address) are domain rules
here: each checks the order's status and raises ``Conflict`` when it does not allow the change.
What the AI may offer a customer, and how it words a refusal, lives in ``deskpilot.ai.actions``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.customers.service import get_customer
from deskpilot.kit.bus import Bus, publish_on_commit
from deskpilot.kit.clock import utcnow
from deskpilot.kit.errors import Conflict, InvalidInput
from deskpilot.kit.pagination import decode_time_cursor, encode_cursor
from deskpilot.models import Order
from deskpilot.orders.events import order_updated
from deskpilot.orders.repository import OrderRepository

PENDING = "pending"
PROCESSED = "processed"
DELIVERED = "delivered"
CANCELLED = "cancelled"
RETURN_REQUESTED = "return requested"
ADDRESS_FIELDS = ("address1", "address2", "city", "state", "country", "zip")


async def get_order(session: AsyncSession, workspace_id: str, order_id: str) -> Order:
    return await OrderRepository(session, workspace_id).get_or_404(order_id)


async def list_customer_orders(
    session: AsyncSession, workspace_id: str, customer_id: str, cursor: str | None, limit: int
) -> tuple[Sequence[Order], str | None]:
    """A page of the customer's orders, newest first, and the cursor of the next page."""
    await get_customer(session, workspace_id, customer_id)  # 404 for another workspace's
    after = decode_time_cursor(cursor) if cursor else None
    orders = await OrderRepository(session, workspace_id).of_customer(customer_id, after, limit + 1)
    page = list(orders[:limit])
    next_cursor = None
    if len(orders) > limit:
        last = page[-1]
        next_cursor = encode_cursor(last.placed_at or last.created_at, last.id)
    return page, next_cursor


async def catalogue(session: AsyncSession, workspace_id: str, limit: int) -> list[dict[str, Any]]:
    """One line of each item name the workspace's ``limit`` newest orders hold: what the shop
    sells, as far as its orders tell (there is no product table)."""
    seen: dict[str, dict[str, Any]] = {}
    for items in await OrderRepository(session, workspace_id).recent_items(limit):
        for item in items:
            name = str(item.get("name") or "").strip() if isinstance(item, dict) else ""
            if name and name.casefold() not in seen:
                seen[name.casefold()] = {"name": name, "item_id": name}
    return list(seen.values())


DEFAULT_ORDER_EXAMPLE = "#W1234567"


async def order_number_example(session: AsyncSession, workspace_id: str) -> str:
    """An order number shaped as the workspace's, to show a customer what to send without
    showing anyone's: one of its orders' numbers with the digits replaced by 1, 2, 3, …
    ("#T5001" -> "#T1234", "СП-4512" -> "СП-1234"); ``DEFAULT_ORDER_EXAMPLE`` when it has
    none."""
    number = await OrderRepository(session, workspace_id).any_external_id()
    if not number or not any(c.isdigit() for c in number):
        return DEFAULT_ORDER_EXAMPLE
    digits = iter("1234567890" * (len(number) // 10 + 1))
    return "".join(next(digits) if c.isdigit() else c for c in number)


# --- references and items -------------------------------------------------------------------


def reference_forms(reference: str) -> list[str]:
    """The external ids a customer's reference may mean: ``W123`` is also ``#W123``."""
    text = reference.strip()
    bare = text.lstrip("#")
    forms = [text, f"#{bare}", bare, f"#{bare.upper()}", bare.upper()]
    return list(dict.fromkeys(f for f in forms if f.strip("#")))


async def find_order(session: AsyncSession, workspace_id: str, reference: str) -> Order | None:
    """The order a customer means by ``#W1234567`` or ``W1234567`` (its external id), if any."""
    forms = reference_forms(reference)
    found = {
        o.external_id: o
        for o in await OrderRepository(session, workspace_id).by_external_ids(forms)
    }
    return next((found[f] for f in forms if f in found), None)


def item_key(item: Mapping[str, Any]) -> str:
    """How one order line is named in requests: its item id, else its SKU, else its name."""
    for field in ("item_id", "sku", "name"):
        value = item.get(field)
        if value not in (None, ""):
            return str(value)
    return ""


def original_payment_methods(order: Order) -> list[str]:
    """Payment method ids that paid for the order (its payment history), first payment first."""
    ids = [
        str(p["payment_method_id"])
        for p in order.payment_methods
        if p.get("payment_method_id") and p.get("transaction_type", "payment") == "payment"
    ]
    return list(dict.fromkeys(ids))


# --- changes a customer may ask for ----------------------------------------------------------


def _require_status(order: Order, allowed: str, change: str) -> None:
    if order.status != allowed:
        raise Conflict(
            f"order {order.external_id} is {order.status}: only {allowed} orders {change}"
        )


def _announce(session: AsyncSession, bus: Bus | None, order: Order, changed: list[str]) -> None:
    if bus is not None:
        publish_on_commit(session, bus, order_updated(order, changed))


async def cancel_order(
    session: AsyncSession, workspace_id: str, order_id: str, reason: str, *, bus: Bus | None = None
) -> Order:
    """Cancel a pending order: status ``cancelled``, a refund per payment in its history.

    The reason is kept on the refund entries (the order table has no column for it). An order
    paid by nothing recorded still gets one refund entry of its total, so the reason is kept.
    """
    if not reason.strip():
        raise InvalidInput.field("reason", "a cancellation needs a reason")
    order = await get_order(session, workspace_id, order_id)
    _require_status(order, PENDING, "can be cancelled")
    at = utcnow().isoformat()
    payments = [
        p for p in order.payment_methods if p.get("transaction_type", "payment") == "payment"
    ]
    refunds: list[dict[str, Any]] = [
        {
            "transaction_type": "refund",
            "amount": p.get("amount"),
            "payment_method_id": p.get("payment_method_id"),
            "reason": reason,
            "at": at,
        }
        for p in payments
    ] or [
        {
            "transaction_type": "refund",
            "amount": float(order.total or Decimal("0")),
            "payment_method_id": None,
            "reason": reason,
            "at": at,
        }
    ]
    order.payment_methods = [*order.payment_methods, *refunds]  # a new list: JSON is not tracked
    order.status = CANCELLED
    await session.flush()
    _announce(session, bus, order, ["status", "payment_methods"])
    return order


async def request_return(
    session: AsyncSession,
    workspace_id: str,
    order_id: str,
    item_keys: Sequence[str],
    refund_to: str,
    *,
    bus: Bus | None = None,
) -> Order:
    """Ask to return items of a delivered order: status ``return requested``, items marked.

    ``item_keys`` name lines of the order (``item_key``); each named line is marked with
    ``return_requested`` and where its refund goes. A key the order does not have is a 422.
    """
    if not item_keys:
        raise InvalidInput.field("item_ids", "name at least one item to return")
    order = await get_order(session, workspace_id, order_id)
    _require_status(order, DELIVERED, "can be returned")
    wanted = list(item_keys)
    present = {item_key(i) for i in order.items}
    unknown = [k for k in wanted if k not in present]
    if unknown:
        raise InvalidInput.field(
            "item_ids", f"not in order {order.external_id}: {', '.join(unknown)}"
        )
    items: list[dict[str, Any]] = []
    for item in order.items:
        key = item_key(item)
        if key in wanted:
            wanted.remove(key)  # one mention returns one line of a repeated item
            items.append({**item, "return_requested": True, "refund_to": refund_to})
        else:
            items.append(dict(item))
    order.items = items
    order.status = RETURN_REQUESTED
    await session.flush()
    _announce(session, bus, order, ["status", "items"])
    return order


async def change_shipping_address(
    session: AsyncSession,
    workspace_id: str,
    order_id: str,
    address: Mapping[str, str | None],
    *,
    bus: Bus | None = None,
) -> Order:
    """Ship a pending order to another address (``ADDRESS_FIELDS``; blank ones are dropped)."""
    unknown = sorted(set(address) - set(ADDRESS_FIELDS))
    if unknown:
        raise InvalidInput.field(unknown[0], "is not an address field")
    clean = {k: v.strip() for k, v in address.items() if v is not None and v.strip()}
    for required in ("address1", "city", "zip"):
        if required not in clean:
            raise InvalidInput.field(required, "is required for a shipping address")
    order = await get_order(session, workspace_id, order_id)
    _require_status(order, PENDING, "can be sent to another address")
    order.shipping_address = clean
    await session.flush()
    _announce(session, bus, order, ["shipping_address"])
    return order
