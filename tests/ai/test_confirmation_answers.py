# ruff: noqa: RUF001 - Chinese and Russian answers
"""What counts as the customer's yes to "shall I go ahead?": only a yes. A question, a put-off
or a second thought runs nothing (a review found each of these cancelling the order); an
answer that is neither yes nor no and about nothing else is asked again, once."""

from __future__ import annotations

from typing import Any

import pytest

from deskpilot.kit.db import Database
from tests.ai.actions.shop import Shop
from tests.ai.test_confirmation_still_allowed import CANCEL, status_of
from tests.factories import Tenant


@pytest.mark.parametrize(
    "answer",
    [
        "Ok, but first tell me: when would the refund arrive?",
        "对不起，我再考虑一下",  # sorry, let me think again
        "是不是已经发货了？",  # has it shipped already?
        "Давайте я сначала спрошу мужа",  # let me ask my husband first
        "Хорошо, а можно вместо этого поменять адрес?",  # ok, can I change the address instead?
        "Absolutely not",
        "好的，别取消",  # ok, don't cancel
    ],
)
async def test_an_answer_that_is_not_only_a_yes_cancels_nothing(
    tenant: Tenant, database: Database, shop: Shop, customer: Any, answer: str
) -> None:
    noah = customer("noah", "noah.brown@example.com")
    asked = await noah.say(CANCEL)
    assert "(yes / no)" in asked[-1]["text"]

    await noah.say(answer)

    assert await status_of(database, tenant.workspace_id, "#W0000001") == "pending"
    newest = (await noah.runs())[0]
    assert newest["decision"] != "action"


async def test_an_unclear_answer_is_asked_again_and_the_yes_after_it_still_counts(
    tenant: Tenant, database: Database, shop: Shop, customer: Any
) -> None:
    noah = customer("noah", "noah.brown@example.com")
    await noah.say(CANCEL)

    again = await noah.say("\U0001f642")  # a smile: neither yes nor no
    done = await noah.say("\U0001f44d\U0001f3fb")

    assert "please answer yes or no" in again[-1]["text"].lower()
    assert "cancelled" in done[-1]["text"]
    assert await status_of(database, tenant.workspace_id, "#W0000001") == "cancelled"
    decisions = [run["decision"] for run in reversed(await noah.runs())]
    assert decisions == ["clarify", "clarify", "action"]


async def test_a_put_off_is_asked_again_only_once(
    tenant: Tenant, database: Database, shop: Shop, customer: Any
) -> None:
    noah = customer("noah", "noah.brown@example.com")
    await noah.say(CANCEL)

    first = await noah.say("Let me ask my husband first")
    await noah.say("hmm")
    late = await noah.say("yes")

    assert "please answer yes or no" in first[-1]["text"].lower()
    assert "cancelled" not in " ".join(r["text"] for r in late)
    assert await status_of(database, tenant.workspace_id, "#W0000001") == "pending"


async def test_no_with_another_order_drops_the_plan_and_takes_up_the_new_one(
    tenant: Tenant, database: Database, shop: Shop, customer: Any
) -> None:
    noah = customer("noah", "noah.brown@example.com")
    await noah.say(CANCEL)

    instead = await noah.say("No, cancel #W0000002 instead")

    text = instead[-1]["text"]
    assert "#W0000002" in text  # about the order named now (processed: it cannot be cancelled)
    assert "haven't changed anything" not in text
    newest = (await noah.runs())[0]
    assert newest["action"]["name"] == "cancel_order"
    assert newest["action"]["slots"]["order_id"] == "#W0000002"
    assert await status_of(database, tenant.workspace_id, "#W0000001") == "pending"


async def test_a_plain_no_declines(
    tenant: Tenant, database: Database, shop: Shop, customer: Any
) -> None:
    noah = customer("noah", "noah.brown@example.com")
    await noah.say(CANCEL)

    declined = await noah.say("No, keep #W0000001")

    assert "haven't changed anything" in declined[-1]["text"]
    assert await status_of(database, tenant.workspace_id, "#W0000001") == "pending"


async def test_a_yes_naming_the_order_asked_about_counts_and_one_naming_another_does_not(
    tenant: Tenant, database: Database, shop: Shop, customer: Any
) -> None:
    noah = customer("noah", "noah.brown@example.com")
    await noah.say(CANCEL)
    await noah.say("yes, #W0000002")  # another order: not a yes to cancelling #W0000001
    assert await status_of(database, tenant.workspace_id, "#W0000001") == "pending"

    await noah.say(CANCEL)
    done = await noah.say("#W0000001 yes")

    assert "cancelled" in done[-1]["text"]
    assert await status_of(database, tenant.workspace_id, "#W0000001") == "cancelled"


