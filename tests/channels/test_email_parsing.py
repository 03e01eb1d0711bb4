"""Parsing and cleaning of recorded messages: no database, no network."""

# Chinese and Russian punctuation and letters below are the languages tested, not look-alikes.
# ruff: noqa: RUF001

from __future__ import annotations

import pytest

from deskpilot.channels.email.cleaning import html_to_text, strip_quoted
from deskpilot.channels.email.parsing import MalformedEmail, parse_email
from deskpilot.channels.email.threads import reply_subject, thread_key, token_in
from tests.channels.email_helpers import eml

LIMIT = 10 * 1024 * 1024


def test_a_plain_reply_keeps_the_new_words_and_the_whole_raw() -> None:
    parsed = parse_email(eml("plain_reply.eml"), max_attachment_bytes=LIMIT)
    assert parsed.automatic is None
    assert parsed.sender is not None
    assert (parsed.sender.external_id, parsed.sender.name) == ("ada@example.com", "Ada Lovelace")
    assert parsed.text.endswith("Thanks,\nAda")
    assert "Analytical Engines" in parsed.full_text
    assert "Your order #1042 has shipped and" in parsed.raw["text"]
    assert parsed.raw["source"].startswith("Return-Path:")
    inbound = parsed.inbound()
    assert inbound.external_id == "CAH9x7wPq2Lk0uB3=reply-1042@mail.gmail.com"
    assert inbound.reply_to_external_ids == ["order-1042-shipped@shop.acme.test"]
    assert inbound.subject == "Re: Your order #1042 has shipped"
    assert inbound.sent_at is not None
    assert inbound.sent_at.year == 2024


def test_an_html_only_mail_becomes_readable_text_without_the_outlook_history() -> None:
    parsed = parse_email(eml("html_only.eml"), max_attachment_bytes=LIMIT)
    assert parsed.text == (
        "Hello,\n\nMy card was charged twice for invoice 2024-0611:\n\n"
        "- 3 June, \u00a349.00\n- 3 June, \u00a349.00\n\n"
        "Please refund one of them. The invoice is in your billing portal "
        "(https://billing.acme.test/invoices/2024-0611).\n\nKind regards,\nGrace"
    )
    assert parsed.raw["html"].startswith("<html")


def test_an_attachment_is_kept_and_the_mobile_footer_dropped() -> None:
    parsed = parse_email(eml("with_attachment.eml"), max_attachment_bytes=LIMIT)
    [attachment] = parsed.attachments
    assert (attachment.filename, attachment.content_type) == ("receipt-1077.pdf", "application/pdf")
    assert attachment.data.startswith(b"%PDF-1.4")
    assert parsed.text == (
        "Hello, I would like to return the headphones from order 1077. The receipt is attached."
    )
    small = parse_email(eml("with_attachment.eml"), max_attachment_bytes=10)
    assert small.attachments == []
    assert [a.filename for a in small.oversize] == ["receipt-1077.pdf"]
    assert "receipt-1077.pdf" in small.inbound().text


@pytest.mark.parametrize(
    ("fixture", "reason"),
    [("out_of_office.eml", "Auto-Submitted: auto-replied"), ("bounce.eml", "Auto-Submitted")],
)
def test_automatic_mail_is_recognised(fixture: str, reason: str) -> None:
    parsed = parse_email(eml(fixture), max_attachment_bytes=LIMIT)
    assert parsed.automatic is not None
    assert parsed.automatic.startswith(reason)
    with pytest.raises(MalformedEmail):
        parsed.inbound()


@pytest.mark.parametrize(
    ("headers", "envelope", "reason"),
    [
        ("Precedence: bulk\r\n", None, "Precedence: bulk"),
        ("X-Autorespond: yes\r\n", None, "x-autorespond header"),
        ("Return-Path: <>\r\n", None, "bounce: Return-Path <>"),
        ("", "", "bounce: empty envelope sender"),
        ("Auto-Submitted: no\r\n", None, None),
    ],
)
def test_each_automatic_signal(headers: str, envelope: str | None, reason: str | None) -> None:
    raw = f"From: someone@example.com\r\n{headers}Subject: hi\r\nMessage-ID: <a@b>\r\n\r\nhello\r\n"
    parsed = parse_email(raw.encode(), max_attachment_bytes=LIMIT, envelope_sender=envelope)
    assert parsed.automatic == reason
    daemon = parse_email(
        b"From: MAILER-DAEMON@mx.example.com\r\nSubject: x\r\n\r\nfailed\r\n",
        max_attachment_bytes=LIMIT,
    )
    assert daemon.automatic == "bounce: MAILER-DAEMON"


@pytest.mark.parametrize("raw", [b"", b"   \r\n", b"plain words\r\n", b"Subject: x\r\n\r\nhi"])
def test_what_is_not_a_mail_message_is_malformed(raw: bytes) -> None:
    with pytest.raises(MalformedEmail):
        parse_email(raw, max_attachment_bytes=LIMIT)


def test_a_message_without_message_id_gets_a_stable_one() -> None:
    raw = b"From: a@example.com\r\nSubject: x\r\n\r\nhi\r\n"
    first = parse_email(raw, max_attachment_bytes=LIMIT).message_id
    assert first == parse_email(raw, max_attachment_bytes=LIMIT).message_id
    assert first.endswith("@deskpilot.invalid")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Yes please.\n\n-----Original Message-----\nFrom: us\nold", "Yes please."),
        ("Yes.\n\nFrom: Acme <a@acme.test>\nSent: Monday\nTo: me\n\nold", "Yes."),
        ("Ok\n\nOn Mon, 3 Jun 2024 at 10:00, Acme Support <support@acme.test>\nwrote:\n> a", "Ok"),
        (
            "Да, спасибо.\n\n3 июня 2024 г., в 10:00, Acme <a@acme.test> пишет:\n> old",
            "Да, спасибо.",
        ),
        ("好的，谢谢。\n\n在 2024年6月3日 10:00，Acme <a@acme.test> 写道：\n> old", "好的，谢谢。"),
        ("Thanks\n\nSent from my Galaxy", "Thanks"),
        ("> only quoted\n> text", "> only quoted\n> text"),
        ("Inline answer\n> question\nanswer two", "Inline answer\nanswer two"),
    ],
)
def test_quoted_history_and_signatures_are_cut(text: str, expected: str) -> None:
    assert strip_quoted(text) == expected


def test_html_quotes_scripts_and_entities() -> None:
    html = (
        "<html><head><style>p{}</style><script>x()</script></head><body>"
        "<p>Hi&nbsp;there &amp; welcome</p><blockquote>earlier mail</blockquote></body></html>"
    )
    text = html_to_text(html)
    assert text == "Hi\u00a0there & welcome\n\n> earlier mail"
    assert strip_quoted(text) == "Hi\u00a0there & welcome"


def test_thread_keys_and_reply_subjects() -> None:
    assert token_in("Re: Help [DP-0A1B2C3D4E]") == "DP-0a1b2c3d4e"
    assert token_in("no token") is None
    root = thread_key(None, "c@x", ["b@x"], ["a@x", "b@x"])
    assert root == thread_key("other", "a@x", [], [])
    assert thread_key("Re: x [DP-0a1b2c3d4e]", "c@x", [], []) == "DP-0a1b2c3d4e"
    assert reply_subject("RE: Re: Help [DP-0a1b2c3d4e]", "DP-0a1b2c3d4e") == (
        "Re: Help [DP-0a1b2c3d4e]"
    )
    assert reply_subject(None, "DP-0a1b2c3d4e") == "Re: Your message [DP-0a1b2c3d4e]"
