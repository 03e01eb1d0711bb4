"""change_address: pending orders only, a complete address, and confirmation."""

from __future__ import annotations

from typing import Any

from deskpilot.ai.actions.base import Refusal
from deskpilot.ai.actions.change_address import ChangeAddress
from deskpilot.kit.db import Database
from tests.ai.actions.helpers import check, order, run
from tests.ai.actions.shop import Shop
from tests.factories import Tenant

ACTION = ChangeAddress()
NEW: dict[str, Any] = {
    "address1": "1 Elm St",
    "address2": "Apt 2",
    "city": "Austin",
    "state": "TX",
    "zip": "73301",
}


async def test_a_pending_order_gets_the_new_address_once_confirmed(
    database: Database, tenant: Tenant, shop: Shop
) -> None:
    outcome = await check(database, tenant, shop.noah, ACTION, order_id="#W0000001", **NEW)
    assert outcome.is_allowed
    assert outcome.plan["from"]["city"] == "Denver"
    assert outcome.plan["to"] == NEW
    unconfirmed = await run(
        database, tenant, shop.noah, ACTION, confirmed=False, order_id="#W0000001", **NEW
    )
    assert not unconfirmed.ok
    assert (await order(database, tenant, "#W0000001")).shipping_address == {
        "address1": "986 Sunset Drive",
        "city": "Denver",
        "zip": "80279",
    }
    result = await run(
        database, tenant, shop.noah, ACTION, confirmed=True, order_id="#W0000001", **NEW
    )
    assert result.ok
    assert (await order(database, tenant, "#W0000001")).shipping_address == NEW


async def test_a_processed_order_keeps_its_address(
    database: Database, tenant: Tenant, shop: Shop
) -> None:
    result = await run(
        database, tenant, shop.noah, ACTION, confirmed=True, order_id="#W0000002", **NEW
    )
    assert result.outcome is not None
    assert result.outcome.reason is Refusal.NOT_PENDING
    kept = (await order(database, tenant, "#W0000002")).shipping_address
    assert kept is not None
    assert kept["city"] == "Denver"


async def test_missing_fields_are_asked_for_and_a_bad_zip_is_refused(
    database: Database, tenant: Tenant, shop: Shop
) -> None:
    missing = await check(
        database, tenant, shop.noah, ACTION, order_id="#W0000001", address1="1 Elm St"
    )
    assert missing.missing == ["city", "zip"]
    bad = await check(
        database, tenant, shop.noah, ACTION, order_id="#W0000001", **{**NEW, "zip": "!!"}
    )
    assert bad.reason is Refusal.INVALID_ADDRESS


async def test_a_foreign_order_is_not_found(database: Database, tenant: Tenant, shop: Shop) -> None:
    outcome = await check(database, tenant, shop.noah, ACTION, order_id="#W0000005", **NEW)
    assert outcome.reason is Refusal.ORDER_NOT_FOUND
