# ruff: noqa: RUF001 - Chinese and Russian text, as customers write it
"""Verification: the channel's identity, email plus order id, or a unique name plus zip."""

from __future__ import annotations

import pytest

from deskpilot.ai.actions.verification import (
    Claims,
    Identified,
    for_someone_else,
    identify,
    verify,
)
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


async def _identify(
    database: Database,
    tenant: Tenant,
    *,
    channel: str | None = None,
    remembered: str | None = None,
    now: Claims | None = None,
    so_far: Claims | None = None,
) -> Identified:
    now = now or Claims()
    async with database.transaction() as session:
        return await identify(
            session,
            tenant.workspace_id,
            channel_customer_id=channel,
            remembered=remembered,
            said_now=now,
            said_so_far=so_far or now,
        )


async def test_a_channel_profile_with_no_orders_must_verify_like_a_visitor(
    database: Database, tenant: Tenant, shop: Shop
) -> None:
    async with database.transaction() as session:
        chat = Customer(workspace_id=tenant.workspace_id, name="tg user")
        session.add(chat)
    asked = await _identify(database, tenant, channel=chat.id, now=Claims(order_id="#W0000003"))
    assert asked == Identified(None)  # asked to verify, not "order not found"
    # details said over several turns verify the customer who owns the order
    proved = await _identify(
        database,
        tenant,
        channel=chat.id,
        now=Claims(email="noah.brown@example.com"),
        so_far=Claims(email="noah.brown@example.com", order_id="#W0000003"),
    )
    assert proved == Identified(shop.noah, by_details=True)
    wrong = Claims(email="anna@example.com", order_id="#W0000003")
    assert await _identify(database, tenant, channel=chat.id, now=wrong) == Identified(
        None, rejected=True
    )
    by_name = Claims(name="Noah Brown", zip="80279", order_id="#W0000003")
    assert (await _identify(database, tenant, channel=chat.id, now=by_name)).customer_id == (
        shop.noah
    )


async def test_a_channel_customer_with_orders_is_the_conversations_one_customer(
    database: Database, tenant: Tenant, shop: Shop
) -> None:
    own = Claims(order_id="#W0000002")
    assert await _identify(database, tenant, channel=shop.noah, now=own) == Identified(shop.noah)
    assert await _identify(database, tenant, channel=shop.noah) == Identified(shop.noah)
    # a mention of Anna's email, her order named in an earlier turn: a question about
    # another customer, not a proof
    mention = Claims(email="anna@example.com")
    earlier = Claims(email="anna@example.com", order_id="#W0000005")
    assert await _identify(
        database, tenant, channel=shop.noah, now=mention, so_far=earlier
    ) == Identified(shop.noah)
    # nor is Anna's whole proof ("cancel my wife's order, her email is ..."): the policy helps
    # one customer per conversation, and a review cancelled a spouse's order with it
    for proof in (
        Claims(email="anna@example.com", order_id="#W0000005"),
        Claims(name="Anna Lee", zip="10083", order_id="#W0000005"),
        Claims(name="Anna Lee", zip="99999", order_id="#W0000005"),
    ):
        assert await _identify(database, tenant, channel=shop.noah, now=proof) == Identified(
            shop.noah
        )


async def test_the_customer_verified_by_details_stays_for_the_conversation(
    database: Database, tenant: Tenant, shop: Shop
) -> None:
    assert await _identify(
        database, tenant, channel=None, remembered=shop.noah, now=Claims()
    ) == Identified(shop.noah, by_details=True)
    # one customer per conversation: a second proof does not switch again
    other = Claims(email="anna@example.com", order_id="#W0000005")
    assert await _identify(
        database, tenant, channel=None, remembered=shop.noah, now=other
    ) == Identified(shop.noah, by_details=True)


@pytest.mark.parametrize(
    "text",
    [
        "I'm Priya's husband. Her email is priya@example.com, please cancel her order #OF-2001",
        "my wife's order #W1 is late, her email is a@b.com",
        "I am writing on behalf of my mother",
        "我朋友赵敏让我帮她取消订单MZ240620030",
        "我是赵敏的老公，订单到哪了",
        "帮我老婆查一下订单",
        "Отмените заказ жены, её почта a@b.com",
    ],
)
def test_details_said_to_be_someone_elses(text: str) -> None:
    assert for_someone_else(text)


@pytest.mark.parametrize(
    "text",
    [
        "my email is a@b.com and my order is #W1",
        "I bought it for her birthday",
        "I bought it for my wife, my email is a@b.com and the order is #W1",  # a gift: theirs
        "his reply was rude",
        "帮我取消订单",
        "我的订单到哪了",
        "Его уже отправили?",
    ],
)
def test_details_of_ones_own(text: str) -> None:
    assert not for_someone_else(text)


async def test_details_said_to_be_someone_elses_verify_nobody(
    database: Database, tenant: Tenant, shop: Shop
) -> None:
    said = Claims(email="noah.brown@example.com", order_id="#W0000001")
    async with database.transaction() as session:
        found = await identify(
            session,
            tenant.workspace_id,
            channel_customer_id=None,
            remembered=None,
            said_now=said,
            said_so_far=said,
            someone_else=True,
        )
    assert found == Identified(None, someone_else=True)
