"""One RFC 822 message into what intake needs: sender, text, attachments, ids, thread.

Automatic mail (auto-replies, bulk mail, bounces, delivery reports) is recognised here and
never becomes an ``InboundMessage``: it must not open a conversation, and answering it could
start a loop between two robots.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from typing import Any

from deskpilot.channels.email.cleaning import html_to_text, strip_quoted
from deskpilot.channels.email.threads import message_ids, reply_chain, thread_key
from deskpilot.conversations.intake import InboundAttachment, InboundMessage
from deskpilot.customers.service import SenderHandle

log = logging.getLogger(__name__)

RAW_SOURCE_LIMIT = 256 * 1024  # the MIME source is kept in ``raw`` up to this size
_BULK_PRECEDENCE = frozenset({"bulk", "junk", "list"})
_AUTORESPONDER_HEADERS = ("x-autoreply", "x-autorespond", "x-autoresponder")


class MalformedEmail(ValueError):
    """The bytes are not a mail message DeskPilot can take (no headers, no sender address)."""


@dataclass(frozen=True, slots=True)
class OmittedAttachment:
    filename: str
    content_type: str
    size: int


@dataclass(frozen=True, slots=True)
class ParsedEmail:
    message_id: str
    automatic: str | None  # why the message is automatic mail; None for a person's mail
    sender: SenderHandle | None
    subject: str | None
    text: str  # cleaned: the new words only
    full_text: str  # the whole body as text
    attachments: list[InboundAttachment] = field(default_factory=list)
    oversize: list[OmittedAttachment] = field(default_factory=list)
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    sent_at: datetime | None = None
    raw: dict[str, Any] = field(default_factory=dict)

    def inbound(self) -> InboundMessage:
        """The message for intake; attachments left out for their size are noted in the text."""
        if self.sender is None:
            raise MalformedEmail("automatic mail has no inbound message")
        text = self.text
        if self.oversize:
            notes = "\n".join(
                f"[attachment {a.filename!r} ({a.size} bytes) was over the size limit "
                "and was not stored]"
                for a in self.oversize
            )
            text = f"{text}\n\n{notes}" if text else notes
        return InboundMessage(
            sender=self.sender,
            text=text,
            external_id=self.message_id,
            attachments=list(self.attachments),
            thread_key=thread_key(self.subject, self.message_id, self.in_reply_to, self.references),
            reply_to_external_ids=reply_chain(self.in_reply_to, self.references),
            subject=self.subject,
            sent_at=self.sent_at,
            raw=self.raw,
        )


def automatic_reason(message: Message, envelope_sender: str | None = None) -> str | None:
    """Why this is machine-sent mail that must be dropped, or None for a person's mail.

    RFC 3834 ``Auto-Submitted`` (anything but ``no``), ``Precedence: bulk|junk|list``,
    ``X-Autoreply`` / ``X-Autorespond``, and bounces: an empty return path (``<>``, in the
    envelope or the ``Return-Path`` header), a ``MAILER-DAEMON`` sender, a ``multipart/report``.
    """
    auto_submitted = str(message.get("auto-submitted", "")).split(";")[0].strip().lower()
    if auto_submitted and auto_submitted != "no":
        return f"Auto-Submitted: {auto_submitted}"
    precedence = str(message.get("precedence", "")).strip().lower()
    if precedence in _BULK_PRECEDENCE:
        return f"Precedence: {precedence}"
    for name in _AUTORESPONDER_HEADERS:
        if message.get(name) is not None:
            return f"{name} header"
    if envelope_sender is not None and envelope_sender.strip("<> ") == "":
        return "bounce: empty envelope sender"
    return_path = message.get("return-path")
    if return_path is not None and str(return_path).strip().strip("<>").strip() == "":
        return "bounce: Return-Path <>"
    sender = _sender_address(message)
    if sender is not None and sender.username.lower() == "mailer-daemon":
        return "bounce: MAILER-DAEMON"
    if message.get_content_type() == "multipart/report":
        report = message.get_param("report-type", header="content-type")
        return f"report: {report if isinstance(report, str) else 'unknown'}"
    return None


def _sender_address(message: Message) -> Address | None:
    header = message.get("from")
    try:
        addresses = getattr(header, "addresses", ()) if header is not None else ()
    except (IndexError, ValueError, TypeError):  # the header registry's parser on garbage
        return None
    for address in addresses:
        if address.username and address.domain:
            return address  # type: ignore[no-any-return]
    return None


def _decoded_text(part: Message) -> str:
    try:
        content = part.get_content()  # type: ignore[attr-defined]
    except (LookupError, UnicodeError, KeyError, AssertionError):  # unknown or lying charset
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    return content if isinstance(content, str) else ""


def _bodies(message: EmailMessage) -> tuple[Message | None, str, str | None]:
    """The body part, its text, and the original HTML when the text came from HTML."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return None, "", None
    content = _decoded_text(part)
    if part.get_content_type() == "text/html":
        return part, html_to_text(content), content
    return part, content, None


