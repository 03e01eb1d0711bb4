"""The web chat widget channel over real HTTP and a real WebSocket (uvicorn on loopback).

Browser tests of widget.js itself (Playwright, headless Chromium) come with issue 8; here the
script is checked for syntax with ``node --check`` and its endpoints are exercised as the
script calls them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import shutil
import subprocess
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from deskpilot.app import create_app
from deskpilot.config import Settings
from deskpilot.demo.service import load_demo
from deskpilot.kit.bus import BusEvent
from deskpilot.kit.db import Database
from deskpilot.kit.deps import Resources
from deskpilot.models import Channel
from tests.channels.helpers import drain, stored_messages, worker_for
from tests.factories import Tenant
from tests.support.servers import EVENT_TIMEOUT, event_socket, next_message, serve_app

IDENTITY_SECRET = "host-site-identity-secret-1"
WIDGET_JS = Path(__file__).parents[2] / "src" / "deskpilot" / "channels" / "webchat" / "widget.js"
QUIET = 0.5  # how long a socket must stay silent to count as "received nothing"


@dataclass
class Server:
    address: str
    http: httpx.AsyncClient
    resources: Resources


@pytest.fixture
async def server(settings: Settings, database: Database) -> AsyncIterator[Server]:
    application = create_app(settings)
    async with (
        serve_app(application) as address,
        httpx.AsyncClient(base_url=f"http://{address}", timeout=EVENT_TIMEOUT) as http,
    ):
        yield Server(address, http, application.state.resources)


async def webchat_channel(
    server: Server, tenant: Tenant, config: dict[str, Any] | None = None
) -> dict[str, Any]:
    response = await server.http.post(
        "/api/v1/channels",
        headers=tenant.headers,
        json={
            "type": "webchat",
            "name": "Website chat",
            "config": config or {},
            "secrets": {"identity_secret": IDENTITY_SECRET},
        },
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


class Visitor:
    """One browser tab's widget, speaking the widget API as widget.js does."""

    def __init__(self, server: Server, key: str) -> None:
        self.server = server
        self.key = key
        self.token = ""

    def params(self, **extra: str) -> dict[str, str]:
        return {"key": self.key, "visitor": self.token, **extra}

    async def start(self, **claims: Any) -> dict[str, Any]:
        body = {"visitor": self.token or None, **claims}
        response = await self.server.http.post(
            "/widget/api/session", params={"key": self.key}, json=body
        )
        assert response.status_code == 200, response.text
        session: dict[str, Any] = response.json()
        self.token = session["visitor"]
        return session

    async def send(self, text: str, client_id: str | None = None) -> httpx.Response:
        return await self.server.http.post(
            "/widget/api/messages",
            params=self.params(),
            json={"client_id": client_id or uuid.uuid4().hex, "text": text},
        )

    async def call(
        self, method: str, path: str, params: dict[str, str] | None = None, **kwargs: Any
    ) -> httpx.Response:
        return await self.server.http.request(
            method, f"/widget/api{path}", params={**self.params(), **(params or {})}, **kwargs
        )

    @asynccontextmanager
    async def socket(self) -> AsyncIterator[ClientConnection]:
        url = f"ws://{self.server.address}/widget/ws?key={self.key}&visitor={self.token}"
        async with connect(url, open_timeout=EVENT_TIMEOUT) as websocket:
            greeting = await next_message(websocket)
            assert greeting["name"] == "widget.connected", greeting
            yield websocket


async def until(websocket: ClientConnection, name: str) -> dict[str, Any]:
    """The next event called ``name`` (others on the way are dropped)."""
    while True:
        event: dict[str, Any] = await next_message(websocket)
        if event["name"] == name:
            return event


async def silent(websocket: ClientConnection) -> list[Any]:
    """Everything that arrives within QUIET seconds (an empty list proves nothing leaked)."""
    received = []
    try:
        while True:
            received.append(await next_message(websocket, within=QUIET))
    except TimeoutError:
        return received


