"""The inbox: the conversations an agent works on (first version: the newest open ones)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from deskpilot.conversations import service as conversations
from deskpilot.conversations.schemas import ConversationFilter
from deskpilot.kit.deps import SessionDep
from deskpilot.models import ConversationStatus
from deskpilot.web.console.context import console_of
from deskpilot.web.console.pages import forbidden, render, to_sign_in

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50


@router.get("/inbox", response_class=HTMLResponse)
async def inbox(request: Request, session: SessionDep) -> Response:
    ctx = await console_of(request, session)
    if ctx is None:
        return to_sign_in(request)
    if not ctx.can("agent"):
        return forbidden(request, ctx)
    views, _ = await conversations.list_conversations(
        session,
        ctx.workspace.id,
        ConversationFilter(status=ConversationStatus.OPEN),
        None,
        PAGE_SIZE,
    )
    return render(request, ctx, "console/inbox.html", conversations=views)
