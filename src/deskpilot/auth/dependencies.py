"""Authenticators as typed dependencies: ``AgentAuth`` reads like the role it requires.

A caller is a signed-in browser (session cookie; unsafe methods must echo the CSRF token in
``X-CSRF-Token``) or an API client (``Authorization: Bearer <key>``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import HTTPConnection

from deskpilot.auth.credentials import principal_from_api_key, principal_from_session_token
from deskpilot.auth.principal import Principal
from deskpilot.kit.crypto import tokens_equal
from deskpilot.kit.deps import SessionDep
from deskpilot.kit.errors import Forbidden, Unauthorized
from deskpilot.models import Role

SESSION_COOKIE = "deskpilot_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def bearer_token(connection: HTTPConnection) -> str | None:
    scheme, _, token = connection.headers.get("authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


async def identify(connection: HTTPConnection, session: AsyncSession) -> Principal | None:
    """Who sent this request, if anyone: the bearer key wins over the cookie."""
    token = bearer_token(connection)
    if token is not None:
        return await principal_from_api_key(session, token)
    cookie = connection.cookies.get(SESSION_COOKIE)
    if cookie:
        return await principal_from_session_token(session, cookie)
    return None


class Authenticator:
    """Requires a caller with at least ``role``."""

    def __init__(self, role: Role) -> None:
        self.role = role

    async def __call__(self, connection: HTTPConnection, session: SessionDep) -> Principal:
        principal = await identify(connection, session)
        if principal is None:
            raise Unauthorized(
                "sign in, or send an API key as 'Authorization: Bearer <key>'",
                headers={"WWW-Authenticate": "Bearer"},
            )
        method = connection.scope.get("method", "GET")
        if principal.via == "session" and method not in SAFE_METHODS:
            sent = connection.headers.get(CSRF_HEADER, "")
            if not principal.csrf_token or not tokens_equal(sent, principal.csrf_token):
                raise Forbidden(f"missing or wrong CSRF token (send it in {CSRF_HEADER})")
        if not principal.role.at_least(self.role):
            raise Forbidden(f"this needs the {self.role} role; you have {principal.role}")
        return principal


ViewerAuth = Annotated[Principal, Depends(Authenticator(Role.VIEWER))]
AgentAuth = Annotated[Principal, Depends(Authenticator(Role.AGENT))]
AdminAuth = Annotated[Principal, Depends(Authenticator(Role.ADMIN))]
OwnerAuth = Annotated[Principal, Depends(Authenticator(Role.OWNER))]
CurrentAgent = AgentAuth
