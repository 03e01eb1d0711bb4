"""Rules for workspaces and their secrets. Never commits: the caller's boundary does."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.bus import Bus, publish_on_commit
from deskpilot.kit.crypto import SecretBox
from deskpilot.kit.errors import Conflict, NotFound
from deskpilot.models import Workspace, WorkspaceSecret
from deskpilot.workspaces.events import workspace_updated
from deskpilot.workspaces.repository import SecretRepository, Workspaces
from deskpilot.workspaces.schemas import WorkspaceCreate, WorkspaceUpdate


async def create_workspace(session: AsyncSession, data: WorkspaceCreate) -> Workspace:
    workspaces = Workspaces(session)
    if await workspaces.by_slug(data.slug) is not None:
        raise Conflict(f"a workspace with slug {data.slug!r} already exists")
    workspace = workspaces.add(Workspace(**data.model_dump()))
    await session.flush()
    return workspace


async def get_workspace(session: AsyncSession, workspace_id: str) -> Workspace:
    workspace = await Workspaces(session).by_id(workspace_id)
    if workspace is None:
        raise NotFound.of("workspace", workspace_id)
    return workspace


async def find_workspace_by_slug(session: AsyncSession, slug: str) -> Workspace | None:
    return await Workspaces(session).by_slug(slug)


async def get_workspace_by_slug(session: AsyncSession, slug: str) -> Workspace:
    workspace = await find_workspace_by_slug(session, slug)
    if workspace is None:
        raise NotFound.of("workspace", slug)
    return workspace


async def list_workspaces(session: AsyncSession) -> Sequence[Workspace]:
    return await Workspaces(session).all_workspaces()


async def update_workspace(
    session: AsyncSession, bus: Bus, workspace_id: str, data: WorkspaceUpdate
) -> Workspace:
    workspace = await get_workspace(session, workspace_id)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    changed = [name for name, value in changes.items() if getattr(workspace, name) != value]
    for name in changed:
        setattr(workspace, name, changes[name])
    if changed:
        await session.flush()
        publish_on_commit(session, bus, workspace_updated(workspace, changed))
    return workspace


async def put_secret(
    session: AsyncSession, box: SecretBox, workspace_id: str, name: str, value: str
) -> WorkspaceSecret:
    """Store ``value`` encrypted, bound to its workspace and name."""
    repo = SecretRepository(session, workspace_id)
    ciphertext = box.encrypt(value, context=f"{workspace_id}/{name}")
    secret = await repo.by_name(name)
    if secret is None:
        secret = repo.add(
            WorkspaceSecret(workspace_id=workspace_id, name=name, ciphertext=ciphertext)
        )
    else:
        secret.ciphertext = ciphertext
    await session.flush()
    return secret


async def read_secret(session: AsyncSession, box: SecretBox, workspace_id: str, name: str) -> str:
    """The plaintext, for code that uses it (a channel's token); never for the API."""
    secret = await SecretRepository(session, workspace_id).by_name(name)
    if secret is None:
        raise NotFound.of("secret", name)
    return box.decrypt(secret.ciphertext, context=f"{workspace_id}/{name}")


async def list_secrets(session: AsyncSession, workspace_id: str) -> Sequence[WorkspaceSecret]:
    return await SecretRepository(session, workspace_id).ordered()


async def delete_secret(session: AsyncSession, workspace_id: str, name: str) -> None:
    repo = SecretRepository(session, workspace_id)
    secret = await repo.by_name(name)
    if secret is None:
        raise NotFound.of("secret", name)
    await repo.delete(secret)
