"""Replies by SMTP (``aiosmtplib``): threaded by In-Reply-To / References and the subject token.

A 5xx answer from the relay is permanent (the message is shown failed at once); 4xx answers,
timeouts and connection errors are retried by the outbox.
"""

from __future__ import annotations

from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid

import aiosmtplib

from deskpilot.channels.base import DeliveryError, OutboundMessage
from deskpilot.channels.email.settings import EmailConfig
from deskpilot.channels.email.threads import KEY_PREFIX, reply_subject, token_for
from deskpilot.kit.clock import utcnow


def outbound_token(message: OutboundMessage) -> str:
    """The thread key when the conversation came by email, else one made from its id."""
    if message.thread_key and message.thread_key.startswith(KEY_PREFIX):
        return message.thread_key
    return token_for(message.conversation_id)


def build_reply(config: EmailConfig, message: OutboundMessage) -> EmailMessage:
    mail = EmailMessage()
    domain = str(config.from_address).rpartition("@")[2]
    mail["Message-ID"] = make_msgid(idstring=message.message_id, domain=domain)
    mail["From"] = formataddr((config.from_name or "", str(config.from_address)))
    mail["To"] = message.recipient
    mail["Subject"] = reply_subject(message.subject, outbound_token(message))
    mail["Date"] = format_datetime(utcnow())
    if message.reply_to_external_id:
        mail["In-Reply-To"] = f"<{message.reply_to_external_id}>"
        mail["References"] = f"<{message.reply_to_external_id}>"
    # Ask Exchange and friends not to answer with out-of-office notices (no loops).
    mail["X-Auto-Response-Suppress"] = "All"
    mail.set_content(message.text)
    for attachment in message.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        mail.add_attachment(
            attachment.data,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=attachment.filename,
        )
    return mail


def external_id_of(mail: EmailMessage) -> str:
    return str(mail["Message-ID"]).strip().strip("<>")


async def send_reply(
    config: EmailConfig, secrets: Mapping[str, str], message: OutboundMessage
) -> str:
    """Hand the reply to the relay; return its Message-ID (without angle brackets)."""
    if not config.smtp_host:
        raise DeliveryError("no SMTP relay is configured (smtp_host)", permanent=True)
    mail = build_reply(config, message)
    try:
        await aiosmtplib.send(
            mail,
            hostname=config.smtp_host,
            port=config.smtp_port,
            username=secrets.get("smtp_username") or None,
            password=secrets.get("smtp_password") or None,
            use_tls=config.smtp_tls == "ssl",
            start_tls=config.smtp_tls == "starttls",
            timeout=config.smtp_timeout_seconds,
        )
    except aiosmtplib.SMTPRecipientsRefused as exc:
        codes = [refused.code for refused in exc.recipients]
        permanent = all(code >= 500 for code in codes)
        detail = "; ".join(f"{r.code} {r.message}" for r in exc.recipients)
        raise DeliveryError(
            f"the relay refused the recipient: {detail}", permanent=permanent
        ) from exc
    except aiosmtplib.SMTPResponseException as exc:
        raise DeliveryError(
            f"the relay answered {exc.code} {exc.message}", permanent=exc.code >= 500
        ) from exc
    except (aiosmtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"the relay is unreachable: {type(exc).__name__}") from exc
    return external_id_of(mail)
