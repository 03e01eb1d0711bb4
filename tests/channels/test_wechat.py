"""WeChat Official Account end to end, against a loopback server speaking the WeChat API."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request, Response

from deskpilot.channels.wechat.adapter import query_signature
from deskpilot.kit.db import Database
from deskpilot.kit.deps import Resources
from tests.channels.helpers import create_channel, drain, message_count, stored_messages, worker_for
from tests.factories import Tenant
from tests.support.servers import serve_app

PAYLOADS = Path(__file__).parent / "payloads" / "wechat"
TOKEN = "deskpilotWeChat2024"
APP_ID = "wx5c2f8a1b9d3e7f60"
APP_SECRET = "4b8e1f9a2c7d3e6f0a5b9c8d7e6f5a4b"
OPENID = "oLk2R6Qm9pXz4vTn7YbWc1sEaHdU"
PICTURE = b"\xff\xd8\xff\xe0" + b"JFIF receipt picture" * 10
TEXT = "你好，我的订单 #10482 什么时候发货？"  # noqa: RUF001 (Chinese punctuation, as sent)
VOICE = b"#!AMR\n" + b"\x3c" * 64


def payload(name: str, **values: str) -> bytes:
    text = (PAYLOADS / name).read_text()
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text.encode()


def recorded(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((PAYLOADS / name).read_text())
    return loaded


def signed_query(token: str = TOKEN, **extra: str) -> dict[str, str]:
    timestamp, nonce = str(int(time.time())), "1405938271"
    return {
        "signature": query_signature(token, timestamp, nonce),
        "timestamp": timestamp,
        "nonce": nonce,
        **extra,
    }


class WeChatStandIn:
    """The WeChat API on loopback: tokens, customer-service messages, media, picture URLs."""

    def __init__(self) -> None:
        self.app = FastAPI()
        self.token_fetches = 0
        self.valid_tokens: set[str] = set()
        self.sent: list[tuple[str, dict[str, Any]]] = []  # (access token, body)
        self.send_answers: list[dict[str, Any]] = []  # scripted answers, then "ok"
        self.send_status = 200
        self.pictures: dict[str, bytes] = {"receipt-10482": PICTURE}
        self.media: dict[str, tuple[str, bytes]] = {}

        @self.app.get("/cgi-bin/token")
        async def token(grant_type: str, appid: str, secret: str) -> dict[str, Any]:
            if grant_type != "client_credential" or (appid, secret) != (APP_ID, APP_SECRET):
                return {"errcode": 40125, "errmsg": "invalid appsecret"}
            self.token_fetches += 1
            answer = recorded("token.json")
            answer["access_token"] += f"-{self.token_fetches}"
            self.valid_tokens.add(answer["access_token"])
            return answer

        @self.app.post("/cgi-bin/message/custom/send")
        async def send(access_token: str, request: Request) -> Response:
            body = json.loads(await request.body())
            self.sent.append((access_token, body))
            if self.send_status != 200:
                return Response(status_code=self.send_status)
            if access_token not in self.valid_tokens:
                answer = recorded("token_expired.json")
            elif self.send_answers:
                answer = self.send_answers.pop(0)
            else:
                answer = recorded("send_ok.json")
            return Response(json.dumps(answer), media_type="application/json")

        @self.app.get("/cgi-bin/media/get")
        async def media(access_token: str, media_id: str) -> Response:
            if access_token not in self.valid_tokens:
                return Response(json.dumps(recorded("token_expired.json")), media_type="text/plain")
            if media_id not in self.media:
                return Response(json.dumps(recorded("media_invalid.json")), media_type="text/plain")
            content_type, data = self.media[media_id]
            return Response(data, media_type=content_type)

        @self.app.get("/mmbiz_jpg/{name}")
        async def picture(name: str) -> Response:
            if name not in self.pictures:
                return Response(status_code=404)
            return Response(self.pictures[name], media_type="image/jpeg")


@pytest.fixture
async def wechat() -> AsyncIterator[tuple[WeChatStandIn, str]]:
    stand_in = WeChatStandIn()
    async with serve_app(stand_in.app) as address:
        yield stand_in, f"http://{address}"


async def wechat_channel(
    client: httpx.AsyncClient, tenant: Tenant, api_base: str | None = None
) -> dict[str, Any]:
    config: dict[str, Any] = {"app_id": APP_ID}
    if api_base:
        config["api_base"] = api_base
    return await create_channel(
        client,
        tenant,
        "wechat",
        config=config,
        secrets={"token": TOKEN, "app_secret": APP_SECRET},
    )


async def deliver(
    client: httpx.AsyncClient, channel: dict[str, Any], body: bytes, **query: str
) -> httpx.Response:
    return await client.post(
        f"/hooks/{channel['public_key']}",
        params=query or signed_query(),
        content=body,
        headers={"content-type": "text/xml"},
    )


async def test_server_verification_echoes_echostr_only_when_signed(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    channel = await wechat_channel(client, tenant)
    assert channel["secret_names"] == ["app_secret", "token"]
    url = f"/hooks/{channel['public_key']}"
    good = await client.get(url, params=signed_query(echostr="7355608401"))
    assert (good.status_code, good.text) == (200, "7355608401")
    assert good.headers["content-type"].startswith("text/plain")
    forged = await client.get(url, params=signed_query("wrongtoken", echostr="7355608401"))
    assert forged.status_code == 401
    unsigned = await client.get(url, params={"echostr": "7355608401"})
    assert unsigned.status_code == 401


async def test_a_text_message_is_stored_once_and_answered_success(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    channel = await wechat_channel(client, tenant)
    first = await deliver(client, channel, payload("text.xml"))
    again = await deliver(client, channel, payload("text.xml"))  # the platform's retry
    assert (first.status_code, first.text) == (200, "success")
    assert (again.status_code, again.text) == (200, "success")
    [message] = await stored_messages(database)
    assert message.text == TEXT
    assert message.external_id == "24610087331187436"
    assert message.sender_type == "customer"
    assert message.raw is not None
    assert message.raw["FromUserName"] == OPENID

    items = (
        await client.get(
            f"/api/v1/conversations/{message.conversation_id}/messages", headers=tenant.headers
        )
    ).json()["items"]
    assert [m["text"] for m in items] == [TEXT]


async def test_a_bad_signature_is_401_and_stores_nothing(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    channel = await wechat_channel(client, tenant)
    forged = await deliver(client, channel, payload("text.xml"), **signed_query("wrongtoken"))
    assert forged.status_code == 401
    tampered = signed_query()
    tampered["nonce"] = "999"
    assert (await deliver(client, channel, payload("text.xml"), **tampered)).status_code == 401
    assert await message_count(database) == 0


@pytest.mark.parametrize(
    "body",
    [
        b"<xml><MsgType>text</MsgType><Content>unclosed",
        b"not xml at all",
        b"<html><body>hello</body></html>",
        b"<xml><ToUserName>gh_3f2a9c1d8e7b</ToUserName><Encrypt>c2FmZSBtb2Rl</Encrypt></xml>",
        payload("entity_expansion.xml"),  # a "billion laughs" body: refused, never expanded
    ],
)
async def test_a_malformed_body_is_400_and_stores_nothing(
    client: httpx.AsyncClient, tenant: Tenant, database: Database, body: bytes
) -> None:
    channel = await wechat_channel(client, tenant)
    response = await deliver(client, channel, body)
    assert response.status_code == 400, response.text
    assert await message_count(database) == 0


async def test_subscribe_and_unsubscribe_events_store_nothing(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    channel = await wechat_channel(client, tenant)
    for name in ("subscribe.xml", "unsubscribe.xml"):
        response = await deliver(client, channel, payload(name))
        assert (response.status_code, response.text) == (200, "success")
    assert await message_count(database) == 0


async def test_a_picture_is_downloaded_from_pic_url(
    client: httpx.AsyncClient,
    tenant: Tenant,
    database: Database,
    resources: Resources,
    wechat: tuple[WeChatStandIn, str],
) -> None:
    _, base = wechat
    channel = await wechat_channel(client, tenant, base)
    response = await deliver(client, channel, payload("image.xml", pic_base=base))
    assert response.status_code == 200, response.text
    [message] = await stored_messages(database)
    [attachment] = message.attachments
    assert attachment["content_type"] == "image/jpeg"
    assert attachment["filename"].endswith(".jpg")
    assert resources.files.read(tenant.workspace_id, attachment["path"]) == PICTURE


async def test_a_picture_falls_back_to_the_media_api(
    client: httpx.AsyncClient,
    tenant: Tenant,
    database: Database,
    resources: Resources,
    wechat: tuple[WeChatStandIn, str],
) -> None:
    stand_in, base = wechat
    stand_in.pictures.clear()  # the PicUrl answers 404
    stand_in.media["Zx8cRJm2qvT0dLwE5nPfYkG7bHsA3uVi9oQ1jNcX4eWy6tBr"] = ("image/png", b"\x89PNG")
    channel = await wechat_channel(client, tenant, base)
    assert (await deliver(client, channel, payload("image.xml", pic_base=base))).status_code == 200
    [message] = await stored_messages(database)
    assert message.attachments[0]["content_type"] == "image/png"
    path = message.attachments[0]["path"]
    assert resources.files.read(tenant.workspace_id, path) == b"\x89PNG"


async def test_a_picture_that_cannot_be_downloaded_is_stored_with_the_reason(
    client: httpx.AsyncClient,
    tenant: Tenant,
    database: Database,
    wechat: tuple[WeChatStandIn, str],
) -> None:
    stand_in, base = wechat
    stand_in.pictures.clear()
    channel = await wechat_channel(client, tenant, base)
    assert (await deliver(client, channel, payload("image.xml", pic_base=base))).status_code == 200
    [message] = await stored_messages(database)
    assert message.attachments == []
    assert message.text.startswith("[picture not downloaded:")
    assert "40007" in message.text  # invalid media_id, from the media API


async def test_an_oversize_picture_is_413_and_stores_nothing(
    client: httpx.AsyncClient,
    tenant: Tenant,
    database: Database,
    wechat: tuple[WeChatStandIn, str],
) -> None:
    stand_in, base = wechat
    stand_in.pictures["receipt-10482"] = b"\xff" * (10 * 1024 * 1024 + 1)
    channel = await wechat_channel(client, tenant, base)
    response = await deliver(client, channel, payload("image.xml", pic_base=base))
    assert response.status_code == 413
    assert await message_count(database) == 0


async def test_a_voice_message_keeps_the_recognition_and_the_recording(
    client: httpx.AsyncClient,
    tenant: Tenant,
    database: Database,
    resources: Resources,
    wechat: tuple[WeChatStandIn, str],
) -> None:
    stand_in, base = wechat
    stand_in.media["vK3pQ8sLm1NfT6wYc0DzR4hJ2uXe9aGbV7iOoE5tWq"] = ("audio/amr", VOICE)
    channel = await wechat_channel(client, tenant, base)
    assert (await deliver(client, channel, payload("voice.xml"))).status_code == 200
    [message] = await stored_messages(database)
    assert message.text == "我想退款"
    [attachment] = message.attachments
    assert attachment["filename"].endswith(".amr")
    assert resources.files.read(tenant.workspace_id, attachment["path"]) == VOICE
    assert stand_in.token_fetches == 1


async def reply(client: httpx.AsyncClient, tenant: Tenant, text: str) -> str:
    """Post an agent reply in the customer's conversation; its conversation id."""
    conversations = (await client.get("/api/v1/conversations", headers=tenant.headers)).json()
    conversation_id: str = conversations["items"][0]["id"]
    posted = await client.post(
        f"/api/v1/conversations/{conversation_id}/messages",
        headers=tenant.headers,
        json={"text": text},
    )
    assert posted.status_code == 201, posted.text
    return conversation_id


