"""Notifying members: a row each, a realtime event only they see, and an email if they want.

``notify`` is what other code calls (tickets.notifications.tasks maps ticket events to it). The
realtime event ``notification.created`` carries ``user_id``; the WebSocket sends it only to that
user's connections (realtime/endpoints.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.auth.principal import Principal
from deskpilot.kit.bus import Bus, BusEvent, publish_on_commit
from deskpilot.kit.clock import utcnow
from deskpilot.kit.errors import InvalidInput, NotFound
from deskpilot.kit.jobs import enqueue
from deskpilot.models import Notification
from deskpilot.tickets.notifications.repository import MemberRepository, NotificationRepository
from deskpilot.tickets.notifications.schemas import NotificationRead, SendEmail

CREATED_EVENT = "notification.created"
SEND_EMAIL_JOB = "notification.send_email"
DISPATCH_JOB = "notification.dispatch"
TITLE_LENGTH = 500


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
    wanted = list(dict.fromkeys(u for u in user_ids if u))
    if not wanted:
        return []
    repository = NotificationRepository(session, workspace_id)
    members = await MemberRepository(session, workspace_id).active(wanted)
    by_user = {membership.user_id: membership for membership, _ in members}
    made: list[Notification] = []
    for user_id in wanted:  # in the order given
        membership = by_user.get(user_id)
        if membership is None:
            continue
        notification = repository.add(
            Notification(
                workspace_id=workspace_id,
                user_id=user_id,
                kind=kind,
                title=title[:TITLE_LENGTH],
                body=body,
                ticket_id=ticket_id,
                conversation_id=conversation_id,
            )
        )
        made.append(notification)
    await session.flush()
    for notification in made:
        if by_user[notification.user_id].email_notifications:
            enqueue(
                session,
                SEND_EMAIL_JOB,
                SendEmail(notification_id=notification.id),
                workspace_id=workspace_id,
            )
        data = NotificationRead.model_validate(notification).model_dump(mode="json")
        publish_on_commit(
            session, bus, BusEvent(name=CREATED_EVENT, workspace_id=workspace_id, data=data)
        )
    return made


def _owner(principal: Principal) -> str | None:
    """Whose notifications the caller handles: a person their own; an API key (no person)
    stands for the workspace and handles every member's."""
    return principal.user_id


async def list_notifications(
    session: AsyncSession, principal: Principal, *, unread: bool, limit: int
) -> Sequence[Notification]:
    return await NotificationRepository(session, principal.workspace_id).listing(
        _owner(principal), unread=unread, limit=limit
    )


async def mark_read(
    session: AsyncSession, principal: Principal, notification_id: str
) -> Notification:
    """Mark one read (again: no change). Someone else's is not found, like another workspace's."""
    notification = await NotificationRepository(session, principal.workspace_id).get_or_404(
        notification_id
    )
    owner = _owner(principal)
    if owner is not None and notification.user_id != owner:
        raise NotFound.of("notification", notification_id)
    if notification.read_at is None:
        notification.read_at = utcnow()
        await session.flush()
    return notification


async def mark_all_read(session: AsyncSession, principal: Principal) -> int:
    return await NotificationRepository(session, principal.workspace_id).mark_all_read(
        _owner(principal), utcnow()
    )


async def set_email(session: AsyncSession, principal: Principal, email: bool) -> bool:
    """Turn the caller's notification emails on or off (for this workspace)."""
    if principal.user_id is None:
        raise InvalidInput.field("email", "an API key has no notification settings; sign in")
    membership = await MemberRepository(session, principal.workspace_id).of_user(principal.user_id)
    if membership is None:
        raise NotFound.of("member", principal.user_id)
    membership.email_notifications = email
    await session.flush()
    return membership.email_notifications
