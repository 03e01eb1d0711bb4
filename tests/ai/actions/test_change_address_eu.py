"""change_address outside the US: no state needed, the country recorded when named, the
postcode checked against the country; and whole conversations with British, Danish and German
addresses, which once got "street, city, state, zip code" asked again and again."""

from __future__ import annotations

from typing import Any

import pytest

from deskpilot.ai.actions.base import Refusal
from deskpilot.ai.actions.change_address import ChangeAddress
from deskpilot.kit.db import Database
from tests.ai.actions.helpers import check, order
from tests.ai.actions.shop import Shop
from tests.factories import Tenant

ACTION = ChangeAddress()
BAKER = {"address1": "12 Baker Street", "city": "London", "zip": "NW1 6XE"}


@pytest.mark.parametrize("address", [
    BAKER,
    {**BAKER, "country": "United Kingdom"},
    {"address1": "Nørrebrogade 12", "city": "København N", "zip": "2200", "country": "Denmark"},
    {"address1": "Hauptstraße 5", "city": "Berlin", "zip": "10115", "country": "Deutschland"},
    {"address1": "Kalverstraat 1", "city": "Amsterdam", "zip": "1012 NX", "country": "NL"},
    {"address1": "1 Grafton Street", "city": "Dublin 2", "zip": "D02 X285", "country": "Ireland"},
    {"address1": "1 Main St", "city": "Austin", "state": "TX", "zip": "73301", "country": "USA"},
])  # fmt: skip
async def test_an_address_outside_the_us_needs_no_state(
    database: Database, tenant: Tenant, shop: Shop, address: dict[str, str]
) -> None:
    outcome = await check(database, tenant, shop.noah, ACTION, order_id="#W0000001", **address)
    assert outcome.is_allowed
    assert outcome.plan["to"] == address


async def test_a_us_address_needs_its_state(database: Database, tenant: Tenant, shop: Shop) -> None:
    us = {"address1": "1 Main St", "city": "Austin", "zip": "73301"}
    for country in ("USA", "United States", "US"):
        outcome = await check(
            database, tenant, shop.noah, ACTION, order_id="#W0000001", **us, country=country
        )
        assert outcome.missing == ["state"]


@pytest.mark.parametrize(("country", "postcode"), [
    ("Germany", "1011"),
    ("Denmark", "22000"),
    ("United Kingdom", "10115"),
    ("France", "NW1 6XE"),
    ("USA", "NW1 6XE"),
])  # fmt: skip
async def test_a_postcode_that_does_not_fit_the_country_is_refused(
    database: Database, tenant: Tenant, shop: Shop, country: str, postcode: str
) -> None:
    outcome = await check(
        database,
        tenant,
        shop.noah,
        ACTION,
        order_id="#W0000001",
        address1="Hauptstraße 5",
        city="Berlin",
        state="NY",
        zip=postcode,
        country=country,
    )
    assert outcome.reason is Refusal.INVALID_ADDRESS


async def test_a_british_address_is_planned_and_saved(
    customer: Any, shop: Shop, database: Database, tenant: Tenant
) -> None:
    noah = customer("uk-1", "noah.brown@example.com")
    asked = await noah.say(
        "Please change the delivery address of #W0000001 to Flat 3, 221B Baker Street, "
        "London NW1 6XE, United Kingdom"
    )
    assert "to 221B Baker Street, Flat 3, London, NW1 6XE, United Kingdom." in asked[-1]["text"]
    done = await noah.say("yes")
    assert "will ship to 221B Baker Street" in done[-1]["text"]
    assert (await order(database, tenant, "#W0000001")).shipping_address == {
        "address1": "221B Baker Street",
        "address2": "Flat 3",
        "city": "London",
        "zip": "NW1 6XE",
        "country": "United Kingdom",
    }


async def test_the_question_for_the_address_asks_for_no_state_and_takes_a_danish_one(
    customer: Any, shop: Shop, database: Database, tenant: Tenant
) -> None:
    noah = customer("dk-1", "noah.brown@example.com")
    question = await noah.say("I need to change the address of #W0000001")
    assert "street and house number, postcode, city and country" in question[-1]["text"]
    assert "state, zip code" not in question[-1]["text"]
    asked = await noah.say("Nørrebrogade 12, 2200 København N")
    assert "to Nørrebrogade 12, København N, 2200." in asked[-1]["text"]
    await noah.say("yes")
    assert (await order(database, tenant, "#W0000001")).shipping_address == {
        "address1": "Nørrebrogade 12",
        "city": "København N",
        "zip": "2200",
    }


async def test_a_scottish_street_then_its_postcode(
    customer: Any, shop: Shop, database: Database, tenant: Tenant
) -> None:
    noah = customer("uk-2", "noah.brown@example.com")
    await noah.say("I need to change the address on #W0000001")
    await noah.say("5 Princes Street, Edinburgh")
    asked = await noah.say("postcode is EH2 2AN")
    assert "to 5 Princes Street, Edinburgh, EH2 2AN." in asked[-1]["text"]
    await noah.say("yes")
    saved = (await order(database, tenant, "#W0000001")).shipping_address
    assert saved == {"address1": "5 Princes Street", "city": "Edinburgh", "zip": "EH2 2AN"}


async def test_a_german_postcode_of_four_digits_is_refused_with_a_reason(
    customer: Any, shop: Shop, database: Database, tenant: Tenant
) -> None:
    noah = customer("de-1", "noah.brown@example.com")
    refused = await noah.say(
        "Change the address of #W0000001 to Hauptstraße 5, 1011 Berlin, Germany"
    )
    assert "postcode does not match the country" in refused[-1]["text"]
    kept = (await order(database, tenant, "#W0000001")).shipping_address
    assert kept is not None
    assert kept["city"] == "Denver"
