# ruff: noqa: RUF001 - Chinese and Russian text, as customers write it
"""Answering "your full name and zip code" the way people do ("Noah Brown, 80279", "I'm Noah
Brown and my zip code is 80279") verifies the customer; ordinary words are never read as a name,
and the name must still belong to the one customer with that zip."""

from __future__ import annotations

import httpx
import pytest

from deskpilot.ai.actions.slots import fill_slots, name_and_zip, stated_details
from deskpilot.ai.pipeline import handle_message
from deskpilot.conversations.intake import InboundMessage, receive
from deskpilot.customers.service import SenderHandle
from deskpilot.kit.db import Database
from deskpilot.kit.deps import Resources
from deskpilot.models import Channel
from tests.ai.actions.shop import Shop, create_shop
from tests.factories import Tenant


@pytest.mark.parametrize(("text", "name", "zip_"), [
    ("Noah Brown, 80279", "Noah Brown", "80279"),
    ("Clara Jensen, zip 2100", "Clara Jensen", "2100"),  # Danish
    ("Piet de Vries, 1012 AB", "Piet de Vries", "1012 AB"),  # Dutch, a name with a particle
    ("Sam Okafor, postcode N1 9GU", "Sam Okafor", "N1 9GU"),  # British
    ("Marta Kowalska, 00-950", "Marta Kowalska", "00-950"),  # Polish
    ("Ana Silva, 1000-001", "Ana Silva", "1000-001"),  # Portuguese
    ("Noah Brown 80279", "Noah Brown", "80279"),
    ("80279, Noah Brown", "Noah Brown", "80279"),
    ("zip 80279, Noah Brown", "Noah Brown", "80279"),
    ("Hi, Noah Brown, zip code: 80279", "Noah Brown", "80279"),
    ("I'm Noah Brown and my zip code is 80279", "Noah Brown", "80279"),
    ("I am Noah Brown, 80279-1234", "Noah Brown", "80279-1234"),
    ("This is Noah Brown, zip 80279", "Noah Brown", "80279"),
    ("Hello! this is Mary Ann Smith, postal code 80279", "Mary Ann Smith", "80279"),
    ("It's Noah A. Brown, 80279", "Noah A Brown", "80279"),
    ("Это Иван Петров, индекс 101000", "Иван Петров", "101000"),
    ("Я Иван Петров, мой индекс 101000", "Иван Петров", "101000"),
    ("Иван Петров, 101000", "Иван Петров", "101000"),
    ("我是李伟，邮编200030", "李伟", "200030"),
    ("我叫李伟，我的邮编是200030", "李伟", "200030"),
    ("我是Noah Brown，邮编80279", "Noah Brown", "80279"),
    ("李伟，200030", "李伟", "200030"),
])  # fmt: skip
def test_a_name_next_to_a_zip_is_read(text: str, name: str, zip_: str) -> None:
    assert name_and_zip(text) == (name, zip_)
    slots = fill_slots(text)
    assert (slots.name, slots.zip) == (name, zip_)


@pytest.mark.parametrize("text", [
    "I'm angry about order 123",
    "I'm angry about order 12345",
    "I'm so angry, 12345",
    "I am a customer, 12345",
    "This is taking forever 12345",
    "Thanks so much, 80279",
    "where is it, 80279",
    "Noah Brown, where is my parcel? It was sent from 80279",
    "Я хочу вернуть 12345",
    "Это заказ 12345",
    "我是来退货的，100000",
    "我是李伟",
    # everyday phrases next to a zip: a loose name's words all start with a capital letter
    "Missing parcel, 80279",
    "Shipping status 12345",
    "Tracking info 12345",
    "Wrong size, 12345",
    "Nothing arrived 12345",
    "I'm located near Denver 80202",
    "This is ridiculous honestly, 12345",
    "noah brown, 80279.",  # a name typed in lower case needs "my name is"
    "i’m noah brown zip 80279",
    "Я заказала платье 123456",
    "это иван петров, индекс 101000",
    "这是新用户，邮编100000",
    "我是老客户，邮编100000",
    "我是新客，100000",
])  # fmt: skip
def test_ordinary_words_are_not_read_as_a_name(text: str) -> None:
    assert name_and_zip(text) is None
    assert fill_slots(text).name is None


def test_the_old_forms_still_come_first_and_earlier_turns_still_count() -> None:
    said = fill_slots("80279", ["where is #W0000003", "My name is Noah Brown"])
    assert (said.name, said.zip) == ("Noah Brown", "80279")
    answered = fill_slots("thanks", ["where is #W0000003", "Noah Brown, 80279"])
    assert (answered.name, answered.zip) == ("Noah Brown", "80279")
    assert fill_slots("I'm Anna Lee, my name is Noah Brown, 80279").name == "Noah Brown"


@pytest.mark.parametrize(("text", "name"), [
    ("my name is noah brown, zip 80279", "noah brown"),
    ("меня зовут иван петров, индекс 101000", "иван петров"),
])  # fmt: skip
def test_a_name_in_lower_case_is_read_after_my_name_is(text: str, name: str) -> None:
    assert name_and_zip(text) is None
    assert fill_slots(text).name == name


