"""Notification emails to members, through the relay ``DESKPILOT_SMTP_URL`` names.

``smtp://user:pass@host:port`` (STARTTLS with ``?starttls=1``), or ``smtps://`` for implicit
TLS. With no URL, email is off: the job logs that and leaves ``emailed_at`` empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from deskpilot.kit.errors import InvalidInput

TIMEOUT_SECONDS = 30.0


class EmailRefused(Exception):
    """The relay refused for good (5xx): retrying would not help."""


class EmailFailed(Exception):
    """The relay could not be reached or refused for now: worth retrying."""


@dataclass(frozen=True, slots=True)
class SmtpRelay:
    host: str
    port: int
    username: str | None
    password: str | None
    use_tls: bool
    start_tls: bool


def parse_smtp_url(url: str) -> SmtpRelay:
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise InvalidInput.field("smtp_url", "must look like smtp://user:pass@host:port")
    query = parse_qs(parts.query)
    return SmtpRelay(
        host=parts.hostname,
        port=parts.port or (465 if parts.scheme == "smtps" else 25),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        use_tls=parts.scheme == "smtps",
        start_tls=query.get("starttls", ["0"])[0] in ("1", "true", "yes"),
    )


def build_email(*, sender: str, to: str, subject: str, body: str, link: str | None) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = subject
    mail["Message-ID"] = make_msgid(domain="deskpilot.notifications")
    mail["Auto-Submitted"] = "auto-generated"  # no auto-replies back to DeskPilot
    mail.set_content(body + (f"\n\n{link}" if link else "") + "\n")
    return mail


async def send_email(relay: SmtpRelay, mail: EmailMessage) -> None:
    try:
        await aiosmtplib.send(
            mail,
            hostname=relay.host,
            port=relay.port,
            username=relay.username,
            password=relay.password,
            use_tls=relay.use_tls,
            start_tls=relay.start_tls,
            timeout=TIMEOUT_SECONDS,
        )
    except aiosmtplib.SMTPRecipientsRefused as exc:
        if all(r.code >= 500 for r in exc.recipients):
            raise EmailRefused(f"the relay refused the recipient: {exc}") from exc
        raise EmailFailed(f"the relay refused the recipient for now: {exc}") from exc
    except aiosmtplib.SMTPResponseException as exc:
        if exc.code >= 500:
            raise EmailRefused(f"the relay answered {exc.code} {exc.message}") from exc
        raise EmailFailed(f"the relay answered {exc.code} {exc.message}") from exc
    except (aiosmtplib.SMTPException, OSError) as exc:
        raise EmailFailed(f"the relay is unreachable: {type(exc).__name__}") from exc