def signed(value: str, secret: str = IDENTITY_SECRET) -> str:
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()


async def test_a_visitor_starts_sends_once_and_resumes_with_history(
    server: Server, tenant: Tenant, database: Database
) -> None:
    channel = await webchat_channel(server, tenant, {"greeting": {"zh": "欢迎光临"}})
    config = await server.http.get("/widget/api/config", params={"key": channel["public_key"]})
    assert config.status_code == 200
    assert config.json()["labels"]["human"] == "Talk to a person"
    chinese = await server.http.get(
        "/widget/api/config",
        params={"key": channel["public_key"]},
        headers={"Accept-Language": "zh-CN,zh;q=0.9"},
    )
    assert (chinese.json()["greeting"], chinese.json()["labels"]["human"]) == (
        "欢迎光临",
        "转人工客服",
    )
    russian = await server.http.get(
        "/widget/api/config", params={"key": channel["public_key"], "lang": "ru-RU"}
    )
    assert russian.json()["language"] == "ru"

    visitor = Visitor(server, channel["public_key"])
    started = await visitor.start()
    assert len(visitor.token) >= 32
    assert (started["conversation"], started["messages"], started["verified"]) == (
        None,
        [],
        False,
    )
    first = await visitor.send("Where is my order?", client_id="c-1")
    again = await visitor.send("Where is my order?", client_id="c-1")
    assert first.status_code == again.status_code == 201
    assert again.json()["duplicate"] is True
    assert again.json()["message"]["id"] == first.json()["message"]["id"]
    assert len(await stored_messages(database)) == 1

    # The next page load: the stored token brings the history back.
    resumed = Visitor(server, channel["public_key"])
    resumed.token = visitor.token
    session = await resumed.start()
    assert session["visitor"] == visitor.token
    assert [(m["text"], m["from"], m["client_id"]) for m in session["messages"]] == [
        ("Where is my order?", "visitor", "c-1")
    ]
    conversation_id = session["conversation"]["id"]
    agent_view = await server.http.get(
        f"/api/v1/conversations/{conversation_id}", headers=tenant.headers
    )
    assert agent_view.json()["channel_id"] == channel["id"]
    # Polling with the cursor returns only what is new.
    polled = await visitor.call("GET", "/messages", params={"since": session["cursor"]})
    assert polled.json()["messages"] == []


async def test_an_agent_reply_reaches_the_visitor_socket_and_a_private_note_never_does(
    server: Server, tenant: Tenant
) -> None:
    channel = await webchat_channel(server, tenant)
    visitor = Visitor(server, channel["public_key"])
    await visitor.start()
    stranger = Visitor(server, channel["public_key"])
    await stranger.start()
    async with visitor.socket() as websocket, stranger.socket() as stranger_socket:
        sent = (await visitor.send("Hello?", client_id="hello-1")).json()
        echo = await until(websocket, "message.created")
        assert (echo["data"]["id"], echo["data"]["client_id"]) == (sent["message"]["id"], "hello-1")
        conversation_id = sent["conversation"]["id"]
        url = f"/api/v1/conversations/{conversation_id}/messages"
        note = await server.http.post(
            url, headers=tenant.headers, json={"text": "secret note", "private": True}
        )
        assert note.status_code == 201
        reply = await server.http.post(url, headers=tenant.headers, json={"text": "Hi there!"})
        assert reply.status_code == 201
        await drain(worker_for(server.resources))
        arrived = await until(websocket, "message.created")
        assert (arrived["data"]["text"], arrived["data"]["from"]) == ("Hi there!", "agent")
        later = await silent(websocket)
        assert "secret note" not in json.dumps(later)
        assert await silent(stranger_socket) == []  # nothing of the other visitor's

    history = (await visitor.call("GET", "/messages")).json()["messages"]
    assert [m["text"] for m in history] == ["Hello?", "Hi there!"]
    assert (await stranger.call("GET", "/messages")).json()["messages"] == []
    # The other visitor cannot take this visitor's message by reusing its client id either.
    taken = await stranger.send("mine", client_id="hello-1")
    assert taken.json()["duplicate"] is False
    assert taken.json()["message"]["text"] == "mine"


