"""SMS through Twilio end to end, against a loopback server speaking Twilio's REST API."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx
import pytest
from fastapi import FastAPI, Request, Response
from sqlalchemy import select

from deskpilot.channels.twilio.adapter import signature
from deskpilot.kit.db import Database
from deskpilot.kit.deps import Resources
from deskpilot.models import CustomerIdentity
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

PAYLOADS = Path(__file__).parent / "payloads" / "twilio"
ACCOUNT = "ACa1b2c3d4e5f60718293a4b5c6d7e8f90"
AUTH_TOKEN = "f0e1d2c3b4a5968778695a4b3c2d1e0f"
OUR_NUMBER = "+14155550100"
CUSTOMER = "+14155550123"
LABEL = b"\xff\xd8\xff\xe0 shipping label"
LIMIT = 10 * 1024 * 1024
MEDIA_PATH = (
    f"/2010-04-01/Accounts/{ACCOUNT}/Messages/MM8c2d1f4b9e7a4c3d8b6a2e1f0d9c8b7a"
    "/Media/ME3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c"
)


def payload(name: str) -> dict[str, str]:
    loaded: dict[str, str] = json.loads((PAYLOADS / f"{name}.json").read_text())
    return loaded


def basic(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    return base64.b64decode(header[6:]).decode() if header.startswith("Basic ") else None


class TwilioApi:
    """A stand-in for api.twilio.com: media (behind basic auth, via a redirect) and Messages."""

    def __init__(self) -> None:
        self.media = LABEL
        self.media_auth: list[str | None] = []
        self.sent: list[tuple[str | None, dict[str, str]]] = []
        self.send_error: tuple[int, str] | None = None
        self.app = FastAPI()

        @self.app.get(MEDIA_PATH)
        async def media(request: Request) -> Response:
            self.media_auth.append(basic(request))
            if basic(request) != f"{ACCOUNT}:{AUTH_TOKEN}":
                return Response(status_code=401)
            return Response(status_code=307, headers={"Location": "/cdn/label"})

        @self.app.get("/cdn/label")
        async def cdn() -> Response:
            return Response(self.media, media_type="image/jpeg")

        @self.app.post("/2010-04-01/Accounts/{account}/Messages.json")
        async def messages(account: str, request: Request) -> Response:
            form = dict(parse_qsl((await request.body()).decode()))
            self.sent.append((basic(request), form))
            if account != ACCOUNT or basic(request) != f"{ACCOUNT}:{AUTH_TOKEN}":
                return Response(status_code=401)
            if self.send_error is not None:
                status, name = self.send_error
                return Response((PAYLOADS / f"{name}.json").read_bytes(), status)
            created: dict[str, Any] = json.loads((PAYLOADS / "message_created.json").read_text())
            created.update(body=form["Body"], to=form["To"], **{"from": form.get("From")})
            return Response(json.dumps(created), 201, media_type="application/json")


@pytest.fixture
async def twilio() -> AsyncIterator[tuple[TwilioApi, str]]:
    stand_in = TwilioApi()
    async with serve_app(stand_in.app) as address:
        yield stand_in, f"http://{address}"


async def sms_channel(
    client: httpx.AsyncClient, tenant: Tenant, api_base: str, **config: str
) -> dict[str, Any]:
    return await create_channel(
        client,
        tenant,
        "twilio",
        config={"account_sid": ACCOUNT, "from_number": OUR_NUMBER, "api_base": api_base, **config},
        secrets={"auth_token": AUTH_TOKEN},
    )


@pytest.fixture
async def hook(
    client: httpx.AsyncClient, tenant: Tenant, twilio: tuple[TwilioApi, str]
) -> dict[str, Any]:
    return await sms_channel(client, tenant, twilio[1])


async def deliver(
    client: httpx.AsyncClient,
    channel: dict[str, Any],
    form: dict[str, str],
    *,
    signed_url: str | None = None,
    token: str = AUTH_TOKEN,
    sign: bool = True,
) -> httpx.Response:
    """POST ``form`` as Twilio does, signed for ``signed_url`` (the URL we call, by default)."""
    url = f"https://testserver{channel['webhook_path']}"
    headers = {"content-type": "application/x-www-form-urlencoded"}
    if sign:
        headers["X-Twilio-Signature"] = signature(token, signed_url or url, list(form.items()))
    return await client.post(channel["webhook_path"], headers=headers, content=urlencode(form))


def test_the_signature_matches_twilios_published_examples() -> None:
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    params = [
        ("CallSid", "CA1234567890ABCDE"),
        ("Caller", "+14158675309"),
        ("Digits", "1234"),
        ("From", "+14158675309"),
        ("To", "+18005551212"),
    ]
    assert signature("12345", url, params) == "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    repeated = [("Sid", "CA123"), ("SidAccount", "AC123")] + [
        ("Digits", d) for d in ("5678", "1234", "1234")
    ]
    assert signature("12345", url, repeated) == "IK+Dwps556ElfBT0I3Rgjkr1wJU="


async def test_an_sms_is_stored_once_and_answered_with_empty_twiml(
    client: httpx.AsyncClient, hook: dict[str, Any], database: Database
) -> None:
    form = payload("inbound_sms")
    first = await deliver(client, hook, form)
    again = await deliver(client, hook, form)
    assert first.status_code == again.status_code == 200
    assert first.headers["content-type"].startswith("text/xml")
    assert first.content == (PAYLOADS / "empty_response.xml").read_bytes()
    [message] = await stored_messages(database)
    assert message.text == "Hi, can I change the delivery address for order 10482?"
    assert message.external_id == "SM5b1c0e3a8f6d4e2b9a7c1d0e3f5a6b7c"
    assert message.raw == form
    async with database.transaction() as session:
        identities = {
            (i.kind, i.value)
            for i in await session.scalars(
                select(CustomerIdentity).where(CustomerIdentity.customer_id == message.sender_id)
            )
        }
    assert ("phone", CUSTOMER) in identities


async def test_mms_media_is_downloaded_with_the_account_credentials(
    client: httpx.AsyncClient,
    hook: dict[str, Any],
    database: Database,
    resources: Resources,
    twilio: tuple[TwilioApi, str],
) -> None:
    stand_in, api_base = twilio
    form = {**payload("inbound_mms"), "MediaUrl0": api_base + MEDIA_PATH}
    assert (await deliver(client, hook, form)).status_code == 200
    [message] = await stored_messages(database)
    assert message.text == "Here is the label"
    [label] = message.attachments
    assert (label["filename"], label["content_type"]) == (
        "ME3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c.jpg",
        "image/jpeg",
    )
    assert resources.files.read(message.workspace_id, label["path"]) == LABEL
    assert stand_in.media_auth == [f"{ACCOUNT}:{AUTH_TOKEN}"]


async def test_a_status_callback_is_acknowledged_and_not_stored(
    client: httpx.AsyncClient, hook: dict[str, Any], database: Database
) -> None:
    response = await deliver(client, hook, payload("status_callback"))
    assert response.status_code == 200
    assert await message_count(database) == 0


async def test_a_bad_or_missing_signature_is_401_and_stores_nothing(
    client: httpx.AsyncClient, hook: dict[str, Any], database: Database
) -> None:
    form = payload("inbound_sms")
    assert (await deliver(client, hook, form, sign=False)).status_code == 401
    assert (await deliver(client, hook, form, token="another-token")).status_code == 401
    url = f"https://testserver{hook['webhook_path']}"
    forged = {**form, "Body": "Refund me twice"}
    headers = {
        "content-type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": signature(AUTH_TOKEN, url, list(form.items())),
    }
    tampered = await client.post(hook["webhook_path"], headers=headers, content=urlencode(forged))
    assert tampered.status_code == 401
    assert await message_count(database) == 0


async def test_behind_a_proxy_the_public_url_is_the_signed_one(
    client: httpx.AsyncClient,
    tenant: Tenant,
    database: Database,
    twilio: tuple[TwilioApi, str],
) -> None:
    channel = await sms_channel(
        client, tenant, twilio[1], public_base_url="https://help.example.com/support"
    )
    form = payload("inbound_sms")
    public = f"https://help.example.com/support{channel['webhook_path']}"
    assert (await deliver(client, channel, form)).status_code == 401
    assert (await deliver(client, channel, form, signed_url=public)).status_code == 200
    with_port = f"https://help.example.com:443/support{channel['webhook_path']}"
    again = {**form, "MessageSid": "SM00000000000000000000000000000001"}
    assert (await deliver(client, channel, again, signed_url=with_port)).status_code == 200
    assert await message_count(database) == 2


@pytest.mark.parametrize(
    "change",
    [
        {"MessageSid": "", "SmsSid": ""},
        {"From": ""},
        {"NumMedia": "many"},
        {"NumMedia": "1"},  # announced, but no MediaUrl0
    ],
)
async def test_a_malformed_message_is_400_and_stores_nothing(
    client: httpx.AsyncClient, hook: dict[str, Any], database: Database, change: dict[str, str]
) -> None:
    form = {**payload("inbound_sms"), **change}
    response = await deliver(client, hook, form)
    assert response.status_code == 400, response.text
    assert await message_count(database) == 0


async def test_a_body_that_is_not_a_form_is_400(
    client: httpx.AsyncClient, hook: dict[str, Any], database: Database
) -> None:
    headers = {"content-type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "x"}
    response = await client.post(hook["webhook_path"], headers=headers, content=b"\xff\xfe")
    assert response.status_code == 400
    assert await message_count(database) == 0


async def test_oversize_media_is_413_and_stores_nothing(
    client: httpx.AsyncClient,
    hook: dict[str, Any],
    database: Database,
    twilio: tuple[TwilioApi, str],
) -> None:
    stand_in, api_base = twilio
    stand_in.media = b"x" * (LIMIT + 1)
    form = {**payload("inbound_mms"), "MediaUrl0": api_base + MEDIA_PATH}
    assert (await deliver(client, hook, form)).status_code == 413
    assert await message_count(database) == 0


REPLY_TEXT = "Yes: reply with the new address."


async def test_a_reply_is_sent_through_the_messages_api(
    client: httpx.AsyncClient,
    tenant: Tenant,
    hook: dict[str, Any],
    database: Database,
    resources: Resources,
    twilio: tuple[TwilioApi, str],
) -> None:
    await deliver(client, hook, payload("inbound_sms"))
    [inbound] = await stored_messages(database)
    await reply(client, tenant, inbound.conversation_id, REPLY_TEXT)
    await drain(worker_for(resources))
    stand_in, _ = twilio
    assert stand_in.sent == [
        (
            f"{ACCOUNT}:{AUTH_TOKEN}",
            {"To": CUSTOMER, "Body": "Yes: reply with the new address.", "From": OUR_NUMBER},
        )
    ]
    outbound = (await stored_messages(database))[-1]
    assert (outbound.delivery_status, outbound.external_id) == (
        "sent",
        "SM0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c",
    )


@pytest.mark.parametrize(
    ("error", "calls", "reason"),
    [
        (
            (400, "invalid_to_number"),
            1,
            "Twilio answered 400: Invalid 'To' Phone Number: +1415555012 (code 21211)",
        ),
        ((503, "service_unavailable"), 3, "Twilio answered 503: Service Unavailable (code 20503)"),
    ],
)
async def test_a_refused_reply_is_failed_and_an_outage_is_retried_first(
    client: httpx.AsyncClient,
    tenant: Tenant,
    hook: dict[str, Any],
    database: Database,
    resources: Resources,
    twilio: tuple[TwilioApi, str],
    error: tuple[int, str],
    calls: int,
    reason: str,
) -> None:
    stand_in, _ = twilio
    stand_in.send_error = error
    await deliver(client, hook, payload("inbound_sms"))
    [inbound] = await stored_messages(database)
    await reply(client, tenant, inbound.conversation_id, REPLY_TEXT)
    await drain(worker_for(resources, max_attempts=3))
    assert len(stand_in.sent) == calls
    outbound = (await stored_messages(database))[-1]
    assert (outbound.delivery_status, outbound.delivery_error) == ("failed", reason)


async def test_a_sender_is_required_in_the_settings(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    refused = await client.post(
        "/api/v1/channels",
        headers=tenant.headers,
        json={
            "type": "twilio",
            "name": "sms",
            "config": {"account_sid": ACCOUNT},
            "secrets": {"auth_token": AUTH_TOKEN},
        },
    )
    assert refused.status_code == 422
    assert "from_number or messaging_service_sid" in refused.json()["error"]["message"]
