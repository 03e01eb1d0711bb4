"""Shared steps of the email channel tests: fixtures on disk, a channel, counts, SMTP client."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path
from typing import Any

import aiosmtplib
import httpx
from sqlalchemy import func, select

from deskpilot.kit.db import Database
from deskpilot.models import Conversation, Message
from tests.channels.helpers import create_channel
from tests.factories import Tenant

PAYLOADS = Path(__file__).parent / "payloads" / "email"
INBOUND = "support@acme.test"


def eml(name: str) -> bytes:
    return (PAYLOADS / name).read_bytes()


def mail(
    message_id: str,
    text: str = "Hello, where is my parcel?",
    *,
    sender: str = "Ada Lovelace <ada@example.com>",
    subject: str = "Where is my parcel?",
    in_reply_to: str | None = None,
    attachment: bytes | None = None,
) -> bytes:
    """A plain message as a mail client would send it."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = INBOUND
    message["Subject"] = subject
    message["Message-ID"] = f"<{message_id}>"
    message["Date"] = "Mon, 03 Jun 2024 10:00:00 +0000"
    if in_reply_to:
        message["In-Reply-To"] = f"<{in_reply_to}>"
        message["References"] = f"<{in_reply_to}>"
    message.set_content(text)
    if attachment is not None:
        message.add_attachment(
            attachment, maintype="application", subtype="octet-stream", filename="big.bin"
        )
    return message.as_bytes()


async def email_channel(
    client: httpx.AsyncClient,
    tenant: Tenant,
    *,
    inbound: str | None = INBOUND,
    secrets: dict[str, str] | None = None,
    **config: Any,
) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "from_address": INBOUND,
        "from_name": "Acme Support",
        "smtp_tls": "none",
        **config,
    }
    if inbound is not None:
        settings["inbound_address"] = inbound
    return await create_channel(client, tenant, "email", config=settings, secrets=secrets or {})


async def counts(database: Database) -> tuple[int, int]:
    """(messages, conversations) stored, across every workspace."""
    async with database.transaction() as session:
        messages = await session.scalar(select(func.count()).select_from(Message))
        conversations = await session.scalar(select(func.count()).select_from(Conversation))
    return int(messages or 0), int(conversations or 0)


async def smtp_deliver(
    port: int, raw: bytes, rcpt: str = INBOUND, mail_from: str = "ada@example.com"
) -> tuple[int, str]:
    """Send ``raw`` to the listener; the code and text of the answer that ended it."""
    client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False, timeout=10)
    await client.connect()
    try:
        await client.mail(mail_from)
        await client.rcpt(rcpt)
        response = await client.data(raw)
        return response.code, response.message
    except aiosmtplib.SMTPResponseException as exc:
        return exc.code, exc.message
    finally:
        await client.quit()


async def messages_of(
    client: httpx.AsyncClient, tenant: Tenant, conversation_id: str
) -> list[dict[str, Any]]:
    response = await client.get(
        f"/api/v1/conversations/{conversation_id}/messages", headers=tenant.headers
    )
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def conversations_of(client: httpx.AsyncClient, tenant: Tenant) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = (
        await client.get("/api/v1/conversations", headers=tenant.headers)
    ).json()["items"]
    return items
