"""Sign-in form, sign-out, and the start page."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from deskpilot.auth import credentials, users
from deskpilot.auth.dependencies import SESSION_COOKIE, identify
from deskpilot.auth.endpoints import set_session_cookie
from deskpilot.config import Settings, SettingsDep
from deskpilot.kit.crypto import new_token, tokens_equal
from deskpilot.kit.deps import ResourcesDep, SessionDep
from deskpilot.kit.errors import DeskPilotError
from deskpilot.workspaces.service import get_workspace

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")

LOGIN_CSRF_COOKIE = "deskpilot_login_csrf"


def _login_page(
    request: Request,
    settings: Settings,
    *,
    error: str = "",
    email: str = "",
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """The form, with a fresh token in a hidden field and in a cookie (double submit)."""
    token = new_token(24)
    response = templates.TemplateResponse(
        request,
        "login.html",
        {"csrf_token": token, "error": error, "email": email},
        status_code=status,
        headers=headers,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        secure=settings.cookie_secure,
        samesite="strict",
        path="/login",
    )
    return response


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request, settings: SettingsDep) -> Response:
    return _login_page(request, settings)


@router.post("/login")
async def login_form(
    request: Request,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    csrf_token: Annotated[str, Form()],
    session: SessionDep,
    resources: ResourcesDep,
    settings: SettingsDep,
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not tokens_equal(expected, csrf_token):
        return _login_page(
            request, settings, error="The form expired. Please try again.", email=email, status=403
        )
    try:
        result = await credentials.login(
            session,
            resources.login_limiter,
            email=email,
            password=password,
            workspace_slug=None,
            client_address=request.client.host if request.client else "unknown",
            session_days=settings.session_days,
        )
    except DeskPilotError as exc:
        # Retry-After of a throttled sign-in travels with the page.
        return _login_page(
            request,
            settings,
            error=exc.message,
            email=email,
            status=exc.status_code,
            headers=exc.headers,
        )
    response = RedirectResponse("/", status_code=303)
    set_session_cookie(response, result.token, settings)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
async def logout_form(
    request: Request, csrf_token: Annotated[str, Form()], session: SessionDep
) -> Response:
    principal = await identify(request, session)
    token = request.cookies.get(SESSION_COOKIE)
    if (
        principal
        and token
        and principal.csrf_token
        and tokens_equal(principal.csrf_token, csrf_token)
    ):
        await credentials.logout(session, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, session: SessionDep) -> Response:
    principal = await identify(request, session)
    if principal is None or principal.user_id is None:
        return RedirectResponse("/login", status_code=303)
    user = await users.get_user(session, principal.user_id)
    workspace = await get_workspace(session, principal.workspace_id)
    return templates.TemplateResponse(
        request,
        "home.html",
        {
            "email": user.email if user else "",
            "role": principal.role.value,
            "workspace": workspace.name,
            "csrf_token": principal.csrf_token,
        },
    )
