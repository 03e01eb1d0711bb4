"""SQL for users, memberships, API keys and web sessions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select

from deskpilot.kit.repository import Repository, WorkspaceRepository
from deskpilot.models import ApiKey, Membership, Role, User, WebSession, Workspace


class UserRepository(Repository[User]):
    """Users are global (one person may work in several workspaces); reach them by membership."""

    model = User

    async def by_email(self, email: str) -> User | None:
        return (await self.session.scalars(select(User).where(User.email == email))).one_or_none()

    async def by_id(self, user_id: str) -> User | None:
        return await self.session.get(User, user_id)

    async def memberships_of(self, user_id: str) -> Sequence[tuple[Workspace, Membership]]:
        query = (
            select(Workspace, Membership)
            .join(Membership, Membership.workspace_id == Workspace.id)
            .where(Membership.user_id == user_id)
            .order_by(Workspace.created_at, Workspace.id)
        )
        return (await self.session.execute(query)).all()


class MembershipRepository(WorkspaceRepository[Membership]):
    model = Membership
    label = "user"

    async def of_user(self, user_id: str) -> Membership | None:
        query = self.select().where(Membership.user_id == user_id)
        return (await self.session.scalars(query)).one_or_none()

    async def active_owners(self) -> Sequence[Membership]:
        """Owner memberships whose user can still sign in."""
        query = (
            self.select()
            .join(User, User.id == Membership.user_id)
            .where(Membership.role == Role.OWNER, User.is_active.is_(True))
        )
        return await self.all(query)

    async def with_users(self) -> Sequence[tuple[Membership, User]]:
        query = (
            select(Membership, User)
            .join(User, User.id == Membership.user_id)
            .where(Membership.workspace_id == self.workspace_id)
            .order_by(User.email)
        )
        return (await self.session.execute(query)).all()


class ApiKeyRepository(WorkspaceRepository[ApiKey]):
    model = ApiKey
    label = "API key"

    async def active(self) -> Sequence[ApiKey]:
        query = self.select().where(ApiKey.revoked_at.is_(None)).order_by(ApiKey.created_at)
        return await self.all(query)


class CredentialRepository(Repository[WebSession]):
    """Lookups by secret token. These are the only unscoped queries: they find the workspace."""

    model = WebSession

    async def api_key_by_hash(self, key_hash: str) -> ApiKey | None:
        query = select(ApiKey).where(ApiKey.key_hash == key_hash, ApiKey.revoked_at.is_(None))
        return (await self.session.scalars(query)).one_or_none()

    async def web_session_by_hash(self, token_hash: str, now: datetime) -> WebSession | None:
        query = select(WebSession).where(
            WebSession.token_hash == token_hash, WebSession.expires_at > now
        )
        return (await self.session.scalars(query)).one_or_none()

    async def delete_sessions_of(
        self, user_id: str, *, except_id: str | None = None, workspace_id: str | None = None
    ) -> None:
        """End a user's web sessions: all of them, or those in one workspace."""
        statement = delete(WebSession).where(WebSession.user_id == user_id)
        if workspace_id is not None:
            statement = statement.where(WebSession.workspace_id == workspace_id)
        if except_id:
            statement = statement.where(WebSession.id != except_id)
        await self.session.execute(statement)

    async def delete_expired_sessions(self, now: datetime) -> int:
        result = await self.session.execute(delete(WebSession).where(WebSession.expires_at <= now))
        return int(getattr(result, "rowcount", 0) or 0)
