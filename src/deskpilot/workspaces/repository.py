from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from deskpilot.kit.repository import Repository, WorkspaceRepository
from deskpilot.models import Workspace, WorkspaceSecret


class Workspaces(Repository[Workspace]):
    model = Workspace

    async def by_id(self, workspace_id: str) -> Workspace | None:
        return await self.session.get(Workspace, workspace_id)

    async def by_slug(self, slug: str) -> Workspace | None:
        query = select(Workspace).where(Workspace.slug == slug)
        return (await self.session.scalars(query)).one_or_none()

    async def all_workspaces(self) -> Sequence[Workspace]:
        return (await self.session.scalars(select(Workspace).order_by(Workspace.slug))).all()


class SecretRepository(WorkspaceRepository[WorkspaceSecret]):
    model = WorkspaceSecret
    label = "secret"

    async def by_name(self, name: str) -> WorkspaceSecret | None:
        query = self.select().where(WorkspaceSecret.name == name)
        return (await self.session.scalars(query)).one_or_none()

    async def ordered(self) -> Sequence[WorkspaceSecret]:
        return await self.all(self.select().order_by(WorkspaceSecret.name))