@pytest.mark.parametrize(("text", "name", "zip_"), [
    ("noah brown 80279", "noah brown", "80279"),
    ("noah brown, zip 80279", "noah brown", "80279"),
    ("i'm noah brown, my zip is 80279", "noah brown", "80279"),
    ("иван петров 101000", "иван петров", "101000"),
    ("101000 иван петров", "иван петров", "101000"),
])  # fmt: skip
def test_while_the_bot_asks_who_they_are_a_name_may_be_in_lower_case(
    text: str, name: str, zip_: str
) -> None:
    assert name_and_zip(text) is None
    assert name_and_zip(text, any_case=True) == (name, zip_)
    slots = fill_slots(text, ["where is my order"], names_in_any_case=True)
    assert (slots.name, slots.zip) == (name, zip_)


def test_a_lower_case_name_is_read_from_this_message_and_the_one_before_only() -> None:
    in_pieces = fill_slots("80279", ["where is my order", "noah brown"], names_in_any_case=True)
    assert (in_pieces.name, in_pieces.zip) == ("noah brown", "80279")
    older = fill_slots("80279", ["wrong size", "hello", "thanks"], names_in_any_case=True)
    assert older.name is None
    assert fill_slots("80279", ["where is my order", "noah brown"]).name is None


@pytest.mark.parametrize("text", [
    "dont remember",
    "one moment",
    "where is it, 80279",
    "my order 80279",
    "сейчас посмотрю",
    "не помню 101000",
    "thanks so much, 80279",
])  # fmt: skip
def test_everyday_words_are_no_name_in_lower_case_either(text: str) -> None:
    assert fill_slots(text, ["where is my order"], names_in_any_case=True).name is None


@pytest.mark.parametrize("answer", [
    "Missing parcel, 80279",
    "Missing Parcel, 80279",  # capitalised, so read loosely: "my name is" said before still wins
    "Wrong Size 80279",
])  # fmt: skip
def test_a_name_said_with_my_name_is_earlier_wins_over_a_loose_one(answer: str) -> None:
    slots = fill_slots(answer, ["where is #W0000003", "My name is Noah Brown"])
    assert (slots.name, slots.zip) == ("Noah Brown", "80279")


# --- the conversation: asked to verify, the customer answers ----------------------------------


@pytest.fixture
async def shop(database: Database, tenant: Tenant) -> Shop:
    """Noah Brown at 80279 owns #W0000001..4; another Noah Brown lives at 94110."""
    return await create_shop(database, tenant.workspace_id)


@pytest.fixture
async def channel(client: httpx.AsyncClient, tenant: Tenant, database: Database) -> Channel:
    on = await client.patch(
        "/api/v1/ai/settings", headers=tenant.headers, json={"bot_enabled": True}
    )
    assert on.status_code == 200, on.text
    async with database.transaction() as session:
        made = Channel(workspace_id=tenant.workspace_id, type="api", name="Chat", public_key="nz")
        session.add(made)
    return made


async def converse(resources: Resources, channel: Channel, key: str, turns: list[str]) -> str:
    """The bot's reply to the last turn, from a sender no channel vouches for."""
    sender = SenderHandle(external_id=key, verified=False)
    reply = ""
    for number, text in enumerate(turns):
        async with resources.database.transaction() as session:
            intake = await receive(
                session,
                resources.bus,
                resources.files,
                channel,
                InboundMessage(sender, text, external_id=f"{key}-{number}", thread_key=key),
            )
        async with resources.database.transaction() as session:
            handled = await handle_message(
                session, resources, channel.workspace_id, intake.message.id
            )
        assert handled is not None
        assert handled.outcome is not None
        reply = handled.outcome.reply
    return reply


@pytest.mark.parametrize("answer", [
    "Noah Brown, 80279",
    "I'm Noah Brown and my zip code is 80279",
    "This is Noah Brown, zip 80279",
])  # fmt: skip
async def test_the_answer_to_name_and_zip_verifies_the_customer(
    resources: Resources, shop: Shop, channel: Channel, answer: str
) -> None:
    asked = await converse(resources, channel, "nz-ask", ["Where is my order #W0000003?"])
    assert "full name and zip code" in asked
    reply = await converse(
        resources, channel, f"nz-{len(answer)}", ["Where is my order #W0000003?", answer]
    )
    assert "#W0000003" in reply
    assert "delivered" in reply


@pytest.mark.parametrize("turns", [
    ["Where is my order #W0000003?", "noah brown 80279"],
    ["Where is my order #W0000003?", "noah brown", "80279"],
])  # fmt: skip
async def test_a_name_typed_in_lower_case_answers_the_question(
    resources: Resources, shop: Shop, channel: Channel, turns: list[str]
) -> None:
    reply = await converse(resources, channel, f"nz-lower-{len(turns)}", turns)
    assert "#W0000003" in reply
    assert "delivered" in reply