async def last_message(
    client: httpx.AsyncClient, tenant: Tenant, conversation_id: str
) -> dict[str, Any]:
    items = (
        await client.get(
            f"/api/v1/conversations/{conversation_id}/messages", headers=tenant.headers
        )
    ).json()["items"]
    last: dict[str, Any] = items[-1]
    return last


async def test_replies_are_sent_as_customer_service_messages_with_a_cached_token(
    client: httpx.AsyncClient,
    tenant: Tenant,
    resources: Resources,
    wechat: tuple[WeChatStandIn, str],
) -> None:
    stand_in, base = wechat
    channel = await wechat_channel(client, tenant, base)
    await deliver(client, channel, payload("text.xml"))
    conversation_id = await reply(client, tenant, "明天发货。")
    await drain(worker_for(resources))
    await reply(client, tenant, "Tracking: SF1234567890")
    await drain(worker_for(resources))

    assert stand_in.token_fetches == 1  # the second send reused the cached token
    assert [body for _, body in stand_in.sent] == [
        {"touser": OPENID, "msgtype": "text", "text": {"content": "明天发货。"}},
        {"touser": OPENID, "msgtype": "text", "text": {"content": "Tracking: SF1234567890"}},
    ]
    assert (await last_message(client, tenant, conversation_id))["delivery_status"] == "sent"


