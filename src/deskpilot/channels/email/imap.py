"""IMAP polling (``aioimaplib``): unseen mail of one channel's mailbox into intake.

Each message is stored in its own transaction, then flagged ``\\Seen``. A crash between the two
only means the message is fetched again on the next poll, where its Message-ID makes the
second delivery a no-op. A message that cannot be parsed, or automatic mail, is flagged
``\\Seen`` without being stored (and logged); a message whose storing failed stays unseen and
is tried again next time. An attachment over the size limit is left out of the stored message,
which says so in its text.
"""

from __future__ import annotations

import logging
import re
import ssl
from dataclasses import dataclass

import aioimaplib

from deskpilot.channels.email.adapter import EmailChannel
from deskpilot.channels.email.parsing import MalformedEmail, parse_email
from deskpilot.channels.email.receiving import store
from deskpilot.channels.email.settings import EmailConfig
from deskpilot.channels.service import open_secrets
from deskpilot.kit.deps import Resources
from deskpilot.models import Channel

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 30.0
MAX_MESSAGES_PER_POLL = 200
_UID = re.compile(rb"^\d+$")


class ImapError(Exception):
    """The server refused a command or the connection failed."""


@dataclass(slots=True)
class PollReport:
    stored: int = 0
    duplicates: int = 0
    dropped: int = 0  # automatic or unparseable mail, marked seen
    failed: int = 0  # left unseen for the next poll


def _check(response: aioimaplib.Response, what: str) -> aioimaplib.Response:
    if response.result != "OK":
        raise ImapError(f"IMAP {what} failed: {response.result} {response.lines[-1:]!r}")
    return response


def _uids(response: aioimaplib.Response) -> list[str]:
    found: list[str] = []
    for line in response.lines[:-1]:  # the last line is the tagged status text
        if isinstance(line, bytes | bytearray):
            found.extend(token.decode() for token in bytes(line).split() if _UID.match(token))
    return found


def _literal(response: aioimaplib.Response) -> bytes | None:
    for line in response.lines:
        if isinstance(line, bytearray):
            return bytes(line)
    return None


async def _connect(config: EmailConfig) -> aioimaplib.IMAP4:
    assert config.imap_host is not None
    if config.imap_tls == "ssl":
        return aioimaplib.IMAP4_SSL(
            config.imap_host,
            config.imap_port,
            timeout=TIMEOUT_SECONDS,
            ssl_context=ssl.create_default_context(),
        )
    return aioimaplib.IMAP4(config.imap_host, config.imap_port, timeout=TIMEOUT_SECONDS)


async def poll_channel(resources: Resources, channel: Channel) -> PollReport:
    """Fetch the channel's unseen mail and store it; raise ImapError or OSError when the
    mailbox cannot be reached."""
    config = EmailConfig.model_validate(channel.config)
    secrets = open_secrets(resources.secret_box, channel)
    report = PollReport()
    if not config.imap_host:
        return report
    client = await _connect(config)
    try:
        await client.wait_hello_from_server()
        _check(
            await client.login(
                secrets.get("imap_username") or "", secrets.get("imap_password") or ""
            ),
            "LOGIN",
        )
        _check(await client.select(config.imap_mailbox), "SELECT")
        unseen = _uids(_check(await client.uid_search("UNSEEN", charset=None), "SEARCH"))
        for uid in unseen[:MAX_MESSAGES_PER_POLL]:
            await _take(resources, channel, client, uid, report)
        await client.logout()
    except TimeoutError as exc:
        raise ImapError("the IMAP server did not answer in time") from exc
    except aioimaplib.AioImapException as exc:
        raise ImapError(f"IMAP protocol error: {exc}") from exc
    finally:
        transport = client.protocol.transport
        if transport is not None:
            transport.close()
    return report


async def _take(
    resources: Resources,
    channel: Channel,
    client: aioimaplib.IMAP4,
    uid: str,
    report: PollReport,
) -> None:
    raw = _literal(_check(await client.uid("fetch", uid, "(RFC822)"), "FETCH"))
    if raw is None:
        report.failed += 1
        return
    try:
        parsed = parse_email(raw, max_attachment_bytes=EmailChannel.max_attachment_bytes)
    except MalformedEmail as exc:
        log.warning("IMAP message skipped: %s", exc, extra={"channel_id": channel.id, "uid": uid})
        report.dropped += 1
    else:
        try:
            async with resources.database.transaction() as session:
                stored = await store(session, resources, channel, parsed)
        except Exception:
            log.exception(
                "IMAP message could not be stored", extra={"channel_id": channel.id, "uid": uid}
            )
            report.failed += 1
            return  # stays unseen: tried again on the next poll
        if stored is None:
            report.dropped += 1
        elif stored.created:
            report.stored += 1
        else:
            report.duplicates += 1
    _check(await client.uid("store", uid, "+FLAGS", "(\\Seen)"), "STORE")
