"""Who the customer is, told in pieces: an email, a name or a zip alone gets the question for
the other half of the proof (a review saw "my email is …" and "我叫李伟" handed off, and a
name then a zip in two messages never verified); "where is it?" after the order number that
proved it gets that order's status."""

from __future__ import annotations

from typing import Any

from tests.ai.actions.shop import Shop


async def test_an_email_alone_is_asked_for_an_order_number(shop: Shop, customer: Any) -> None:
    visitor = customer("visitor")

    asked = await visitor.say("hi, my email is noah.brown@example.com")
    proved = await visitor.say("#W0000002")
    status = await visitor.say("where is it?")

    assert "please also send the number of one of your orders" in asked[-1]["text"]
    assert "I have confirmed who you are" in proved[-1]["text"]
    assert "#W0000002 is processed" in status[-1]["text"]


async def test_a_name_then_a_zip_in_two_messages(shop: Shop, customer: Any) -> None:
    visitor = customer("visitor")

    await visitor.say("where is my order #W0000003?")
    name = await visitor.say("Anna Lee")
    zip_ = await visitor.say("10083")

    assert "please also send your zip code" in name[-1]["text"]
    assert "couldn't find that order" in zip_[-1]["text"]  # Anna's, so not #W0000003


async def test_a_chinese_name_alone_is_asked_for_the_zip(shop: Shop, customer: Any) -> None:
    visitor = customer("visitor")

    asked = await visitor.say("我叫李伟")

    assert "请再提供您的邮编" in asked[-1]["text"]


async def test_details_from_someone_verified_already_get_how_can_i_help(
    shop: Shop, customer: Any
) -> None:
    noah = customer("noah", "noah.brown@example.com")

    replies = await noah.say("my email is noah.brown@example.com")

    assert "How can I help you today?" in replies[-1]["text"]


async def test_a_question_about_nothing_of_theirs_needs_no_identity_check(
    shop: Shop, customer: Any
) -> None:
    """A review saw "do u ship to canada" and "能寄到香港吗" (read as address changes) answered
    with "first I need to confirm who you are"; here the classifier reads a return."""
    visitor = customer("visitor")
    other = customer("other")

    question = await visitor.say("is shipping free for returns?")
    request = await other.say("can I cancel?")

    assert "confirm who you are" not in question[-1]["text"]
    assert (await visitor.runs())[0]["action"] is None
    assert "confirm who you are" in request[-1]["text"]  # asks for the action: verify first