async def test_a_name_in_lower_case_said_unasked_proves_nothing(
    resources: Resources, shop: Shop, channel: Channel
) -> None:
    reply = await converse(
        resources, channel, "nz-unasked", ["noah brown 80279 where is #W0000003"]
    )
    assert "delivered" not in reply


@pytest.mark.parametrize("answer", [
    "parcel missing, 80279",
    "Missing parcel, 80279",
    "Missing Parcel, 80279",
])  # fmt: skip
async def test_a_name_given_earlier_is_not_replaced_by_an_everyday_phrase(
    resources: Resources, shop: Shop, channel: Channel, answer: str
) -> None:
    turns = ["Where is my order #W0000003?", "My name is Noah Brown", answer]
    key = "nz-p-" + "".join(c for c in answer if c.isalnum())
    reply = await converse(resources, channel, key, turns)
    assert "#W0000003" in reply
    assert "delivered" in reply


@pytest.mark.parametrize("answer", [
    "Noah Brown, 10083",  # Anna's zip
    "Anna Lee, 80279",  # Noah's zip
    "This is Noah Brown, zip 94110",  # the other Noah Brown, who does not own #W0000003
])  # fmt: skip
async def test_a_name_and_zip_of_no_or_another_customer_shows_nothing(
    resources: Resources, shop: Shop, channel: Channel, answer: str
) -> None:
    reply = await converse(
        resources, channel, f"nz-x-{len(answer)}", ["Where is my order #W0000003?", answer]
    )
    assert "delivered" not in reply
    assert "1Z999" not in reply


def test_stated_details_gather_every_name_zip_and_street_line_of_the_turns() -> None:
    stated = stated_details(
        [
            "I'm Noah Brown, zip 80279",
            "меня зовут Иван Петров",
            "ship it to 12 Main St, Springfield, IL 62704",
            "I'd like 12345 stickers",  # a bare number is no zip
            "Missing parcel, 80279",  # no name here
        ]
    )
    assert stated.names == ("Noah Brown", "Иван Петров")
    assert stated.zips == ("80279", "62704")
    assert stated.addresses == ("12 Main St",)
    assert not stated_details(["Where is my order #W0000001?"])


def test_stated_details_hide_a_lower_case_name_while_the_bot_asks_who_they_are() -> None:
    turns = ["noah brown 80279", "where is my order", "wrong size"]  # newest first
    assert stated_details(turns, asked_who=True).names == ("noah brown",)
    assert stated_details(turns, asked_who=True).zips == ("80279",)
    assert stated_details(["80279", "noah brown"], asked_who=True).names == ("noah brown",)
    assert stated_details(turns).names == ()


@pytest.mark.parametrize(
    "text",
    [
        "My name is on the order but it says delivered",
        "my name is wrong on the label",
        "收件人名字是错的",
        "我叫客服",
    ],
)
def test_stated_details_take_no_everyday_words_for_names(
    text: str,
) -> None:
    # they would be replaced in every knowledge passage sent to the LLM ("Click [NAME_1] it")
    assert not stated_details([text])


@pytest.mark.parametrize(
    ("text", "name", "zip_code"),
    [
        ("我叫谢娜，邮编200030", "谢娜", "200030"),
        ("我叫李想", "李想", None),
        ("邮编是：200030", None, "200030"),
        ("zip = 10083", None, "10083"),
        ("Индекс — 101000", None, "101000"),
    ],
)
def test_stated_details_hide_what_verification_reads(
    text: str, name: str | None, zip_code: str | None
) -> None:
    stated = stated_details([text])
    assert stated.names == ((name,) if name else ())
    assert stated.zips == ((zip_code,) if zip_code else ())
    filled = fill_slots(text)
    assert (filled.name, filled.zip) == (name, zip_code)


@pytest.mark.parametrize("label", ["zip", "индекс", "Zip code:", "zip-", "i", "it"])
def test_a_label_and_a_long_run_of_spaces_is_read_in_one_pass(label: str) -> None:
    # every message and 10 earlier turns go through these patterns; "zip" and 20,000 spaces
    # once took 8 s (two runs of spaces side by side were tried every way of splitting them)
    assert name_and_zip(label + " " * 20000) is None
    assert stated_details([label + " " * 20000]).zips == ()
    assert name_and_zip("zip" + " " * 200 + "80279, Noah Brown") == ("Noah Brown", "80279")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Noah Brown", "Noah Brown"),
        ("I'm Noah Brown", "Noah Brown"),
        ("Hi, Иван Петров", "Иван Петров"),
    ],
)
def test_a_full_name_and_nothing_else_is_a_name(text: str, name: str) -> None:
    """Half of the answer to "your full name and zip code", the zip in the next message (a
    review saw "Tom Okafor" then "55401" never verified); a name alone verifies nobody."""
    assert fill_slots(text).name == name
    assert fill_slots("80279", [text]).name == name


def test_a_message_that_is_only_a_postcode_is_the_zip_asked_for() -> None:
    from deskpilot.ai.actions.slots import zip_code

    assert zip_code("1012") == "1012"
    assert zip_code("n1 9gu") == "N1 9GU"
    assert zip_code("I have 2 cups") is None
    assert zip_code("order 1234567") is None
