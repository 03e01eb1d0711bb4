"""An SMTP server on loopback (``aiosmtpd``) standing in for the relay replies go through."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass
class RelayedMail:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class RelayStandIn:
    """Records what it accepts; ``refuse_with`` (``"550 5.1.1 ..."``) makes DATA fail."""

    received: list[RelayedMail] = field(default_factory=list)
    refuse_with: str | None = None
    attempts: int = 0

    async def handle_DATA(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        self.attempts += 1
        if self.refuse_with is not None:
            return self.refuse_with
        content = envelope.original_content or b""
        message = BytesParser(policy=policy.default).parsebytes(content)
        assert isinstance(message, EmailMessage)
        self.received.append(
            RelayedMail(envelope.mail_from or "", list(envelope.rcpt_tos), message)
        )
        return "250 2.0.0 Ok: queued"


@asynccontextmanager
async def serve_relay(relay: RelayStandIn) -> AsyncIterator[int]:
    """Serve ``relay`` on a loopback port while the block runs; yield the port."""
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(relay, hostname="relay.test"), "127.0.0.1", 0)
    try:
        yield int(server.sockets[0].getsockname()[1])
    finally:
        server.close()
        await server.wait_closed()
