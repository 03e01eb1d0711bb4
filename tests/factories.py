"""Small typed factories: create real rows through the services, in committed transactions."""

from __future__ import annotations

from dataclasses import dataclass

from deskpilot.auth import credentials, users
from deskpilot.kit.db import Database
from deskpilot.models import AISettings, Role
from deskpilot.workspaces import service as workspaces
from deskpilot.workspaces.schemas import WorkspaceCreate

PASSWORD = "correct horse battery"


@dataclass(frozen=True, slots=True)
class Tenant:
    """A workspace with an owner who can sign in, and an admin API key."""

    workspace_id: str
    slug: str
    owner_id: str
    owner_email: str
    admin_key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.admin_key}"}


async def create_tenant(database: Database, slug: str, *, bot: bool = False) -> Tenant:
    """The bot is off unless ``bot``: tests of channels and conversations see only what they
    send (the AI still annotates customer messages); tests of the AI turn it on."""
    async with database.transaction() as session:
        workspace = await workspaces.create_workspace(
            session, WorkspaceCreate(slug=slug, name=slug.title())
        )
        session.add(AISettings(workspace_id=workspace.id, bot_enabled=bot))
        owner = await users.create_user(
            session, email=f"owner@{slug}.example.com", name=f"{slug} owner", password=PASSWORD
        )
        await users.add_member(session, workspace.id, owner, Role.OWNER, by=None)
        _, key = await credentials.create_api_key(
            session, workspace.id, name="tests", role=Role.ADMIN, created_by=None
        )
    return Tenant(workspace.id, slug, owner.id, owner.email, key)


async def create_api_key(database: Database, workspace_id: str, role: Role) -> str:
    async with database.transaction() as session:
        _, key = await credentials.create_api_key(
            session, workspace_id, name=f"{role} key", role=role, created_by=None
        )
    return key


async def create_member(
    database: Database, workspace_id: str, email: str, role: Role, password: str = PASSWORD
) -> str:
    async with database.transaction() as session:
        user = await users.create_user(session, email=email, name=email, password=password)
        membership = await users.add_member(session, workspace_id, user, role, by=None)
    return membership.id
