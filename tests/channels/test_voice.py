"""The voice channel: signed call transcripts in, one conversation per call, no sending."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from deskpilot.kit.db import Database
from deskpilot.kit.deps import Resources
from deskpilot.kit.signing import signed_headers
from deskpilot.models import Conversation, Customer, CustomerIdentity, IdentityKind
from tests.channels.helpers import create_channel, drain, message_count, stored_messages, worker_for
from tests.factories import Tenant

PAYLOADS = Path(__file__).parent / "payloads" / "voice"
SECRET = "voice-signing-secret-0123456789"
CALL_ID = "CA7f3b2c91e04d4a6b8c5d1e2f3a4b5c6d"


def recorded_call() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((PAYLOADS / "call.json").read_text())
    return loaded


async def voice_channel(client: httpx.AsyncClient, tenant: Tenant, **config: str) -> dict[str, Any]:
    return await create_channel(
        client, tenant, "voice", config=config, secrets={"signing_secret": SECRET}
    )


async def post_call(
    client: httpx.AsyncClient,
    channel: dict[str, Any],
    call: dict[str, Any] | bytes,
    secret: str = SECRET,
) -> httpx.Response:
    body = call if isinstance(call, bytes) else json.dumps(call).encode()
    return await client.post(
        f"/hooks/{channel['public_key']}", content=body, headers=signed_headers(secret, body)
    )


async def test_a_call_becomes_one_conversation_of_customer_turns_with_the_transcript(
    client: httpx.AsyncClient, tenant: Tenant, database: Database, resources: Resources
) -> None:
    channel = await voice_channel(client, tenant)
    assert channel["secret_names"] == ["signing_secret"]
    response = await post_call(client, channel, recorded_call())
    assert response.status_code == 200, response.text
    assert response.json() == {"call_id": CALL_ID, "customer_turns": 3}

    messages = await stored_messages(database)
    assert [(m.external_id, m.text, m.sender_type) for m in messages] == [
        (f"{CALL_ID}:1", "Hi, my order 10482 still hasn't arrived.", "customer"),
        (f"{CALL_ID}:3", "Can you send me the tracking link by email?", "customer"),
        (f"{CALL_ID}:5", "Thanks, bye.", "customer"),
    ]
    assert len({m.conversation_id for m in messages}) == 1
    async with database.transaction() as session:
        conversation = await session.get(Conversation, messages[0].conversation_id)
    assert conversation is not None
    assert (conversation.thread_key, conversation.subject) == (CALL_ID, "Call from +4915123456789")

    # The agent's turns are kept with the call: a transcript of both speakers on the first
    # message, and the posted call itself in its raw payload.
    [attachment] = messages[0].attachments
    assert attachment["filename"] == f"call-{CALL_ID}.txt"
    transcript = resources.files.read(tenant.workspace_id, attachment["path"]).decode()
    assert "Agent: Maria Schulz" in transcript
    agent_line = "Agent: Let me check that for you. It left our warehouse on Monday."
    customer_line = "Customer: Can you send me the tracking link by email?"
    assert transcript.index(agent_line) < transcript.index(customer_line)
    assert messages[0].raw is not None
    assert messages[0].raw["call"] == recorded_call()
    assert messages[1].attachments == []
    assert messages[1].raw == {"call_id": CALL_ID, "turn": 3}


async def test_the_caller_number_becomes_a_phone_identity_of_one_customer(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    channel = await voice_channel(client, tenant, default_region="DE")
    await post_call(client, channel, recorded_call())
    later = recorded_call() | {"call_id": "CA-second", "caller": "0151 23456789"}
    assert (await post_call(client, channel, later)).status_code == 200

    messages = await stored_messages(database)
    assert len({m.conversation_id for m in messages}) == 2  # one conversation per call
    async with database.transaction() as session:
        customers = (await session.scalars(select(Customer))).all()
        phones = (
            await session.scalars(
                select(CustomerIdentity.value).where(CustomerIdentity.kind == IdentityKind.PHONE)
            )
        ).all()
    assert len(customers) == 1
    assert customers[0].name == "Jonas Becker"
    assert list(phones) == ["+4915123456789"]


async def test_a_repeated_post_stores_nothing_twice_and_a_longer_one_adds_new_turns(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    channel = await voice_channel(client, tenant)
    call = recorded_call()
    assert (await post_call(client, channel, call)).status_code == 200
    assert (await post_call(client, channel, call)).status_code == 200
    assert await message_count(database) == 3
    call["turns"].append({"speaker": "customer", "text": "Oh, one more thing.", "at": None})
    assert (await post_call(client, channel, call)).status_code == 200
    messages = await stored_messages(database)
    assert [m.external_id for m in messages][-1] == f"{CALL_ID}:6"
    assert len(messages) == 4
    assert len({m.conversation_id for m in messages}) == 1


async def test_a_bad_or_missing_signature_is_401_and_stores_nothing(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    channel = await voice_channel(client, tenant)
    forged = await post_call(client, channel, recorded_call(), secret="another-secret-987654321")
    assert forged.status_code == 401
    unsigned = await client.post(f"/hooks/{channel['public_key']}", json=recorded_call())
    assert unsigned.status_code == 401
    body = json.dumps(recorded_call()).encode()
    stale = signed_headers(SECRET, body, now=1_000_000_000)  # 2001: a replayed capture
    replayed = await client.post(f"/hooks/{channel['public_key']}", content=body, headers=stale)
    assert replayed.status_code == 401
    assert await message_count(database) == 0


@pytest.mark.parametrize(
    ("call", "status", "field"),
    [
        (b"{not json", 400, None),
        (b"[1, 2]", 400, None),
        (recorded_call() | {"turns": [{"speaker": "robot", "text": "beep"}]}, 422, "turns"),
        ({k: v for k, v in recorded_call().items() if k != "caller"}, 422, "body.caller"),
        (
            recorded_call() | {"turns": [{"speaker": "agent", "text": "Hello? Anyone?"}]},
            422,
            "body.turns",
        ),
    ],
)
async def test_a_malformed_call_is_refused_with_the_reason_and_stores_nothing(
    client: httpx.AsyncClient,
    tenant: Tenant,
    database: Database,
    call: dict[str, Any] | bytes,
    status: int,
    field: str | None,
) -> None:
    channel = await voice_channel(client, tenant)
    response = await post_call(client, channel, call)
    assert response.status_code == status, response.text
    if field:
        fields = [f["field"] for f in response.json()["error"]["fields"]]
        assert any(f.startswith(field) or f.startswith("body." + field) for f in fields), fields
    assert await message_count(database) == 0


async def test_an_oversize_transcript_is_413_and_stores_nothing(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    channel = await voice_channel(client, tenant)
    long_turn = {"speaker": "agent", "text": "x" * 100_000, "at": None}
    call = recorded_call()
    call["turns"] = call["turns"] + [long_turn] * 22  # a transcript over 2 MiB
    assert (await post_call(client, channel, call)).status_code == 413
    assert await message_count(database) == 0


async def test_a_reply_on_a_voice_conversation_fails_at_once_with_the_reason(
    client: httpx.AsyncClient, tenant: Tenant, database: Database, resources: Resources
) -> None:
    channel = await voice_channel(client, tenant)
    await post_call(client, channel, recorded_call())
    conversation_id = (await stored_messages(database))[0].conversation_id
    posted = await client.post(
        f"/api/v1/conversations/{conversation_id}/messages",
        headers=tenant.headers,
        json={"text": "Here is your tracking link"},
    )
    assert posted.status_code == 201
    await drain(worker_for(resources, max_attempts=3))
    items = (
        await client.get(
            f"/api/v1/conversations/{conversation_id}/messages", headers=tenant.headers
        )
    ).json()["items"]
    assert (items[-1]["delivery_status"], items[-1]["delivery_error"]) == (
        "failed",
        "voice channels cannot send messages",
    )