def _attachment_parts(message: Message, body: Message | None) -> list[Message]:
    """Every part that is a file: named parts, ``attachment`` parts, non-text parts, and
    forwarded messages (kept whole as ``.eml``; their insides are not walked)."""
    found: list[Message] = []

    def visit(part: Message) -> None:
        if part is body:
            return
        content_type = part.get_content_type()
        if content_type == "message/rfc822" and part is not message:
            found.append(part)
            return
        if part.is_multipart():
            for child in part.get_payload():
                if isinstance(child, Message):
                    visit(child)
            return
        named = part.get_filename() is not None
        disposition = part.get_content_disposition()
        if named or disposition == "attachment" or part.get_content_maintype() != "text":
            found.append(part)

    visit(message)
    return found


def _attachment_data(part: Message) -> bytes:
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        first = inner[0] if isinstance(inner, list) and inner else None
        return first.as_bytes() if isinstance(first, Message) else b""
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def _filename(part: Message, index: int) -> str:
    name = part.get_filename()
    if name:
        return str(name)
    if part.get_content_type() == "message/rfc822":
        return f"forwarded-{index}.eml"
    extension = mimetypes.guess_extension(part.get_content_type()) or ".bin"
    return f"attachment-{index}{extension}"


def _sent_at(message: Message) -> datetime | None:
    value = message.get("date")
    if value is None:
        return None
    try:
        return parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError):
        return None


def parse_email(
    raw: bytes, *, max_attachment_bytes: int, envelope_sender: str | None = None
) -> ParsedEmail:
    """Parse ``raw``; raise :class:`MalformedEmail` when it is not a mail message."""
    if not raw.strip():
        raise MalformedEmail("the message is empty")
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    if not message.keys():
        raise MalformedEmail("the message has no headers")
    own_ids = message_ids(str(message.get("message-id", "")))
    message_id = own_ids[0] if own_ids else _synthetic_id(raw)
    subject = str(message.get("subject", "")).strip() or None
    in_reply_to = message_ids(str(message.get("in-reply-to", "")))
    references = message_ids(str(message.get("references", "")))
    automatic = automatic_reason(message, envelope_sender)
    address = _sender_address(message)
    if automatic is None and address is None:
        raise MalformedEmail("the message has no From address")
    body, full_text, html = _bodies(message)
    attachments: list[InboundAttachment] = []
    oversize: list[OmittedAttachment] = []
    for index, part in enumerate(_attachment_parts(message, body), start=1):
        data = _attachment_data(part)
        filename, content_type = _filename(part, index), part.get_content_type()
        if len(data) > max_attachment_bytes:
            oversize.append(OmittedAttachment(filename, content_type, len(data)))
        else:
            attachments.append(InboundAttachment(filename, content_type, data))
    sender = None
    if address is not None and automatic is None:
        email = f"{address.username}@{address.domain}"
        sender = SenderHandle(email.lower(), address.display_name or None, email)
    raw_record: dict[str, Any] = {
        "message_id": message_id,
        "headers": [[name, str(value)] for name, value in message.items()],
        "text": full_text,
        "html": html,
        "source": raw.decode("utf-8", "replace") if len(raw) <= RAW_SOURCE_LIMIT else None,
        "omitted_attachments": [
            {"filename": a.filename, "content_type": a.content_type, "size": a.size}
            for a in oversize
        ],
    }
    return ParsedEmail(
        message_id=message_id,
        automatic=automatic,
        sender=sender,
        subject=subject,
        text=strip_quoted(full_text),
        full_text=full_text,
        attachments=attachments,
        oversize=oversize,
        in_reply_to=in_reply_to,
        references=references,
        sent_at=_sent_at(message),
        raw=raw_record,
    )


def _synthetic_id(raw: bytes) -> str:
    """A stable id for a message without Message-ID, so a repeated delivery still dedupes."""
    return f"sha256-{hashlib.sha256(raw).hexdigest()[:32]}@deskpilot.invalid"
