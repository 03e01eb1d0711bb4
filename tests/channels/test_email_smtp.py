"""The email channel's built-in SMTP listener, and replies through a stand-in relay."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from deskpilot.channels.email import receiving
from deskpilot.channels.email.listener import smtp_listener
from deskpilot.config import Settings
from deskpilot.kit.db import Database
from deskpilot.kit.deps import Resources
from tests.channels.email_helpers import (
    conversations_of,
    counts,
    email_channel,
    eml,
    mail,
    messages_of,
    smtp_deliver,
)
from tests.channels.helpers import drain, worker_for
from tests.factories import Tenant
from tests.support.smtp_relay import RelayStandIn, serve_relay


@pytest.fixture
async def listener(settings: Settings, resources: Resources) -> AsyncIterator[int]:
    enabled = settings.model_copy(update={"smtp_listen_port": 0})
    async with smtp_listener(enabled, resources) as server:
        assert server is not None
        yield int(server.sockets[0].getsockname()[1])


@pytest.fixture
async def relay() -> AsyncIterator[tuple[RelayStandIn, int]]:
    stand_in = RelayStandIn()
    async with serve_relay(stand_in) as port:
        yield stand_in, port


async def test_the_listener_is_off_unless_a_port_is_set(
    settings: Settings, resources: Resources
) -> None:
    async with smtp_listener(settings, resources) as server:
        assert server is None


async def test_a_good_message_is_stored_cleaned_and_a_duplicate_changes_nothing(
    client: httpx.AsyncClient, tenant: Tenant, database: Database, listener: int
) -> None:
    await email_channel(client, tenant)
    assert (await smtp_deliver(listener, eml("plain_reply.eml")))[0] == 250
    assert (await smtp_deliver(listener, eml("plain_reply.eml")))[0] == 250
    assert await counts(database) == (1, 1)
    [conversation] = await conversations_of(client, tenant)
    assert conversation["subject"] == "Re: Your order #1042 has shipped"
    [message] = await messages_of(client, tenant, conversation["id"])
    assert message["text"] == (
        "Hi,\n\nThe parcel arrived this morning but the blue mug is broken \u2014 the handle "
        "came off in the box. Could you send a replacement?\n\nThanks,\nAda"
    )
    assert message["external_id"] == "CAH9x7wPq2Lk0uB3=reply-1042@mail.gmail.com"


async def test_unknown_recipients_get_550_and_other_workspaces_get_nothing(
    client: httpx.AsyncClient,
    tenant: Tenant,
    other_tenant: Tenant,
    database: Database,
    listener: int,
) -> None:
    await email_channel(client, tenant)
    await email_channel(client, other_tenant, inbound="help@globex.test")
    code, _ = await smtp_deliver(listener, mail("m-1@example.com"), rcpt="nobody@acme.test")
    assert code == 550
    assert (await smtp_deliver(listener, mail("m-2@example.com"), rcpt="SUPPORT@acme.test"))[
        0
    ] == 250
    assert len(await conversations_of(client, tenant)) == 1
    assert await conversations_of(client, other_tenant) == []


async def test_a_message_that_is_not_mail_is_refused_and_nothing_is_stored(
    client: httpx.AsyncClient, tenant: Tenant, database: Database, listener: int
) -> None:
    await email_channel(client, tenant)
    code, text = await smtp_deliver(listener, b"just some words, no headers at all\r\n")
    assert code == 554, text
    no_sender = b"Subject: hello\r\nMessage-ID: <x@y>\r\n\r\nWho am I?\r\n"
    assert (await smtp_deliver(listener, no_sender))[0] == 554
    assert await counts(database) == (0, 0)


async def test_an_oversize_attachment_is_552_and_nothing_is_stored(
    client: httpx.AsyncClient, tenant: Tenant, database: Database, listener: int
) -> None:
    await email_channel(client, tenant)
    big = mail("big@example.com", attachment=b"x" * (10 * 1024 * 1024 + 1))
    code, text = await smtp_deliver(listener, big)
    assert code == 552, text
    assert await counts(database) == (0, 0)


@pytest.mark.parametrize(
    ("fixture", "mail_from"), [("out_of_office.eml", "ada@example.com"), ("bounce.eml", "")]
)
async def test_automatic_mail_is_accepted_and_dropped(
    client: httpx.AsyncClient,
    tenant: Tenant,
    database: Database,
    listener: int,
    fixture: str,
    mail_from: str,
) -> None:
    await email_channel(client, tenant)
    assert (await smtp_deliver(listener, eml(fixture), mail_from=mail_from))[0] == 250
    assert await counts(database) == (0, 0)


async def test_a_storage_failure_is_451_so_the_sender_retries(
    client: httpx.AsyncClient,
    tenant: Tenant,
    database: Database,
    listener: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await email_channel(client, tenant)
    real_receive = receiving.receive  # type: ignore[attr-defined]

    async def failing(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(receiving, "receive", failing)
    assert (await smtp_deliver(listener, eml("with_attachment.eml")))[0] == 451
    assert await counts(database) == (0, 0)
    monkeypatch.setattr(receiving, "receive", real_receive)
    assert (await smtp_deliver(listener, eml("with_attachment.eml")))[0] == 250
    [conversation] = await conversations_of(client, tenant)
    [message] = await messages_of(client, tenant, conversation["id"])
    assert [a["filename"] for a in message["attachments"]] == ["receipt-1077.pdf"]
    assert "Sent from my iPhone" not in message["text"]


async def test_a_reply_goes_out_threaded_and_answers_thread_back(
    client: httpx.AsyncClient,
    tenant: Tenant,
    database: Database,
    resources: Resources,
    listener: int,
    relay: tuple[RelayStandIn, int],
) -> None:
    stand_in, port = relay
    await email_channel(client, tenant, smtp_host="127.0.0.1", smtp_port=port)
    await smtp_deliver(listener, eml("plain_reply.eml"))
    [conversation] = await conversations_of(client, tenant)
    reply = await client.post(
        f"/api/v1/conversations/{conversation['id']}/messages",
        headers=tenant.headers,
        json={"text": "Sorry about the mug! A new one ships today."},
    )
    assert reply.status_code == 201
    await drain(worker_for(resources))

    [sent] = stand_in.received
    assert sent.rcpt_tos == ["ada@example.com"]
    assert sent.message["From"] == "Acme Support <support@acme.test>"
    assert sent.message["In-Reply-To"] == "<CAH9x7wPq2Lk0uB3=reply-1042@mail.gmail.com>"
    subject = str(sent.message["Subject"])
    assert subject.startswith("Re: Your order #1042 has shipped [DP-")
    assert sent.message.get_content().strip() == "Sorry about the mug! A new one ships today."
    stored = (await messages_of(client, tenant, conversation["id"]))[-1]
    our_id = str(sent.message["Message-ID"]).strip("<>")
    assert (stored["delivery_status"], stored["external_id"]) == ("sent", our_id)

    # The customer answers our reply: found by In-Reply-To...
    answer = mail("answer-1@example.com", "Thanks!", subject=f"Re: {subject}", in_reply_to=our_id)
    assert (await smtp_deliver(listener, answer))[0] == 250
    # ...and by the subject token alone, when a client drops the headers.
    token_only = mail("answer-2@example.com", "One more thing", subject=f"RE: {subject}")
    assert (await smtp_deliver(listener, token_only))[0] == 250
    # A new mail with a new subject is a new conversation.
    assert (await smtp_deliver(listener, mail("new-1@example.com")))[0] == 250
    conversations = await conversations_of(client, tenant)
    assert len(conversations) == 2
    texts = [m["text"] for m in await messages_of(client, tenant, conversation["id"])]
    assert texts[-2:] == ["Thanks!", "One more thing"]


@pytest.mark.parametrize(
    ("answer", "attempts", "reason"),
    [
        ("550 5.1.1 <ada@example.com>: Recipient address rejected", 1, "550"),
        ("451 4.3.0 Try again later", 3, "451"),
    ],
)
async def test_a_refused_reply_is_shown_failed_after_its_retries(
    client: httpx.AsyncClient,
    tenant: Tenant,
    resources: Resources,
    listener: int,
    relay: tuple[RelayStandIn, int],
    answer: str,
    attempts: int,
    reason: str,
) -> None:
    stand_in, port = relay
    stand_in.refuse_with = answer
    await email_channel(client, tenant, smtp_host="127.0.0.1", smtp_port=port)
    await smtp_deliver(listener, eml("html_only.eml"))
    [conversation] = await conversations_of(client, tenant)
    await client.post(
        f"/api/v1/conversations/{conversation['id']}/messages",
        headers=tenant.headers,
        json={"text": "Refund on its way."},
    )
    await drain(worker_for(resources, max_attempts=3))
    assert stand_in.attempts == attempts  # 5xx is final at once, 4xx is retried
    last = (await messages_of(client, tenant, conversation["id"]))[-1]
    assert last["delivery_status"] == "failed"
    assert reason in last["delivery_error"]


async def test_a_reply_without_a_relay_fails_at_once(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources, listener: int
) -> None:
    await email_channel(client, tenant)
    await smtp_deliver(listener, eml("plain_reply.eml"))
    [conversation] = await conversations_of(client, tenant)
    await client.post(
        f"/api/v1/conversations/{conversation['id']}/messages",
        headers=tenant.headers,
        json={"text": "Hello"},
    )
    await drain(worker_for(resources))
    last = (await messages_of(client, tenant, conversation["id"]))[-1]
    assert (last["delivery_status"], last["delivery_error"]) == (
        "failed",
        "no SMTP relay is configured (smtp_host)",
    )