async def test_thinking_and_typing_indicators(server: Server, tenant: Tenant) -> None:
    channel = await webchat_channel(server, tenant)
    visitor = Visitor(server, channel["public_key"])
    await visitor.start()
    conversation_id = (await visitor.send("hi")).json()["conversation"]["id"]
    async with (
        visitor.socket() as websocket,
        event_socket(server.address, tenant.headers) as agents,
    ):
        await server.resources.bus.publish(
            BusEvent(
                name="ai.thinking",
                workspace_id=tenant.workspace_id,
                data={"conversation_id": conversation_id, "thinking": True},
            )
        )
        thinking = await until(websocket, "ai.thinking")
        assert thinking["data"] == {"active": True}

        await websocket.send(json.dumps({"type": "typing", "typing": True}))
        typing = await until(agents, "conversation.visitor_typing")
        assert typing["data"] == {"conversation_id": conversation_id, "typing": True}
        assert (await visitor.call("POST", "/typing", json={"typing": False})).status_code == 204
        stopped = await until(agents, "conversation.visitor_typing")
        assert stopped["data"]["typing"] is False


async def test_a_signed_identity_links_the_customer_and_a_forged_one_is_ignored(
    server: Server, tenant: Tenant
) -> None:
    api_channel = (
        await server.http.post(
            "/api/v1/channels", headers=tenant.headers, json={"type": "api", "name": "crm"}
        )
    ).json()
    known = await server.http.post(
        f"/api/v1/channels/{api_channel['id']}/inbound",
        headers=tenant.headers,
        json={
            "external_id": "m-1",
            "sender": {"external_id": "crm-1", "email": "ada@example.com"},
            "text": "earlier question",
        },
    )
    known_conversation = known.json()["messages"][0]["conversation_id"]
    ada = (
        await server.http.get(f"/api/v1/conversations/{known_conversation}", headers=tenant.headers)
    ).json()["customer_id"]
    channel = await webchat_channel(server, tenant)

    async def customer_of(visitor: Visitor) -> str:
        conversation_id = (await visitor.send("hello")).json()["conversation"]["id"]
        body = (
            await server.http.get(
                f"/api/v1/conversations/{conversation_id}", headers=tenant.headers
            )
        ).json()
        return str(body["customer_id"])

    verified = Visitor(server, channel["public_key"])
    session = await verified.start(email="ada@example.com", user_hash=signed("ada@example.com"))
    assert session["verified"] is True
    assert await customer_of(verified) == ada

    forged = Visitor(server, channel["public_key"])
    session = await forged.start(email="ada@example.com", user_hash=signed("x", "wrong-secret"))
    assert session["verified"] is False
    unsigned = Visitor(server, channel["public_key"])
    assert (await unsigned.start(email="ada@example.com"))["verified"] is False
    assert await customer_of(forged) != ada
    assert await customer_of(unsigned) not in (ada, await customer_of(forged))

    # A signed user id: the same user gets the same visitor (and history) in any browser; an
    # email beside it was not signed and links nothing.
    laptop, phone = Visitor(server, channel["public_key"]), Visitor(server, channel["public_key"])
    await laptop.start(user_id="u-42", email="ada@example.com", user_hash=signed("u-42"))
    await phone.start(user_id="u-42", user_hash=signed("u-42"))
    assert laptop.token == phone.token
    assert await customer_of(laptop) != ada
    impostor = Visitor(server, channel["public_key"])
    await impostor.start(user_id="u-42", user_hash=signed("u-43"))
    assert impostor.token != laptop.token
    # Signed out on the same browser: the stored token of the signed-in user is not resumed.
    signed_out = Visitor(server, channel["public_key"])
    signed_out.token = laptop.token
    session = await signed_out.start()
    assert (session["verified"], session["messages"]) == (False, [])
    assert signed_out.token != laptop.token


