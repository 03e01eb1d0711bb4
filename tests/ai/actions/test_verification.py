"""Verification: the channel's identity, email plus order id, or a unique name plus zip."""

from __future__ import annotations

from deskpilot.ai.actions.verification import Claims, verify
from deskpilot.kit.db import Database
from deskpilot.models import Customer
from tests.ai.actions.shop import Shop
from tests.factories import Tenant


async def _verify(database: Database, tenant: Tenant, claims: Claims) -> str | None:
    async with database.transaction() as session:
        return await verify(session, tenant.workspace_id, claims)


async def test_the_channels_verified_identity_is_trusted(
    database: Database, tenant: Tenant, other_tenant: Tenant, shop: Shop
) -> None:
    assert await _verify(database, tenant, Claims(channel_customer_id=shop.anna)) == shop.anna
    assert await _verify(database, tenant, Claims(channel_customer_id="cus_unknown")) is None
    assert await _verify(database, other_tenant, Claims(channel_customer_id=shop.anna)) is None


async def test_a_merged_profile_verifies_as_its_survivor(
    database: Database, tenant: Tenant, shop: Shop
) -> None:
    async with database.transaction() as session:
        merged = Customer(workspace_id=tenant.workspace_id, name="old", merged_into_id=shop.noah)
        session.add(merged)
    assert await _verify(database, tenant, Claims(channel_customer_id=merged.id)) == shop.noah


async def test_email_and_an_order_of_that_customer(
    database: Database, tenant: Tenant, shop: Shop
) -> None:
    def claims(email: str, order_id: str) -> Claims:
        return Claims(email=email, order_id=order_id)

    assert (
        await _verify(database, tenant, claims("Noah.Brown@example.com", "W0000002")) == shop.noah
    )
    assert await _verify(database, tenant, claims("anna@example.com", "#W0000005")) == shop.anna
    # Anna's email with Noah's order, an unknown order, an unknown email, no email at all
    assert await _verify(database, tenant, claims("anna@example.com", "#W0000001")) is None
    assert await _verify(database, tenant, claims("anna@example.com", "#W7654321")) is None
    assert await _verify(database, tenant, claims("nobody@example.com", "#W0000005")) is None
    assert await _verify(database, tenant, claims("not an email", "#W0000005")) is None
    assert await _verify(database, tenant, Claims(email="anna@example.com")) is None


async def test_name_and_zip_must_match_exactly_one_customer(
    database: Database, tenant: Tenant, shop: Shop
) -> None:
    assert await _verify(database, tenant, Claims(name="anna  LEE", zip="10083")) == shop.anna
    assert await _verify(database, tenant, Claims(name="Lee Anna", zip="10083-1234")) == shop.anna
    # two Noah Browns, each told apart by the zip
    assert await _verify(database, tenant, Claims(name="Noah Brown", zip="80279")) == shop.noah
    assert (
        await _verify(database, tenant, Claims(name="noah brown", zip="94110")) == shop.noah_other
    )
    assert await _verify(database, tenant, Claims(name="Anna Lee", zip="80279")) is None
    assert await _verify(database, tenant, Claims(name="Anna", zip="10083")) is None
    assert await _verify(database, tenant, Claims(name="Anna Lee")) is None


async def test_ambiguous_name_and_zip_verifies_nobody(
    database: Database, tenant: Tenant, shop: Shop
) -> None:
    async with database.transaction() as session:
        session.add(Customer(workspace_id=tenant.workspace_id, name="Noah Brown", postcode="80279"))
    assert await _verify(database, tenant, Claims(name="Noah Brown", zip="80279")) is None
    # a stronger claim still verifies
    claims = Claims(
        name="Noah Brown", zip="80279", email="noah.brown@example.com", order_id="#W0000001"
    )
    assert await _verify(database, tenant, claims) == shop.noah
