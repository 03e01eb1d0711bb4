"""Calling an action the way the pipeline will: in a transaction, with parsed slots."""

from __future__ import annotations

from typing import Any

from deskpilot.ai.actions.base import (
    Action,
    ActionContext,
    ActionResult,
    PolicyOutcome,
    parse_slots,
)
from deskpilot.kit.bus import Bus
from deskpilot.kit.db import Database
from deskpilot.models import Order
from deskpilot.orders import service as orders
from tests.factories import Tenant


async def check(
    database: Database, tenant: Tenant, customer_id: str | None, action: Action, **slots: Any
) -> PolicyOutcome:
    async with database.transaction() as session:
        ctx = ActionContext(session, tenant.workspace_id, customer_id)
        return await action.check(ctx, parse_slots(action, slots))


async def run(
    database: Database,
    tenant: Tenant,
    customer_id: str | None,
    action: Action,
    *,
    confirmed: bool,
    bus: Bus | None = None,
    **slots: Any,
) -> ActionResult:
    async with database.transaction() as session:
        ctx = ActionContext(session, tenant.workspace_id, customer_id, bus=bus)
        return await action.run(ctx, parse_slots(action, slots), confirmed=confirmed)


async def order(database: Database, tenant: Tenant, reference: str) -> Order:
    async with database.transaction() as session:
        found = await orders.find_order(session, tenant.workspace_id, reference)
        assert found is not None
        return found