async def test_attachments_respect_size_and_type_limits(
    server: Server, tenant: Tenant, database: Database
) -> None:
    channel = await webchat_channel(
        server,
        tenant,
        {"max_attachment_bytes": 1000, "allowed_attachment_types": ["image/*", "application/pdf"]},
    )
    visitor = Visitor(server, channel["public_key"])
    await visitor.start()

    async def upload(name: str, content_type: str, data: bytes) -> httpx.Response:
        return await visitor.call(
            "POST",
            "/attachments",
            data={"client_id": uuid.uuid4().hex},
            files={"file": (name, data, content_type)},
            headers={"Origin": "https://shop.example.com"},
        )

    too_big = await upload("big.png", "image/png", b"x" * 1001)
    assert too_big.status_code == 413
    # The error carries CORS headers, so the widget can read why.
    assert too_big.headers["access-control-allow-origin"] == "https://shop.example.com"
    assert (await upload("run.exe", "application/x-msdownload", b"MZ")).status_code == 415
    assert await stored_messages(database) == []

    good = await upload("photo.png", "image/png", b"\x89PNG small")
    assert good.status_code == 201, good.text
    attachment = good.json()["message"]["attachments"][0]
    assert (attachment["filename"], attachment["size"]) == ("photo.png", 10)
    download = await visitor.call("GET", f"/attachments/{attachment['id']}")
    assert download.content == b"\x89PNG small"
    stranger = Visitor(server, channel["public_key"])
    await stranger.start()
    assert (await stranger.call("GET", f"/attachments/{attachment['id']}")).status_code == 404


async def test_talk_to_a_person_and_rate_the_resolved_conversation(
    server: Server, tenant: Tenant, database: Database
) -> None:
    channel = await webchat_channel(server, tenant)
    visitor = Visitor(server, channel["public_key"])
    await visitor.start()
    assert (await visitor.call("POST", "/handoff")).status_code == 409  # nothing to hand yet
    conversation_id = (await visitor.send("I want a refund")).json()["conversation"]["id"]
    agent_url = f"/api/v1/conversations/{conversation_id}"
    assert (await server.http.get(agent_url, headers=tenant.headers)).json()["handled_by"] == "bot"

    async with visitor.socket() as websocket:
        handed = await visitor.call("POST", "/handoff")
        assert handed.status_code == 200
        assert handed.json()["message"]["kind"] == "handoff"
        notice = await until(websocket, "message.created")
        assert (notice["data"]["from"], notice["data"]["kind"]) == ("system", "handoff")
        agent_view = (await server.http.get(agent_url, headers=tenant.headers)).json()
        assert agent_view["handled_by"] == "human"
        tickets = (await server.http.get("/api/v1/tickets", headers=tenant.headers)).json()
        [ticket] = tickets["items"]
        assert ticket["conversation_ids"] == [conversation_id]
        assert ticket["source"] == "handoff"

        early = await visitor.call("POST", "/rating", json={"score": 5})
        assert early.status_code == 409
        await server.http.post(
            f"{agent_url}/status", headers=tenant.headers, json={"status": "resolved"}
        )
        resolved = await until(websocket, "conversation.updated")
        while resolved["data"]["status"] != "resolved":
            resolved = await until(websocket, "conversation.updated")
        assert set(resolved["data"]) == {"id", "status", "handled_by", "resolved_at"}

    rated = await visitor.call("POST", "/rating", json={"score": 4, "comment": "quick"})
    assert rated.status_code == 201, rated.text
    assert (await visitor.call("POST", "/rating", json={"score": 1})).status_code == 409
    assert (await visitor.call("POST", "/rating", json={"score": 9})).status_code == 422
    rating = [m for m in await stored_messages(database) if (m.raw or {}).get("kind") == "rating"]
    assert len(rating) == 1
    assert rating[0].raw is not None
    assert (rating[0].raw["score"], rating[0].raw["comment"]) == (4, "quick")
    assert rating[0].sender_type == "system"
    agent_messages = (
        await server.http.get(f"{agent_url}/messages", headers=tenant.headers)
    ).json()["items"]
    assert [m["sender_type"] for m in agent_messages] == ["customer", "system", "system"]


