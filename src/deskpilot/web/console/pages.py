"""Rendering console pages, and the routes of the frame itself (start page, preferences).

A page handler starts with ``ctx = await member_of(request, session, "agent")``: a Response (to
/login for strangers, forbidden for a role too low) is returned as it is; otherwise it ends with
``render(request, ctx, "console/<page>.html", ...)``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.config import SettingsDep
from deskpilot.kit.crypto import tokens_equal
from deskpilot.kit.deps import SessionDep
from deskpilot.web.console.context import (
    FONT_SIZES,
    PREFERENCES_COOKIE,
    THEMES,
    Console,
    Preferences,
    console_of,
)
from deskpilot.web.console.i18n import LANGUAGE_NAMES, LANGUAGES, words

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent.parent / "templates")

ONE_YEAR = 365 * 24 * 3600


def render(
    request: Request, ctx: Console, template: str, status_code: int = 200, **data: Any
) -> Response:
    """A console page: the template gets ``ctx``, ``t``, the page's ``data`` and the choices
    the frame offers (languages, themes, font sizes)."""
    return templates.TemplateResponse(
        request,
        template,
        {
            "ctx": ctx,
            "t": ctx.t,
            "words": words(ctx.language),
            "languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
            "themes": THEMES,
            "font_sizes": FONT_SIZES,
            "path": request.url.path,
            **data,
        },
        status_code=status_code,
    )


def to_sign_in(request: Request) -> Response:
    """To /login, and back here afterwards."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


async def member_of(request: Request, session: AsyncSession, role: str) -> Console | Response:
    """The signed-in member with at least ``role``, or the response for anyone else."""
    ctx = await console_of(request, session)
    if ctx is None:
        return to_sign_in(request)
    if not ctx.can(role):
        return forbidden(request, ctx)
    return ctx


def forbidden(request: Request, ctx: Console) -> Response:
    return render(
        request, ctx, "console/message.html", status_code=403, message=ctx.t("shell.forbidden")
    )


def not_found(request: Request, ctx: Console) -> Response:
    return render(
        request, ctx, "console/message.html", status_code=404, message=ctx.t("shell.not_found")
    )


@router.get("/", response_class=HTMLResponse)
async def start(request: Request, session: SessionDep) -> Response:
    """A signed-in agent goes to the inbox (a viewer to the dashboard); anyone else to /login."""
    ctx = await console_of(request, session)
    if ctx is None:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse("/inbox" if ctx.can("agent") else "/dashboard", status_code=303)


@router.post("/preferences")
async def save_preferences(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    csrf_token: Annotated[str, Form()],
    language: Annotated[str, Form()],
    theme: Annotated[str, Form()],
    font: Annotated[str, Form()],
    back: Annotated[str, Form()] = "/",
) -> Response:
    """The agent's language, theme and text size (a form, so it works without JavaScript)."""
    ctx = await console_of(request, session)
    if ctx is None:
        return to_sign_in(request)
    if not tokens_equal(ctx.csrf_token, csrf_token):
        return forbidden(request, ctx)
    chosen = Preferences(
        language if language in LANGUAGES else ctx.preferences.language,
        theme if theme in THEMES else ctx.preferences.theme,
        font if font in FONT_SIZES else ctx.preferences.font,
    )
    # only a path on this site: never an open redirect
    target = back if back.startswith("/") and not back.startswith("//") else "/"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        PREFERENCES_COOKIE,
        chosen.cookie(),
        max_age=ONE_YEAR,
        httponly=False,  # the page's script reads the theme to follow the system's
        secure=settings.cookie_secure,
        samesite="lax",
    )
    return response