async def test_an_expired_token_is_fetched_again_and_the_message_resent(
    client: httpx.AsyncClient,
    tenant: Tenant,
    resources: Resources,
    wechat: tuple[WeChatStandIn, str],
) -> None:
    stand_in, base = wechat
    channel = await wechat_channel(client, tenant, base)
    await deliver(client, channel, payload("text.xml"))
    conversation_id = await reply(client, tenant, "first")
    await drain(worker_for(resources))
    stand_in.valid_tokens.clear()  # the platform expired every token it gave out
    await reply(client, tenant, "second")
    await drain(worker_for(resources))

    assert stand_in.token_fetches == 2
    assert [body["text"]["content"] for _, body in stand_in.sent] == ["first", "second", "second"]
    assert stand_in.sent[1][0] != stand_in.sent[2][0]
    assert (await last_message(client, tenant, conversation_id))["delivery_status"] == "sent"


async def test_a_reply_after_the_48_hour_window_fails_at_once_with_the_reason(
    client: httpx.AsyncClient,
    tenant: Tenant,
    resources: Resources,
    wechat: tuple[WeChatStandIn, str],
) -> None:
    stand_in, base = wechat
    stand_in.send_answers.append(recorded("send_out_of_time.json"))
    channel = await wechat_channel(client, tenant, base)
    await deliver(client, channel, payload("text.xml"))
    conversation_id = await reply(client, tenant, "Sorry for the wait")
    await drain(worker_for(resources, max_attempts=3))

    assert len(stand_in.sent) == 1  # permanent: not retried
    last = await last_message(client, tenant, conversation_id)
    assert last["delivery_status"] == "failed"
    assert "45015" in last["delivery_error"]
    assert "48-hour" in last["delivery_error"]


