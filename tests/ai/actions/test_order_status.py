"""order_status: only the verified customer's own orders, with items and tracking."""

from __future__ import annotations

from deskpilot.ai.actions.base import Decision, Refusal
from deskpilot.ai.actions.order_status import OrderStatus
from deskpilot.kit.db import Database
from tests.ai.actions.helpers import check, run
from tests.ai.actions.shop import Shop, create_shop
from tests.factories import Tenant

ACTION = OrderStatus()


async def test_shows_status_items_and_tracking_with_a_carrier_link(
    database: Database, tenant: Tenant, shop: Shop
) -> None:
    result = await run(database, tenant, shop.noah, ACTION, confirmed=False, order_id="W0000003")
    assert result.ok
    assert result.data["order_id"] == "#W0000003"
    assert result.data["status"] == "delivered"
    assert [i["name"] for i in result.data["items"]] == ["Water Bottle", "Office Chair"]
    [tracking] = result.data["tracking"]
    assert tracking == {
        "tracking_id": "1Z999",
        "carrier": "UPS",
        "url": "https://www.ups.com/track?tracknum=1Z999",
    }


async def test_tracking_without_a_carrier_has_no_link(
    database: Database, tenant: Tenant, shop: Shop
) -> None:
    result = await run(database, tenant, shop.noah, ACTION, confirmed=False, order_id="#W0000002")
    assert result.data["tracking"] == [{"tracking_id": "357962501027", "item_ids": ["6469567736"]}]


async def test_without_an_order_id_lists_the_customers_own_orders(
    database: Database, tenant: Tenant, shop: Shop
) -> None:
    result = await run(database, tenant, shop.noah, ACTION, confirmed=False)
    listed = {o["order_id"]: o["status"] for o in result.data["orders"]}
    assert listed == {
        "#W0000001": "pending",
        "#W0000002": "processed",
        "#W0000003": "delivered",
        "#W0000004": "cancelled",
    }  # not Anna's #W0000005


async def test_another_customers_order_is_refused_like_an_unknown_one(
    database: Database, tenant: Tenant, shop: Shop
) -> None:
    foreign = await check(database, tenant, shop.noah, ACTION, order_id="#W0000005")
    unknown = await check(database, tenant, shop.noah, ACTION, order_id="#W9999999")
    assert foreign.reason is Refusal.ORDER_NOT_FOUND
    assert foreign == unknown  # nothing tells the two apart
    result = await run(database, tenant, shop.noah, ACTION, confirmed=False, order_id="#W0000005")
    assert not result.ok
    assert result.data == {}


async def test_an_unverified_customer_sees_nothing(
    database: Database, tenant: Tenant, shop: Shop
) -> None:
    for slots in ({"order_id": "#W0000001"}, {}):
        outcome = await check(database, tenant, None, ACTION, **slots)
        assert outcome.decision is Decision.REFUSED
        assert outcome.reason is Refusal.NOT_VERIFIED
        assert outcome.message_key == "actions.refused.not_verified"


async def test_an_order_of_another_workspace_is_not_found(
    database: Database, tenant: Tenant, other_tenant: Tenant, shop: Shop
) -> None:
    theirs = await create_shop(database, other_tenant.workspace_id, prefix="X")
    outcome = await check(database, tenant, shop.noah, ACTION, order_id="#X0000001")
    assert outcome.reason is Refusal.ORDER_NOT_FOUND
    # and their own customer id is no key to our workspace
    outcome = await check(database, tenant, theirs.noah, ACTION, order_id="#W0000001")
    assert outcome.reason is Refusal.ORDER_NOT_FOUND
