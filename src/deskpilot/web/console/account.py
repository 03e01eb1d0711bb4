"""The member's own account: change the password (a plain form, so it works without scripts)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from deskpilot.auth import credentials
from deskpilot.auth.dependencies import identify
from deskpilot.kit.crypto import tokens_equal
from deskpilot.kit.deps import SessionDep
from deskpilot.kit.errors import DeskPilotError
from deskpilot.web.console.pages import forbidden, member_of, render, to_sign_in

router = APIRouter(include_in_schema=False)

MIN_LENGTH = 8


@router.get("/account", response_class=HTMLResponse)
async def account_page(request: Request, session: SessionDep) -> Response:
    ctx = await member_of(request, session, "viewer")
    if isinstance(ctx, Response):
        return ctx
    return render(request, ctx, "console/account.html")


@router.post("/account/password", response_class=HTMLResponse)
async def change_password(
    request: Request,
    session: SessionDep,
    csrf_token: Annotated[str, Form()],
    current_password: Annotated[str, Form()],
    new_password: Annotated[str, Form()],
    repeat_password: Annotated[str, Form()],
) -> Response:
    """The new password for this member; their other sessions are signed out."""
    ctx = await member_of(request, session, "viewer")
    if isinstance(ctx, Response):
        return ctx
    principal = await identify(request, session)
    if principal is None:
        return to_sign_in(request)
    if not tokens_equal(ctx.csrf_token, csrf_token):
        return forbidden(request, ctx)
    error = None
    if len(new_password) < MIN_LENGTH:
        error = ctx.t("account.too_short", count=MIN_LENGTH)
    elif new_password != repeat_password:
        error = ctx.t("account.mismatch")
    else:
        try:
            await credentials.change_password(
                session, principal, current=current_password, new=new_password
            )
        except DeskPilotError:
            error = ctx.t("account.wrong_current")
    if error is not None:
        return render(request, ctx, "console/account.html", status_code=422, error=error)
    return render(request, ctx, "console/account.html", changed=True)
