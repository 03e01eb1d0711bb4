"""The Telegram channel end to end, against a loopback HTTP server speaking the Bot API."""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request, Response

from deskpilot.kit.db import Database
from deskpilot.kit.deps import Resources
from deskpilot.models import Customer
from tests.channels.helpers import (
    create_channel,
    drain,
    message_count,
    reply,
    stored_messages,
    worker_for,
)
from tests.factories import Tenant
from tests.support.servers import serve_app

PAYLOADS = Path(__file__).parent / "payloads" / "telegram"
TOKEN = "7012345678:AAHk-test_token"
SECRET = "hook-Secret_0123456789"
CHAT = "318826479"
PHOTO = b"\xff\xd8\xff\xe0 a damaged box"
INVOICE = b"%PDF-1.7 invoice 10482"
LIMIT = 10 * 1024 * 1024


def payload(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text())
    return loaded


class BotApi:
    """A stand-in for api.telegram.org: getFile, file downloads and sendMessage."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[str, bytes]] = {
            "AgACAgIAAxkBAAIEm2ZoLarge": ("photos/file_7.jpg", PHOTO),
            "BQACAgIAAxkBAAIEnGZoInvoice": ("documents/file_8.pdf", INVOICE),
        }
        self.sent: list[dict[str, Any]] = []
        self.send_status = 200
        self.app = FastAPI()

        def refused(status: int, description: str) -> Response:
            body = {"ok": False, "error_code": status, "description": description}
            return Response(json.dumps(body), status, media_type="application/json")

        @self.app.get("/bot{token}/getFile")
        async def get_file(token: str, file_id: str) -> Response:
            if token != TOKEN:
                return refused(401, "Unauthorized")
            if file_id not in self.files:
                return refused(400, "Bad Request: invalid file_id")
            path, data = self.files[file_id]
            result = {"file_id": file_id, "file_size": len(data), "file_path": path}
            return Response(json.dumps({"ok": True, "result": result}))

        @self.app.get("/file/bot{token}/{path:path}")
        async def file(token: str, path: str) -> Response:
            found = [data for p, data in self.files.values() if p == path]
            if token != TOKEN or not found:
                return Response(status_code=404)
            return Response(found[0], media_type="application/octet-stream")

        @self.app.post("/bot{token}/sendMessage")
        async def send_message(token: str, request: Request) -> Response:
            if token != TOKEN:
                return refused(401, "Unauthorized")
            sent: dict[str, Any] = await request.json()
            self.sent.append(sent)
            if self.send_status == 400:
                return Response((PAYLOADS / "chat_not_found.json").read_bytes(), 400)
            if self.send_status == 429:
                return Response((PAYLOADS / "too_many_requests.json").read_bytes(), 429)
            answer = payload("send_message_ok")
            answer["result"]["text"] = sent["text"]
            return Response(json.dumps(answer), media_type="application/json")


@pytest.fixture
async def bot_api() -> AsyncIterator[tuple[BotApi, str]]:
    stand_in = BotApi()
    async with serve_app(stand_in.app) as address:
        yield stand_in, f"http://{address}"


@pytest.fixture
async def hook(
    client: httpx.AsyncClient, tenant: Tenant, bot_api: tuple[BotApi, str]
) -> dict[str, Any]:
    """A Telegram channel pointed at the stand-in."""
    return await create_channel(
        client,
        tenant,
        "telegram",
        config={"api_base": bot_api[1]},
        secrets={"bot_token": TOKEN, "webhook_secret": SECRET},
    )


async def deliver(
    client: httpx.AsyncClient, channel: dict[str, Any], body: Any, secret: str | None = SECRET
) -> httpx.Response:
    headers = {"content-type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return await client.post(channel["webhook_path"], headers=headers, content=content)


async def test_a_text_message_is_stored_once_for_the_chat(
    client: httpx.AsyncClient, hook: dict[str, Any], database: Database
) -> None:
    update = payload("text_message")
    first = await deliver(client, hook, update)
    again = await deliver(client, hook, update)  # Telegram redelivers when unsure
    assert first.status_code == again.status_code == 200
    messages = await stored_messages(database)
    assert len(messages) == 1
    message = messages[0]
    assert message.text == "Здравствуйте! Где мой заказ 10482?"
    assert message.external_id == f"{CHAT}:1187"
    assert message.raw == update
    async with database.transaction() as session:
        customer = await session.get(Customer, message.sender_id)
        assert customer is not None
        assert customer.name == "Olga Petrova"


async def test_a_photo_and_a_document_are_fetched_and_stored_in_the_chat_thread(
    client: httpx.AsyncClient, hook: dict[str, Any], database: Database, resources: Resources
) -> None:
    await deliver(client, hook, payload("text_message"))
    assert (await deliver(client, hook, payload("photo_with_caption"))).status_code == 200
    assert (await deliver(client, hook, payload("document"))).status_code == 200
    text, photo, document = await stored_messages(database)
    assert text.conversation_id == photo.conversation_id == document.conversation_id
    assert photo.text == "The box arrived damaged"
    [picture] = photo.attachments
    assert (picture["filename"], picture["content_type"]) == ("file_7.jpg", "image/jpeg")
    assert resources.files.read(photo.workspace_id, picture["path"]) == PHOTO
    [invoice] = document.attachments
    assert (invoice["filename"], invoice["content_type"]) == (
        "invoice-10482.pdf",
        "application/pdf",
    )
    assert resources.files.read(document.workspace_id, invoice["path"]) == INVOICE
    assert document.text == ""


async def test_edits_are_acknowledged_and_stickers_kept_as_a_marker(
    client: httpx.AsyncClient, hook: dict[str, Any], database: Database
) -> None:
    assert (await deliver(client, hook, payload("edited_message"))).status_code == 200
    assert await message_count(database) == 0
    assert (await deliver(client, hook, payload("sticker"))).status_code == 200
    assert [m.text for m in await stored_messages(database)] == ["[sticker 👍]"]


@pytest.mark.parametrize("secret", [None, "", "hook-Secret_0123456788"])
async def test_a_wrong_or_missing_secret_token_is_401_and_stores_nothing(
    client: httpx.AsyncClient, hook: dict[str, Any], database: Database, secret: str | None
) -> None:
    response = await deliver(client, hook, payload("text_message"), secret=secret)
    assert response.status_code == 401
    assert await message_count(database) == 0


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[1, 2]",
        json.dumps({"message": {"message_id": 1}}).encode(),
        json.dumps({"update_id": 5, "message": {"message_id": 1, "date": 1}}).encode(),
    ],
)
async def test_a_malformed_update_is_400_and_stores_nothing(
    client: httpx.AsyncClient, hook: dict[str, Any], database: Database, body: bytes
) -> None:
    response = await deliver(client, hook, body)
    assert response.status_code == 400, response.text
    assert await message_count(database) == 0


async def test_an_oversize_file_is_413_whether_announced_or_not(
    client: httpx.AsyncClient,
    hook: dict[str, Any],
    database: Database,
    bot_api: tuple[BotApi, str],
) -> None:
    announced = payload("document")
    announced["message"]["document"]["file_size"] = LIMIT + 1
    assert (await deliver(client, hook, announced)).status_code == 413
    # Telegram may leave file_size out: the download itself stops at the limit.
    stand_in, _ = bot_api
    stand_in.files["BQACAgIAAxkBAAIEnGZoInvoice"] = ("documents/big.bin", b"x" * (LIMIT + 1))
    silent = copy.deepcopy(announced)
    del silent["message"]["document"]["file_size"]
    assert (await deliver(client, hook, silent)).status_code == 413
    assert await message_count(database) == 0


async def test_a_file_telegram_cannot_find_fails_the_update_for_a_redelivery(
    client: httpx.AsyncClient,
    hook: dict[str, Any],
    database: Database,
    bot_api: tuple[BotApi, str],
) -> None:
    bot_api[0].files.clear()
    response = await deliver(client, hook, payload("document"))
    assert response.status_code == 502
    assert TOKEN not in response.text
    assert await message_count(database) == 0


REPLY_TEXT = "Ваш заказ отправлен сегодня."


async def test_a_reply_is_sent_to_the_chat_as_a_reply_to_the_last_message(
    client: httpx.AsyncClient,
    tenant: Tenant,
    hook: dict[str, Any],
    database: Database,
    resources: Resources,
    bot_api: tuple[BotApi, str],
) -> None:
    await deliver(client, hook, payload("text_message"))
    [inbound] = await stored_messages(database)
    await reply(client, tenant, inbound.conversation_id, REPLY_TEXT)
    await drain(worker_for(resources))
    stand_in, _ = bot_api
    assert stand_in.sent == [
        {
            "chat_id": int(CHAT),
            "text": "Ваш заказ отправлен сегодня.",
            "reply_to_message_id": 1187,
            "allow_sending_without_reply": True,
        }
    ]
    outbound = (await stored_messages(database))[-1]
    assert (outbound.delivery_status, outbound.external_id) == ("sent", f"{CHAT}:1191")


@pytest.mark.parametrize(
    ("status", "calls", "reason"),
    [
        (400, 1, "Telegram answered 400: Bad Request: chat not found"),
        (429, 3, "Telegram answered 429: Too Many Requests: retry after 1"),
    ],
)
async def test_a_refused_reply_is_shown_as_failed_and_429_is_retried_first(
    client: httpx.AsyncClient,
    tenant: Tenant,
    hook: dict[str, Any],
    database: Database,
    resources: Resources,
    bot_api: tuple[BotApi, str],
    status: int,
    calls: int,
    reason: str,
) -> None:
    stand_in, _ = bot_api
    stand_in.send_status = status
    await deliver(client, hook, payload("text_message"))
    [inbound] = await stored_messages(database)
    await reply(client, tenant, inbound.conversation_id, REPLY_TEXT)
    await drain(worker_for(resources, max_attempts=3))
    assert len(stand_in.sent) == calls
    outbound = (await stored_messages(database))[-1]
    assert (outbound.delivery_status, outbound.delivery_error) == ("failed", reason)


async def test_an_unreachable_bot_api_is_retried_then_failed_without_leaking_the_token(
    client: httpx.AsyncClient, tenant: Tenant, database: Database, resources: Resources
) -> None:
    async with serve_app(FastAPI()) as address:
        gone = f"http://{address}"  # a port that was ours and is closed now
    channel = await create_channel(
        client,
        tenant,
        "telegram",
        config={"api_base": gone},
        secrets={"bot_token": TOKEN, "webhook_secret": SECRET},
    )
    await deliver(client, channel, payload("text_message"))
    [inbound] = await stored_messages(database)
    await reply(client, tenant, inbound.conversation_id, REPLY_TEXT)
    await drain(worker_for(resources, max_attempts=2))
    outbound = (await stored_messages(database))[-1]
    assert outbound.delivery_status == "failed"
    assert outbound.delivery_error is not None
    assert outbound.delivery_error.startswith("Telegram unreachable: ")
    assert TOKEN not in outbound.delivery_error


async def test_the_webhook_secret_is_generated_when_not_given(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    channel = await create_channel(client, tenant, "telegram", secrets={"bot_token": TOKEN})
    assert channel["secret_names"] == ["bot_token", "webhook_secret"]
    refused = await client.post(
        "/api/v1/channels",
        headers=tenant.headers,
        json={
            "type": "telegram",
            "name": "t",
            "secrets": {"bot_token": TOKEN, "webhook_secret": "a b"},
        },
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["fields"][0]["field"] == "secrets.webhook_secret"
