"""The built-in SMTP listener (``aiosmtpd``), run on the app's own event loop.

It takes mail for the ``inbound_address`` of active email channels and stores it before it
answers 250, so a sender that got 250 never loses the message. Answers:

- ``550`` at RCPT TO: no active email channel has that address;
- ``552``: an attachment is over the channel limit (or the whole message over the size limit);
- ``554``: the data cannot be read as a mail message (no headers, no From address);
- ``451``: storing failed (database down...): a temporary error, so the sender tries again;
- ``250``: stored, or automatic mail (auto-reply, bounce) that was dropped on purpose: answering
  an error would make the sending robot answer us with a bounce.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from aiosmtpd.smtp import SMTP, Envelope, Session

from deskpilot.channels.email.adapter import EmailChannel
from deskpilot.channels.email.parsing import MalformedEmail, parse_email
from deskpilot.channels.email.receiving import channels_for, store
from deskpilot.config import Settings
from deskpilot.kit.deps import Resources

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 40 * 1024 * 1024  # the SMTP SIZE limit: attachments are base64 (4/3)


class IntakeHandler:
    """aiosmtpd handler: RCPT TO checked against the channels, DATA stored in one transaction."""

    def __init__(self, resources: Resources) -> None:
        self.resources = resources

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        try:
            async with self.resources.database.transaction() as db:
                known = await channels_for(db, [address])
        except Exception:
            log.exception("SMTP recipient lookup failed")
            return "451 4.3.0 Temporary failure, try again later"
        if not known:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 OK"

    async def handle_DATA(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        raw = envelope.original_content or b""
        if isinstance(envelope.content, bytes) and not raw:
            raw = envelope.content
        try:
            parsed = parse_email(
                raw,
                max_attachment_bytes=EmailChannel.max_attachment_bytes,
                envelope_sender=envelope.mail_from,
            )
        except MalformedEmail as exc:
            log.info("SMTP message refused: %s", exc)
            return f"554 5.6.0 Message refused: {exc}"
        if parsed.automatic is not None:
            log.info(
                "automatic mail dropped",
                extra={"message_id": parsed.message_id, "reason": parsed.automatic, "via": "smtp"},
            )
            return "250 2.0.0 Accepted (automatic mail is not answered)"
        if parsed.oversize:
            names = ", ".join(a.filename for a in parsed.oversize)
            limit = EmailChannel.max_attachment_bytes
            return f"552 5.3.4 Attachment over {limit} bytes: {names}"
        try:
            async with self.resources.database.transaction() as db:
                for channel in await channels_for(db, envelope.rcpt_tos):
                    await store(db, self.resources, channel, parsed)
        except Exception:
            log.exception("SMTP message could not be stored")
            return "451 4.3.0 Temporary failure, try again later"
        return "250 2.0.0 Message accepted"


@asynccontextmanager
async def smtp_listener(
    settings: Settings, resources: Resources
) -> AsyncIterator[asyncio.Server | None]:
    """Listen on ``smtp_listen_host:smtp_listen_port`` while the block runs (port 0: any free
    port; read it from the yielded server). Yields None when the listener is disabled."""
    if settings.smtp_listen_port is None:
        yield None
        return
    loop = asyncio.get_running_loop()
    factory = partial(
        SMTP,
        IntakeHandler(resources),
        data_size_limit=MAX_MESSAGE_BYTES,
        enable_SMTPUTF8=True,
        hostname=socket.gethostname(),
        timeout=60,
    )
    server = await loop.create_server(factory, settings.smtp_listen_host, settings.smtp_listen_port)
    log.info(
        "SMTP listener started",
        extra={"address": [s.getsockname() for s in server.sockets]},
    )
    try:
        yield server
    finally:
        server.close()
        with contextlib.suppress(TimeoutError):  # an idle client must not hold up shutdown
            await asyncio.wait_for(server.wait_closed(), 5)
