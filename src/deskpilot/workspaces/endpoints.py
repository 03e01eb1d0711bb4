"""HTTP for the caller's workspace and its secrets."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from deskpilot.auth.dependencies import AdminAuth, ViewerAuth
from deskpilot.kit.deps import ResourcesDep, SessionDep
from deskpilot.workspaces import service
from deskpilot.workspaces.schemas import (
    SECRET_NAME_PATTERN,
    SecretRead,
    SecretWrite,
    WorkspaceRead,
    WorkspaceUpdate,
)

router = APIRouter(prefix="/api/v1/workspace", tags=["workspace"])

SecretName = Annotated[str, Path(pattern=SECRET_NAME_PATTERN)]


@router.get("")
async def get_workspace(principal: ViewerAuth, session: SessionDep) -> WorkspaceRead:
    """The workspace the caller is signed in to."""
    return WorkspaceRead.model_validate(
        await service.get_workspace(session, principal.workspace_id)
    )


@router.patch("")
async def update_workspace(
    body: WorkspaceUpdate, principal: AdminAuth, session: SessionDep, resources: ResourcesDep
) -> WorkspaceRead:
    """Change the name, default language or time zone; clients get ``workspace.updated``."""
    workspace = await service.update_workspace(session, resources.bus, principal.workspace_id, body)
    return WorkspaceRead.model_validate(workspace)


@router.get("/secrets")
async def list_secrets(principal: AdminAuth, session: SessionDep) -> list[SecretRead]:
    """Names of the stored secrets; values are never returned."""
    return [
        SecretRead.model_validate(s)
        for s in await service.list_secrets(session, principal.workspace_id)
    ]


@router.put("/secrets/{name}")
async def put_secret(
    name: SecretName,
    body: SecretWrite,
    principal: AdminAuth,
    session: SessionDep,
    resources: ResourcesDep,
) -> SecretRead:
    """Store a secret (encrypted at rest)."""
    secret = await service.put_secret(
        session, resources.secret_box, principal.workspace_id, name, body.value
    )
    return SecretRead.model_validate(secret)


@router.delete("/secrets/{name}", status_code=204)
async def delete_secret(name: SecretName, principal: AdminAuth, session: SessionDep) -> None:
    await service.delete_secret(session, principal.workspace_id, name)
