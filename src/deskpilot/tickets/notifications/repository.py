"""The only SQL of notifications: the rows, and the members they go to."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update

from deskpilot.kit.repository import WorkspaceRepository
from deskpilot.models import Membership, Notification, Role, TeamMember, User


class NotificationRepository(WorkspaceRepository[Notification]):
    model = Notification
    label = "notification"

    async def listing(
        self, user_id: str | None, *, unread: bool, limit: int
    ) -> Sequence[Notification]:
        """Newest first; ``user_id`` None lists every member's."""
        query = self.select()
        if user_id is not None:
            query = query.where(Notification.user_id == user_id)
        if unread:
            query = query.where(Notification.read_at.is_(None))
        query = query.order_by(Notification.created_at.desc(), Notification.id.desc())
        return await self.all(query.limit(limit))

    async def with_user(self, notification_id: str) -> tuple[Notification, User] | None:
        """The notification and the person it is for (for the email)."""
        query = (
            select(Notification, User)
            .join(User, User.id == Notification.user_id)
            .where(
                Notification.workspace_id == self.workspace_id,
                Notification.id == notification_id,
            )
        )
        row = (await self.session.execute(query)).one_or_none()
        return (row[0], row[1]) if row is not None else None

    async def mark_all_read(self, user_id: str | None, when: datetime) -> int:
        statement = update(Notification).where(
            Notification.workspace_id == self.workspace_id, Notification.read_at.is_(None)
        )
        if user_id is not None:
            statement = statement.where(Notification.user_id == user_id)
        result = await self.session.execute(statement.values(read_at=when))
        return int(getattr(result, "rowcount", 0) or 0)


class MemberRepository(WorkspaceRepository[Membership]):
    """Members as notifications see them: who is active, who wants email, who is an admin."""

    model = Membership
    label = "member"

    async def active(self, user_ids: Sequence[str]) -> Sequence[tuple[Membership, User]]:
        query = (
            select(Membership, User)
            .join(User, User.id == Membership.user_id)
            .where(
                Membership.workspace_id == self.workspace_id,
                Membership.user_id.in_(list(user_ids)),
                User.is_active.is_(True),
            )
        )
        return (await self.session.execute(query)).all()

    async def of_user(self, user_id: str) -> Membership | None:
        query = self.select().where(Membership.user_id == user_id)
        return (await self.session.scalars(query)).one_or_none()

    async def admin_ids(self) -> list[str]:
        query = self.select().where(Membership.role.in_([Role.ADMIN, Role.OWNER]))
        return [m.user_id for m in await self.all(query)]

    async def team_member_ids(self, team_id: str) -> list[str]:
        query = select(TeamMember.user_id).where(
            TeamMember.workspace_id == self.workspace_id, TeamMember.team_id == team_id
        )
        return list((await self.session.scalars(query)).all())