async def test_a_server_error_is_retried_then_shown_as_failed(
    client: httpx.AsyncClient,
    tenant: Tenant,
    resources: Resources,
    wechat: tuple[WeChatStandIn, str],
) -> None:
    stand_in, base = wechat
    stand_in.send_status = 502
    channel = await wechat_channel(client, tenant, base)
    await deliver(client, channel, payload("text.xml"))
    conversation_id = await reply(client, tenant, "Hello?")
    await drain(worker_for(resources, max_attempts=3))

    assert len(stand_in.sent) == 3
    last = await last_message(client, tenant, conversation_id)
    assert last["delivery_status"] == "failed"
    assert "HTTP 502" in last["delivery_error"]


async def test_sending_without_app_credentials_fails_with_the_reason(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources
) -> None:
    channel = await create_channel(client, tenant, "wechat", secrets={"token": TOKEN})
    await deliver(client, channel, payload("text.xml"))
    conversation_id = await reply(client, tenant, "Hi")
    await drain(worker_for(resources))
    last = await last_message(client, tenant, conversation_id)
    assert last["delivery_status"] == "failed"
    assert "app_id and app_secret" in last["delivery_error"]


async def test_the_token_setting_is_required_and_validated(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    missing = await client.post(
        "/api/v1/channels", headers=tenant.headers, json={"type": "wechat", "name": "wx"}
    )
    assert missing.status_code == 422
    assert missing.json()["error"]["fields"][0]["field"] == "secrets.token"
