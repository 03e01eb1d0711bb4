"""HTTP for signing in, API keys and the members of a workspace."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from deskpilot.auth import credentials, users
from deskpilot.auth.dependencies import SESSION_COOKIE, AdminAuth, ViewerAuth
from deskpilot.auth.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyRead,
    LoginRequest,
    MemberCreate,
    MemberRead,
    MemberUpdate,
    MeRead,
    PasswordChange,
)
from deskpilot.config import Settings, SettingsDep
from deskpilot.kit.deps import ResourcesDep, SessionDep
from deskpilot.models import Membership, User

router = APIRouter(prefix="/api/v1", tags=["auth"])


def set_session_cookie(response: Response, token: str, settings: Settings) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_days * 86400,
        path="/",
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
    )


@router.post("/auth/login")
async def login(
    body: LoginRequest,
    request: Request,
    response: Response,
    session: SessionDep,
    resources: ResourcesDep,
    settings: SettingsDep,
) -> MeRead:
    """Sign in with email and password; sets the HttpOnly session cookie."""
    result = await credentials.login(
        session,
        resources.login_limiter,
        email=body.email,
        password=body.password,
        workspace_slug=body.workspace,
        client_address=request.client.host if request.client else "unknown",
        session_days=settings.session_days,
    )
    set_session_cookie(response, result.token, settings)
    return MeRead(
        user_id=result.user.id,
        api_key_id=None,
        workspace_id=result.principal.workspace_id,
        role=result.principal.role,
        email=result.user.email,
        name=result.user.name,
        csrf_token=result.principal.csrf_token,
    )


@router.post("/auth/logout", status_code=204)
async def logout(request: Request, response: Response, session: SessionDep, _: ViewerAuth) -> None:
    """End this browser's session."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await credentials.logout(session, token)
    response.delete_cookie(SESSION_COOKIE, path="/")


@router.get("/auth/me")
async def me(principal: ViewerAuth, session: SessionDep) -> MeRead:
    """Who the caller is, in which workspace, with which role."""
    user = await users.get_user(session, principal.user_id) if principal.user_id else None
    return MeRead(
        user_id=principal.user_id,
        api_key_id=principal.api_key_id,
        workspace_id=principal.workspace_id,
        role=principal.role,
        email=user.email if user else None,
        name=user.name if user else None,
        csrf_token=principal.csrf_token,
    )


@router.post("/auth/password", status_code=204)
async def change_password(body: PasswordChange, principal: ViewerAuth, session: SessionDep) -> None:
    """Change your password; your other sessions are signed out."""
    await credentials.change_password(
        session, principal, current=body.current_password, new=body.new_password
    )


@router.get("/api-keys")
async def list_api_keys(principal: AdminAuth, session: SessionDep) -> list[ApiKeyRead]:
    keys = await credentials.list_api_keys(session, principal.workspace_id)
    return [ApiKeyRead.model_validate(key) for key in keys]


@router.post("/api-keys", status_code=201)
async def create_api_key(
    body: ApiKeyCreate, principal: AdminAuth, session: SessionDep
) -> ApiKeyCreated:
    """Create an API key. The key is in this response only; store it now."""
    api_key, token = await credentials.create_api_key(
        session, principal.workspace_id, name=body.name, role=body.role, created_by=principal
    )
    return ApiKeyCreated(**ApiKeyRead.model_validate(api_key).model_dump(), key=token)


@router.delete("/api-keys/{api_key_id}", status_code=204)
async def revoke_api_key(api_key_id: str, principal: AdminAuth, session: SessionDep) -> None:
    await credentials.revoke_api_key(session, principal.workspace_id, api_key_id, by=principal)


def _member_read(membership: Membership, user: User) -> MemberRead:
    return MemberRead(
        id=membership.id,
        user_id=user.id,
        email=user.email,
        name=user.name,
        role=membership.role,
        is_active=user.is_active,
        created_at=membership.created_at,
    )


@router.get("/users")
async def list_members(principal: ViewerAuth, session: SessionDep) -> list[MemberRead]:
    return [_member_read(m, u) for m, u in await users.members(session, principal.workspace_id)]


@router.post("/users", status_code=201)
async def create_member(
    body: MemberCreate, principal: AdminAuth, session: SessionDep
) -> MemberRead:
    """Create a user and make them a member with a role."""
    user = await users.create_user(
        session, email=body.email, name=body.name, password=body.password
    )
    membership = await users.add_member(
        session, principal.workspace_id, user, body.role, by=principal
    )
    return _member_read(membership, user)


@router.patch("/users/{member_id}")
async def update_member(
    member_id: str, body: MemberUpdate, principal: AdminAuth, session: SessionDep
) -> MemberRead:
    membership, user = await users.change_member(
        session, principal, member_id, role=body.role, is_active=body.is_active
    )
    return _member_read(membership, user)


@router.delete("/users/{member_id}", status_code=204)
async def remove_member(member_id: str, principal: AdminAuth, session: SessionDep) -> None:
    await users.remove_member(session, principal, member_id)
