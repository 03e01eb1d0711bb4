"""Email threading: Message-IDs, the ``[DP-xxxxxxxxxx]`` reference token, reply subjects.

A thread's key is ``DP-`` and ten hex digits of the SHA-256 of the thread's first Message-ID
(the oldest entry of ``References``, else ``In-Reply-To``, else the message's own id). The key is
the conversation's ``thread_key``, and every reply DeskPilot sends carries it in its subject, so a
customer's answer finds its conversation even when their client dropped ``In-Reply-To``.
"""

# Non-Latin letters and fullwidth colons below are the languages matched, not look-alikes.
# ruff: noqa: RUF001

from __future__ import annotations

import hashlib
import re

KEY_PREFIX = "DP-"
_TOKEN = re.compile(r"\[\s*DP-([0-9a-f]{6,40})\s*\]", re.IGNORECASE)
_ANGLE_IDS = re.compile(r"<([^<>\s]+)>")
_REPLY_PREFIX = re.compile(
    r"^\s*((re|fw|fwd|aw|wg|sv|vs|antw|ответ|回复|答复|转发)\s*(\[\d+\])?\s*[:：]\s*)+",
    re.IGNORECASE,
)


def message_ids(header: str | None) -> list[str]:
    """The ids in a Message-ID / In-Reply-To / References header, without angle brackets."""
    if not header:
        return []
    found = _ANGLE_IDS.findall(header)
    if found:
        return found
    bare = header.strip()
    return [bare] if bare and " " not in bare else []


def reply_chain(in_reply_to: list[str], references: list[str]) -> list[str]:
    """Ids this message answers, newest first: In-Reply-To, then References reversed."""
    chain: list[str] = []
    for message_id in [*in_reply_to, *reversed(references)]:
        if message_id not in chain:
            chain.append(message_id)
    return chain


def token_for(root_message_id: str) -> str:
    digest = hashlib.sha256(root_message_id.encode("utf-8", "surrogateescape")).hexdigest()
    return KEY_PREFIX + digest[:10]


def token_in(subject: str | None) -> str | None:
    """The thread key carried in a subject (``[DP-3fa9c2e01b]``), if any."""
    match = _TOKEN.search(subject or "")
    return KEY_PREFIX + match.group(1).lower() if match else None


def thread_key(
    subject: str | None, message_id: str, in_reply_to: list[str], references: list[str]
) -> str:
    """The token in the subject, else the key derived from the thread's first Message-ID."""
    carried = token_in(subject)
    if carried is not None:
        return carried
    root = references[0] if references else (in_reply_to[0] if in_reply_to else message_id)
    return token_for(root)


def reply_subject(subject: str | None, token: str) -> str:
    """``Re: <subject> [DP-token]``: one "Re:", one token, whatever the subject carried."""
    base = _TOKEN.sub("", subject or "").strip()
    base = _REPLY_PREFIX.sub("", base).strip() or "Your message"
    return f"Re: {base} [{token}]"
