"""The inbox: views, filters and search over the workspace's conversations, kept in the URL so a
reload keeps them; rows rendered on the server, then kept live by static/console/inbox.js."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.channels import service as channels_service
from deskpilot.conversations import service as conversations
from deskpilot.conversations.schemas import ConversationFilter
from deskpilot.kit.deps import SessionDep
from deskpilot.kit.errors import NotFound
from deskpilot.models import ConversationStatus, HandledBy
from deskpilot.tickets import service as tickets
from deskpilot.tickets.routing import teams
from deskpilot.tickets.sla import service as sla
from deskpilot.web.console.context import Console, console_of
from deskpilot.web.console.conversation_rows import rows
from deskpilot.web.console.pages import member_of, render

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
VIEWS = ("mine", "unassigned", "teams", "all", "bot", "sla")
STATUSES = ("open", "pending", "snoozed", "resolved", "any")
SENTIMENTS = ("negative", "neutral", "positive")
FILTER_NAMES = ("status", "channel", "intent", "sentiment", "language", "label", "q")
SLA_WITHIN_MINUTES = 60


@dataclass(frozen=True, slots=True)
class Choice:
    """The view and filters of the page, cleaned (anything unknown falls back to the default)."""

    view: str
    filters: dict[str, str]

    @classmethod
    def of(cls, request: Request) -> Choice:
        query = request.query_params
        view = query.get("view", "all")
        filters = {
            name: query.get(name, "").strip()[:200] for name in FILTER_NAMES if query.get(name)
        }
        if filters.get("status", "open") not in STATUSES:
            filters.pop("status")
        if filters.get("sentiment", "neutral") not in SENTIMENTS:
            filters.pop("sentiment")
        return cls(view if view in VIEWS else "all", filters)

    @property
    def takes_new(self) -> bool:
        """Whether a brand-new conversation belongs in this list (so the script adds it)."""
        plain = set(self.filters) <= {"status"} and self.filters.get("status", "open") == "open"
        return plain and self.view in ("all", "unassigned", "bot")

    def url(self, **changes: str) -> str:
        """/inbox with this choice, some parts changed (an empty value drops the part)."""
        parts = {"view": self.view, **self.filters, **changes}
        return "/inbox?" + urlencode({k: v for k, v in parts.items() if v})


async def _where(session: AsyncSession, ctx: Console, choice: Choice) -> ConversationFilter:
    f = choice.filters
    status = f.get("status", "open")
    where: dict[str, Any] = {
        "status": None if status == "any" else ConversationStatus(status),
        "channel_id": f.get("channel") or None,
        "intent": f.get("intent") or None,
        "sentiment": f.get("sentiment") or None,
        "language": f.get("language") or None,
        "label": f.get("label") or None,
        "search": f.get("q") or None,
    }
    if choice.view == "mine":
        where["assignee_id"] = ctx.user.id
    elif choice.view == "unassigned":
        where["unassigned"] = True
    elif choice.view == "bot":
        where["handled_by"] = HandledBy.BOT
    elif choice.view == "teams":
        where["team_ids"] = tuple(await teams.team_ids_of(session, ctx.workspace.id, ctx.user.id))
    elif choice.view == "sla":
        found = await sla.at_risk(session, ctx.workspace.id, SLA_WITHIN_MINUTES)
        views = await tickets.views(session, found)
        where["ids"] = tuple({cid for v in views for cid in v.conversation_ids})
    return ConversationFilter(**where)


@router.get("/inbox", response_class=HTMLResponse)
async def inbox(request: Request, session: SessionDep) -> Response:
    ctx = await member_of(request, session, "agent")
    if isinstance(ctx, Response):
        return ctx
    choice = Choice.of(request)
    views, _ = await conversations.list_conversations(
        session, ctx.workspace.id, await _where(session, ctx, choice), None, PAGE_SIZE
    )
    channels = await channels_service.list_channels(session, ctx.workspace.id)
    return render(
        request,
        ctx,
        "console/inbox.html",
        rows=await rows(session, ctx.workspace.id, views),
        choice=choice,
        views=VIEWS,
        statuses=STATUSES,
        sentiments=SENTIMENTS,
        channels=channels,
    )


@router.get("/inbox/rows/{conversation_id}")
async def inbox_row(conversation_id: str, request: Request, session: SessionDep) -> Response:
    """One row of the inbox as JSON, for the page's script when a conversation changes."""
    ctx = await console_of(request, session)
    if ctx is None:
        return JSONResponse({"error": {"message": "sign in"}}, status_code=401)
    if not ctx.can("agent"):
        return JSONResponse({"error": {"message": ctx.t("shell.forbidden")}}, status_code=403)
    try:
        view = await conversations.get_conversation(session, ctx.workspace.id, conversation_id)
    except NotFound:
        return JSONResponse({"error": {"message": ctx.t("shell.not_found")}}, status_code=404)
    return JSONResponse((await rows(session, ctx.workspace.id, [view]))[0])
