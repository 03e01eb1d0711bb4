"""Notifying members (to be written by the notifications work)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.bus import Bus
from deskpilot.models import Notification


async def notify(
    session: AsyncSession,
    bus: Bus,
    workspace_id: str,
    user_ids: Sequence[str],
    kind: str,
    title: str,
    body: str = "",
    *,
    ticket_id: str | None = None,
    conversation_id: str | None = None,
) -> list[Notification]:
    """One notification per active member named (others are skipped): stored, published as
    ``notification.created`` after commit, and emailed to those who want email."""
    return []
