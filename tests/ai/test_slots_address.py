"""A new shipping address read from the customer's words: the street line starts at the street
number, never at the digits of the order number ("order #W0000001 to 12 Main St")."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from deskpilot.ai.actions.addresses import postal_address, us_address
from deskpilot.ai.actions.slots import fill_slots
from deskpilot.kit.db import Database
from deskpilot.kit.deps import Resources
from deskpilot.models import Order
from tests.ai.actions.shop import Shop
from tests.ai.test_pipeline import Customer
from tests.channels.helpers import create_channel
from tests.factories import Tenant

SPRINGFIELD = {"address1": "12 Main St", "city": "Springfield", "state": "IL", "zip": "62701"}


@pytest.mark.parametrize(("text", "expected"), [
    (
        "Please change the shipping address of order #W0000001 to 12 Main St, Springfield, "
        "IL 62701, USA",
        {**SPRINGFIELD, "country": "USA"},
    ),
    ("change the address of W0000001 to 12 Main St, Springfield, IL 62701", SPRINGFIELD),
    ("change the address of w0000001 to 12 Main St, Springfield, IL 62701", SPRINGFIELD),
    ("#W0000001, 12 Main St, Springfield, IL 62701", SPRINGFIELD),
    ("ship order #W0000001 12 Main St, Springfield, IL 62701", SPRINGFIELD),
    ("Ship it to 12 Main St, Springfield, IL 62701 instead. Order #W0000001", SPRINGFIELD),
    ("new address: 12 Main St, Springfield, IL 62701 for order W0000001 please", SPRINGFIELD),
    ("please send order 1234567 to 12 Main St, Springfield, IL 62701", SPRINGFIELD),
    ("订单W0000001改到12 Main St, Springfield, IL 62701", SPRINGFIELD),
    (
        "order #W0000001 to 12 Main St, Apt 4B, Springfield, IL 62701, USA",
        {**SPRINGFIELD, "address2": "Apt 4B", "country": "USA"},
    ),
    (
        "Apt 4B please: 12 Main St, Apt 4B, Springfield, IL 62701 (#W0000001)",
        {**SPRINGFIELD, "address2": "Apt 4B"},
    ),
    (
        "#W0000001 -> 12-14 Main St, #5, Springfield, IL 62701",
        {**SPRINGFIELD, "address1": "12-14 Main St", "address2": "#5"},
    ),
    (
        "order W0000001: 1221 Avenue of the Americas, New York, NY 10020",
        {"address1": "1221 Avenue of the Americas", "city": "New York", "state": "NY",
         "zip": "10020"},
    ),
])  # fmt: skip
def test_the_street_line_starts_at_the_street_number(text: str, expected: dict[str, str]) -> None:
    assert us_address(text) == expected
    slots = fill_slots(text)
    assert {k: v for k, v in slots.for_action().items() if k != "order_id"} == expected


def test_an_order_number_alone_is_no_street_number() -> None:
    assert us_address("change the address of order #W0000001 to Springfield, IL 62701") is None
    assert us_address("order W0000001 to 12, Springfield, IL 62701") is None


@pytest.mark.parametrize("text", [
    "Order 12345 go to 55 Broadway, New York, NY 10001",
    "order no. 12345, 55 Broadway, New York, NY 10001",
    "my phone 5551234 home, 55 Broadway, New York, NY 10001",
    "I need 2 items sent to 55 Broadway, New York, NY 10001",
])  # fmt: skip
def test_an_order_or_phone_number_before_the_street_is_skipped(text: str) -> None:
    broadway = {"address1": "55 Broadway", "city": "New York", "state": "NY", "zip": "10001"}
    assert us_address(text) == broadway


@pytest.mark.parametrize("text", [
    "New address for my order: 12 Main St, Springfield, IL 62701",
    "Please change the shipping address on my order:\n12 Main St, Springfield, IL 62701",
    "Change address for order: 48213 new address 12 Main St, Springfield, IL 62701",
    "Order:\n12 Main St, Springfield, IL 62701",
    "my order: 12 Main St, Springfield, IL 62701",
    "Change my address. Order: 12 Main St, Springfield, IL 62701",
])  # fmt: skip
def test_a_street_after_an_order_word_and_a_colon_is_read(text: str) -> None:
    assert us_address(text) == SPRINGFIELD


@pytest.mark.parametrize("text", [
    "Old address 1 Elm St, Chicago, IL 60601. New address for my order: 12 Main St, "
    "Springfield, IL 62701",
    "12 Main St, Springfield, IL 62701 is my new address, the old one was 1 Elm St, Chicago, "
    "IL 60601",
    "Please ship to 12 Main St, Springfield, IL 62701. That's my new address - not 1 Elm St, "
    "Chicago, IL 60601 anymore.",
    "My old address was 1 Elm St, Chicago, IL 60601, new address 12 Main St, Springfield, "
    "IL 62701",
    "Old address: 1 Elm St, Chicago, IL 60601\nNew address\n12 Main St, Springfield, IL 62701",
    "Old address 1 Elm St, Chicago, IL 60601. New address for order no. 55501: 12 Main St, "
    "Springfield, IL 62701",
])  # fmt: skip
def test_of_an_old_and_a_new_address_the_new_one_is_read(text: str) -> None:
    assert postal_address(text) == SPRINGFIELD


@pytest.mark.parametrize("label", ["Order:", "Order number:", "Order #:"])
def test_a_labelled_order_number_is_no_street_number(label: str) -> None:
    broadway = {"address1": "55 Broadway", "city": "New York", "state": "NY", "zip": "10001"}
    assert us_address(f"{label} 12345 please ship 55 Broadway, New York, NY 10001") == broadway


def test_an_order_number_with_no_street_after_it_is_no_address() -> None:
    assert us_address("Order no. 12345 go ahead, Springfield, IL 62701") is None


def test_a_long_message_without_commas_is_read_in_one_pass() -> None:
    # 20,000 characters of "1 a " once took seconds (each number tried every later comma)
    text = "1 a " * 5000 + "\nShip to 12 Main St, Springfield, IL 62701 please, #W0000001"
    assert us_address(text) == SPRINGFIELD
    slots = fill_slots(text, ["1 a " * 5000, "a" * 20000])
    assert slots.address == SPRINGFIELD
    assert slots.order_id == "#W0000001"
    assert us_address("1 a " * 5000) is None


def test_the_address_said_before_the_order_is_kept_with_that_order() -> None:
    slots = fill_slots(
        "and it's for order #W0000001",
        ["Can you send my package to 12 Main St, Apt 4B, Springfield, IL 62701?"],
    )
    assert slots.order_id == "#W0000001"
    assert slots.address == {**SPRINGFIELD, "address2": "Apt 4B"}


async def test_the_changed_order_ships_to_the_street_the_customer_wrote(
    client: httpx.AsyncClient,
    tenant: Tenant,
    resources: Resources,
    shop: Shop,
    database: Database,
) -> None:
    on = await client.patch(
        "/api/v1/ai/settings", headers=tenant.headers, json={"bot_enabled": True}
    )
    assert on.status_code == 200, on.text
    channel = await create_channel(client, tenant, "api")
    noah = Customer(client, tenant, resources, channel, "addr-1", "noah.brown@example.com")
    asked = await noah.say(
        "Please change the shipping address of order #W0000001 to 12 Main St, Apt 4B, "
        "Springfield, IL 62701, USA"
    )
    assert "to 12 Main St, Apt 4B, Springfield, IL, 62701, USA." in asked[0]["text"]
    assert "to 0000001" not in asked[0]["text"]
    done = await noah.say("yes")
    assert "will ship to 12 Main St, Apt 4B" in done[0]["text"]
    async with database.transaction() as session:
        order = (await session.scalars(select(Order).where(Order.external_id == "#W0000001"))).one()
    assert order.shipping_address == {
        "address1": "12 Main St",
        "address2": "Apt 4B",
        "city": "Springfield",
        "state": "IL",
        "zip": "62701",
        "country": "USA",
    }


@pytest.mark.parametrize(("text", "expected"), [
    (
        "455 Market St Apt 12, San Francisco CA 94105",
        {"address1": "455 Market St Apt 12", "city": "San Francisco", "state": "CA",
         "zip": "94105"},
    ),
    (
        "100 King St W, Toronto, ON M5X 1A9, Canada",
        {"address1": "100 King St W", "city": "Toronto", "state": "ON", "zip": "M5X 1A9",
         "country": "Canada"},
    ),
    (
        "send it to 100 King St W, Toronto ON m5x 1a9",
        {"address1": "100 King St W", "city": "Toronto", "state": "ON", "zip": "M5X 1A9",
         "country": "Canada"},
    ),
])  # fmt: skip
def test_a_state_without_its_comma_and_a_canadian_address(
    text: str, expected: dict[str, str]
) -> None:
    """A tester's "San Francisco CA 94105" and a Toronto address were asked for again and
    again, with no hint of what was wrong."""
    assert us_address(text) == expected


def test_a_canadian_postal_code_needs_a_province() -> None:
    assert us_address("12 Main St, London, UK A1B 2C3") is None
