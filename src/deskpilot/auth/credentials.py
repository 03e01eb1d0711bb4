"""Signing in and out, web sessions, API keys: turning a secret into a ``Principal``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.auth.passwords import hash_password, verify_password
from deskpilot.auth.principal import Principal
from deskpilot.auth.repository import (
    ApiKeyRepository,
    CredentialRepository,
    MembershipRepository,
    UserRepository,
)
from deskpilot.kit.clock import utcnow
from deskpilot.kit.crypto import hash_token, new_token
from deskpilot.kit.errors import Forbidden, InvalidInput, TooManyRequests, Unauthorized
from deskpilot.kit.ratelimit import RateLimiter
from deskpilot.models import ApiKey, Role, User, WebSession

API_KEY_PREFIX = "dp_"
_LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class LoginResult:
    token: str
    web_session: WebSession
    principal: Principal
    user: User


def normalise_email(email: str) -> str:
    return email.strip().lower()


async def login(
    session: AsyncSession,
    limiter: RateLimiter,
    *,
    email: str,
    password: str,
    workspace_slug: str | None,
    client_address: str,
    session_days: int,
) -> LoginResult:
    """Check a password and open a web session; failures are counted per email and address."""
    email = normalise_email(email)
    for key in (("email", email), ("address", client_address)):
        if not await limiter.allowed("login", *key):
            retry_after = await limiter.retry_after("login", *key)
            raise TooManyRequests("too many failed sign-ins; try again later", retry_after)
    users = UserRepository(session)
    user = await users.by_email(email)
    if not verify_password(password, user.password_hash if user else None) or user is None:
        await _count_failure(limiter, email, client_address)
        raise Unauthorized("wrong email or password")
    if not user.is_active:
        raise Unauthorized("this account is disabled")
    memberships = await users.memberships_of(user.id)
    chosen = [m for w, m in memberships if workspace_slug is None or w.slug == workspace_slug]
    if not chosen:
        raise Forbidden("this account has no access to that workspace")
    membership = chosen[0]
    token = new_token()
    web_session = WebSession(
        workspace_id=membership.workspace_id,
        user_id=user.id,
        token_hash=hash_token(token),
        csrf_token=new_token(24),
        expires_at=utcnow() + timedelta(days=session_days),
    )
    session.add(web_session)
    await session.flush()
    await limiter.clear("login", "email", email)
    principal = Principal(
        membership.workspace_id,
        membership.role,
        "session",
        user_id=user.id,
        web_session_id=web_session.id,
        csrf_token=web_session.csrf_token,
    )
    return LoginResult(token, web_session, principal, user)


async def _count_failure(limiter: RateLimiter, email: str, client_address: str) -> None:
    await limiter.hit("login", "email", email)
    await limiter.hit("login", "address", client_address)


async def logout(session: AsyncSession, token: str) -> None:
    credentials = CredentialRepository(session)
    web_session = await credentials.web_session_by_hash(hash_token(token), utcnow())
    if web_session is not None:
        await session.delete(web_session)


async def principal_from_session_token(session: AsyncSession, token: str) -> Principal | None:
    """The signed-in user behind a session cookie, with the role they have now."""
    web_session = await CredentialRepository(session).web_session_by_hash(
        hash_token(token), utcnow()
    )
    if web_session is None:
        return None
    user = await UserRepository(session).by_id(web_session.user_id)
    membership = await MembershipRepository(session, web_session.workspace_id).of_user(
        web_session.user_id
    )
    if user is None or not user.is_active or membership is None:
        return None
    return Principal(
        web_session.workspace_id,
        membership.role,
        "session",
        user_id=user.id,
        web_session_id=web_session.id,
        csrf_token=web_session.csrf_token,
    )


async def principal_from_api_key(session: AsyncSession, token: str) -> Principal | None:
    if not token.startswith(API_KEY_PREFIX):
        return None
    api_key = await CredentialRepository(session).api_key_by_hash(hash_token(token))
    if api_key is None:
        return None
    now = utcnow()
    if api_key.last_used_at is None or now - api_key.last_used_at > _LAST_USED_RESOLUTION:
        api_key.last_used_at = now
    return Principal(api_key.workspace_id, api_key.role, "api_key", api_key_id=api_key.id)


async def create_api_key(
    session: AsyncSession, workspace_id: str, *, name: str, role: Role, created_by: Principal | None
) -> tuple[ApiKey, str]:
    """Make a key; the returned plaintext is shown once and never stored."""
    if created_by is not None and not created_by.role.at_least(role):
        raise Forbidden(f"a {created_by.role} cannot create a key with the {role} role")
    secret = new_token(32)
    prefix = f"{API_KEY_PREFIX}{secret[:8]}"
    token = f"{prefix}_{secret[8:]}"
    api_key = ApiKey(
        workspace_id=workspace_id,
        name=name,
        role=role,
        prefix=prefix,
        key_hash=hash_token(token),
        created_by_user_id=created_by.user_id if created_by else None,
    )
    ApiKeyRepository(session, workspace_id).add(api_key)
    await session.flush()
    return api_key, token


async def list_api_keys(session: AsyncSession, workspace_id: str) -> Sequence[ApiKey]:
    """The workspace's keys that still work, oldest first."""
    return await ApiKeyRepository(session, workspace_id).active()


async def revoke_api_key(
    session: AsyncSession, workspace_id: str, api_key_id: str, *, by: Principal | None
) -> ApiKey:
    """Revoke a key; like roles, nobody takes away a key with a role above their own."""
    api_key = await ApiKeyRepository(session, workspace_id).get_or_404(api_key_id)
    if by is not None and not by.role.at_least(api_key.role):
        raise Forbidden(f"a {by.role} cannot revoke a key with the {api_key.role} role")
    if api_key.revoked_at is None:
        api_key.revoked_at = utcnow()
    return api_key


async def change_password(
    session: AsyncSession, principal: Principal, *, current: str, new: str
) -> None:
    """Change the signed-in user's password and sign out their other sessions."""
    if principal.user_id is None:
        raise Forbidden("API keys have no password")
    user = await UserRepository(session).by_id(principal.user_id)
    if user is None or not verify_password(current, user.password_hash):
        raise InvalidInput.field("current_password", "is not the current password")
    user.password_hash = hash_password(new)
    await CredentialRepository(session).delete_sessions_of(
        user.id, except_id=principal.web_session_id
    )
