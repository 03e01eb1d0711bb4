"""Sign-in form and sign-out (the console's pages are in ``web.console``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from deskpilot.auth import credentials
from deskpilot.auth.dependencies import SESSION_COOKIE, identify
from deskpilot.auth.endpoints import set_session_cookie
from deskpilot.config import Settings, SettingsDep
from deskpilot.kit.crypto import new_token, tokens_equal
from deskpilot.kit.deps import ResourcesDep, SessionDep
from deskpilot.kit.errors import DeskPilotError

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")

LOGIN_CSRF_COOKIE = "deskpilot_login_csrf"


def _login_page(
    request: Request,
    settings: Settings,
    *,
    error: str = "",
    email: str = "",
    next_path: str = "/",
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """The form, with a fresh token in a hidden field and in a cookie (double submit)."""
    token = new_token(24)
    response = templates.TemplateResponse(
        request,
        "login.html",
        {"csrf_token": token, "error": error, "email": email, "next": next_path},
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


def _local(path: str | None) -> str:
    """Where to go after signing in: a path on this site only (never an open redirect)."""
    if path and path.startswith("/") and not path.startswith("//") and "\\" not in path:
        return path
    return "/"


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request, settings: SettingsDep, next: str | None = None) -> Response:
    return _login_page(request, settings, next_path=_local(next))


@router.post("/login")
async def login_form(
    request: Request,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    csrf_token: Annotated[str, Form()],
    session: SessionDep,
    resources: ResourcesDep,
    settings: SettingsDep,
    next: Annotated[str, Form()] = "/",
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not tokens_equal(expected, csrf_token):
        return _login_page(
            request,
            settings,
            error="The form expired. Please try again.",
            email=email,
            next_path=_local(next),
            status=403,
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
            next_path=_local(next),
            status=exc.status_code,
            headers=exc.headers,
        )
    response = RedirectResponse(_local(next), status_code=303)
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