async def test_a_yes_naming_another_order_asks_the_same_for_that_order(
    tenant: Tenant, database: Database, shop: Shop, customer: Any
) -> None:
    noah = customer("noah", "noah.brown@example.com")
    await noah.say(CANCEL)

    switched = await noah.say("yes, #W0000002")

    text = switched[-1]["text"]
    assert "#W0000002" in text  # about the order named now (processed: it cannot be cancelled)
    newest = (await noah.runs())[0]
    assert newest["action"]["name"] == "cancel_order"
    assert newest["action"]["slots"]["order_id"] == "#W0000002"
    assert await status_of(database, tenant.workspace_id, "#W0000001") == "pending"


@pytest.mark.parametrize(
    "correction", ["wait, the zip should be 10005", "sorry zip is 10005", "不好意思，邮编是10005"]
)
async def test_a_corrected_zip_is_planned_again_not_taken_for_a_no(
    tenant: Tenant, database: Database, shop: Shop, customer: Any, correction: str
) -> None:
    """A tester's "sorry zip is 97209" was asked for the whole address, again and again."""
    noah = customer("noah", "noah.brown@example.com")
    await noah.say("Change the address of #W0000001 to 10 Broadway, New York, NY 10004, USA")

    again = await noah.say(correction)
    done = await noah.say("yes")

    assert "10005" in again[-1]["text"]
    assert "(yes / no)" in again[-1]["text"] or "（是/否）" in again[-1]["text"]
    assert "10005" in done[-1]["text"]


async def test_only_one_of_the_items_planned_for_a_return_is_planned_again(
    tenant: Tenant, database: Database, shop: Shop, customer: Any
) -> None:
    noah = customer("noah", "noah.brown@example.com")
    await noah.say("I want to return the Water Bottle and the Office Chair from #W0000003")
    await noah.say("to the original payment method")

    again = await noah.say("no, only the water bottle")

    assert "(yes / no)" in again[-1]["text"]
    assert "Water Bottle" in again[-1]["text"]
    assert "Office Chair" not in again[-1]["text"]


@pytest.mark.parametrize("said", ["card", "to the card i paid with", "на карту"])
async def test_the_planned_refund_method_said_again_keeps_the_plan(
    tenant: Tenant, database: Database, shop: Shop, customer: Any, said: str
) -> None:
    noah = customer("noah", "noah.brown@example.com")
    await noah.say("I want to return the Water Bottle from #W0000003")
    await noah.say("to the original payment method")

    again = await noah.say(said)
    await noah.say("yes")

    asked = again[-1]["text"]
    assert any(words in asked for words in ("(yes / no)", "yes or no", "(да / нет)")), asked
    runs = await noah.runs()
    assert runs[0]["decision"] == "action", runs[0]["reason"]


async def test_a_yes_with_a_correction_plans_again_and_a_no_about_an_item_declines(
    tenant: Tenant, database: Database, shop: Shop, customer: Any
) -> None:
    noah = customer("noah", "noah.brown@example.com")
    await noah.say("Change the address of #W0000001 to 10 Broadway, New York, NY 10004, USA")
    again = await noah.say("Yes, but the zip should be 10005")
    assert "(yes / no)" in again[-1]["text"]
    assert "10005" in again[-1]["text"]

    await noah.say("I want to return the Water Bottle and the Office Chair from #W0000003")
    await noah.say("to the original payment method")
    declined = await noah.say("No, don't return the office chair")
    assert "haven't changed anything" in declined[-1]["text"]


async def test_a_zip_given_to_prove_who_one_is_is_no_new_address_zip(
    shop: Shop, customer: Any
) -> None:
    visitor = customer("visitor")
    await visitor.say(
        "Please change the shipping address of order #W0000001 to 445 Maple Drive, "
        "Fort Worth, TX 76165, USA"
    )

    planned = await visitor.say("My name is Noah Brown, zip code 80279")

    assert "76165" in planned[-1]["text"]
    assert "80279" not in planned[-1]["text"]


@pytest.mark.parametrize("answer", ["please don't", "我改主意了", "не отменяйте", "я передумал"])
async def test_a_second_thought_is_a_no_and_a_later_yes_runs_nothing(
    tenant: Tenant, database: Database, shop: Shop, customer: Any, answer: str
) -> None:
    """A review found these asked again, so the customer's next "yes" cancelled the order."""
    noah = customer("noah", "noah.brown@example.com")
    await noah.say(CANCEL)

    await noah.say(answer)
    await noah.say("yes")

    assert await status_of(database, tenant.workspace_id, "#W0000001") == "pending"
