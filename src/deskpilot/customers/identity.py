"""Normalising identifiers so that the same person is recognised on every channel."""

from __future__ import annotations

import phonenumbers

# Providers whose addresses ignore dots in the local part and anything after '+'.
_DOTLESS_PROVIDERS = {"gmail.com", "googlemail.com"}


def normalise_email(email: str) -> str:
    """``John.Doe+shop@GMail.com`` → ``johndoe@gmail.com``; other providers keep dots and tags."""
    local, _, domain = email.strip().lower().rpartition("@")
    if not local or not domain:
        raise ValueError(f"not an email address: {email!r}")
    if domain in _DOTLESS_PROVIDERS:
        local = local.split("+", 1)[0].replace(".", "")
        domain = "gmail.com"
    return f"{local}@{domain}"


def normalise_phone(phone: str, default_region: str | None = None) -> str:
    """E.164 (``+4915112345678``); national numbers need the workspace's default region."""
    try:
        parsed = phonenumbers.parse(phone, default_region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"not a phone number: {phone!r}") from exc
    if not phonenumbers.is_possible_number(parsed):
        raise ValueError(f"not a possible phone number: {phone!r}")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def channel_handle(channel_id: str, external_id: str) -> str:
    """The identity of a sender on one channel instance (a Telegram chat id, a widget visitor)."""
    return f"{channel_id}:{external_id}"