async def test_wrong_keys_tokens_and_origins_are_refused(
    server: Server, tenant: Tenant, database: Database
) -> None:
    channel = await webchat_channel(
        server, tenant, {"allowed_origins": ["https://shop.example.com"]}
    )
    api_channel = (
        await server.http.post(
            "/api/v1/channels", headers=tenant.headers, json={"type": "api", "name": "api"}
        )
    ).json()
    for key in ("no-such-key", api_channel["public_key"]):
        response = await server.http.get("/widget/api/config", params={"key": key})
        assert response.status_code == 404
    visitor = Visitor(server, channel["public_key"])
    await visitor.start()
    bad_token = await server.http.post(
        "/widget/api/messages",
        params={"key": channel["public_key"], "visitor": "short"},
        json={"client_id": "x", "text": "hi"},
    )
    assert bad_token.status_code == 401
    assert (await visitor.call("POST", "/messages", content=b"{nope")).status_code == 400

    allowed = await visitor.call("GET", "/messages", headers={"Origin": "https://shop.example.com"})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://shop.example.com"
    elsewhere = await visitor.call("GET", "/messages", headers={"Origin": "https://evil.example"})
    assert elsewhere.status_code == 403
    preflight = await server.http.options(
        "/widget/api/messages",
        headers={
            "Origin": "https://shop.example.com",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 204
    assert "POST" in preflight.headers["access-control-allow-methods"]

    for url, headers in (
        (f"ws://{server.address}/widget/ws?key=nope&visitor={visitor.token}", {}),
        (f"ws://{server.address}/widget/ws?key={channel['public_key']}&visitor=bad", {}),
        (
            f"ws://{server.address}/widget/ws?key={channel['public_key']}&visitor={visitor.token}",
            {"Origin": "https://evil.example"},
        ),
    ):
        async with connect(url, additional_headers=headers) as websocket:
            with pytest.raises(ConnectionClosed) as closed:
                await next_message(websocket)
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 1008
    assert await stored_messages(database) == []


async def test_the_platform_hook_takes_the_same_message_format(
    server: Server, tenant: Tenant, database: Database
) -> None:
    channel = await webchat_channel(server, tenant)
    visitor = Visitor(server, channel["public_key"])
    await visitor.start()
    url = f"/hooks/{channel['public_key']}"
    body = {"client_id": "h-1", "text": "via hook"}
    assert (await server.http.post(url, json=body)).status_code == 401  # no visitor token
    for _ in range(2):
        response = await server.http.post(url, params={"visitor": visitor.token}, json=body)
        assert response.status_code == 200
    assert [m.text for m in await stored_messages(database)] == ["via hook"]


async def test_the_script_is_served_and_the_demo_page_embeds_the_demo_channel(
    server: Server, database: Database
) -> None:
    script = await server.http.get("/widget.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert (await server.http.get("/demo/widget")).status_code == 404  # no demo loaded yet
    for _ in range(2):  # idempotent
        async with database.transaction() as session:
            await load_demo(session, admin_password="demo password 123")
    async with database.transaction() as session:
        channels = list(await session.scalars(select(Channel).where(Channel.type == "webchat")))
        assert await session.scalar(select(func.count()).select_from(Channel)) == 1
    page = await server.http.get("/demo/widget", params={"lang": "zh"})
    assert page.status_code == 200
    assert f'data-key="{channels[0].public_key}"' in page.text
    assert 'data-lang="zh"' in page.text
    config = await server.http.get("/widget/api/config", params={"key": channels[0].public_key})
    assert config.status_code == 200


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_widget_js_is_valid_javascript() -> None:
    result = subprocess.run(
        ["node", "--check", str(WIDGET_JS)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
