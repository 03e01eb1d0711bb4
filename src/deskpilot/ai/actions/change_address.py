"""``change_address``: send one of the customer's pending orders to another address.

Policy: only a ``pending`` order can be modified; the customer confirms the new address first.
The new address needs at least a street line, a city and a zip (postal) code, and the state when
the country is the US; the postcode must have the shape of the country's when the country is one
whose postcodes are known (``addresses.postcode_fits``: the UK, Ireland, Denmark, Germany,
France, the Netherlands, the US, ...), and a plausible shape otherwise.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from pydantic import BaseModel, Field

from deskpilot.ai.actions.addresses_eu import country_name, postcode_fits
from deskpilot.ai.actions.base import ActionContext, ActionResult, PolicyOutcome, Refusal
from deskpilot.ai.actions.common import OrderSlots, change_when_confirmed, own_order
from deskpilot.models import Order
from deskpilot.orders import service as orders

REQUIRED = ("address1", "city", "zip")
US_REQUIRED = ("address1", "city", "state", "zip")  # a US address names its state
POSTCODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 -]{1,9}$")


class ChangeAddressSlots(OrderSlots):
    address1: str | None = Field(default=None, description="Street and number")
    address2: str | None = Field(default=None, description="Apartment, suite (optional)")
    city: str | None = None
    state: str | None = Field(default=None, description="State or region (required in the US)")
    country: str | None = Field(default=None, description="Country (optional)")
    zip: str | None = Field(default=None, description="Zip or postal code")

    def address(self) -> dict[str, str]:
        """The address fields that were given, trimmed."""
        values = {f: getattr(self, f) for f in orders.ADDRESS_FIELDS}
        return {k: v.strip() for k, v in values.items() if isinstance(v, str) and v.strip()}


class ChangeAddress:
    name: ClassVar[str] = "change_address"
    description: ClassVar[str] = (
        "Change the shipping address of one of the verified customer's pending orders. "
        "Needs the customer's explicit confirmation."
    )
    slots_model: ClassVar[type[BaseModel]] = ChangeAddressSlots
    needs_confirmation: ClassVar[bool] = True
    order_statuses: ClassVar[tuple[str, ...]] = (orders.PENDING,)

    async def check(self, ctx: ActionContext, slots: ChangeAddressSlots) -> PolicyOutcome:
        return (await self._evaluate(ctx, slots))[0]

    async def run(
        self, ctx: ActionContext, slots: ChangeAddressSlots, *, confirmed: bool = False
    ) -> ActionResult:
        checked = await self._evaluate(ctx, slots)

        async def move(order: Order) -> Order:
            address = checked[0].plan["to"]
            return await orders.change_shipping_address(
                ctx.session, ctx.workspace_id, order.id, address, bus=ctx.bus
            )

        return await change_when_confirmed(
            self.name,
            checked,
            confirmed=confirmed,
            change=move,
            field="shipping_address",
            changed_since=Refusal.NOT_PENDING,
        )

    async def _evaluate(
        self, ctx: ActionContext, slots: ChangeAddressSlots
    ) -> tuple[PolicyOutcome, Order | None]:
        found = await own_order(ctx, slots.order_id, self.order_statuses)
        if isinstance(found, PolicyOutcome):
            return found, None
        if found.status != orders.PENDING:
            return PolicyOutcome.refused(Refusal.NOT_PENDING, {"status": found.status}), None
        address = slots.address()
        us = country_name(address.get("country")) == "USA"
        missing = [f for f in (US_REQUIRED if us else REQUIRED) if f not in address]
        if missing:
            return PolicyOutcome.missing_slots(missing), None
        zip_code = address["zip"]
        if not POSTCODE.match(zip_code) or not postcode_fits(address.get("country"), zip_code):
            return PolicyOutcome.refused(Refusal.INVALID_ADDRESS, {"field": "zip"}), None
        plan: dict[str, Any] = {
            "action": self.name,
            "order_id": found.external_id,
            "from": found.shipping_address,
            "to": address,
        }
        return PolicyOutcome.allowed(plan), found
