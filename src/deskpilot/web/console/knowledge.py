"""The knowledge base editor: the articles list, the editor (live preview, versions, diff,
rollback), the review queue and the knowledge-gaps report.

Pages render their first paint on the server; ``static/console/kb_editor.js`` saves, publishes,
archives, diffs and rolls back through the JSON API (``/api/v1/kb/...``). The preview is rendered
by ``POST /api/v1/kb/preview`` with the help center's own Markdown renderer, so what the editor
shows is what the help center will show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from deskpilot.auth import users
from deskpilot.auth.dependencies import AgentAuth
from deskpilot.kit.deps import SessionDep
from deskpilot.kit.errors import InvalidInput, NotFound
from deskpilot.knowledge import quality, service
from deskpilot.knowledge.schemas import LANGUAGE, ArticleFilter, ArticleRead, CategoryRead
from deskpilot.models import ArticleStatus, Visibility
from deskpilot.tickets.routing.teams import list_teams
from deskpilot.web.console.context import Console
from deskpilot.web.console.pages import member_of, not_found, render
from deskpilot.web.help import render_markdown

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/v1/kb", tags=["knowledge"])

PAGE_SIZE = 25
MAX_SCANNED = 500  # articles looked through for an owner-team filter (not in the API's filter)
GAP_DAYS = (7, 30, 90)

Text = Annotated[str | None, Query(max_length=200)]


class PreviewRequest(BaseModel):
    body: str = Field(max_length=200_000, description="Markdown.")


class PreviewRead(BaseModel):
    html: str = Field(description="The body as the help center renders it (raw HTML escaped).")


@api_router.post("/preview")
async def preview(body: PreviewRequest, principal: AgentAuth) -> PreviewRead:
    """Render Markdown exactly as the help center does (the editor's live preview)."""
    return PreviewRead(html=render_markdown(body.body))


@dataclass(frozen=True, slots=True)
class DiffLine:
    kind: Literal["add", "remove", "context", "hunk"]
    text: str


def diff_lines(diff: str) -> list[DiffLine]:
    """A unified diff as lines to show (the ``---``/``+++`` header left out)."""
    lines: list[DiffLine] = []
    for line in diff.splitlines():
        if line.startswith(("--- ", "+++ ")):
            continue
        if line.startswith("@@"):
            lines.append(DiffLine("hunk", line))
        elif line.startswith("+"):
            lines.append(DiffLine("add", line[1:]))
        elif line.startswith("-"):
            lines.append(DiffLine("remove", line[1:]))
        else:
            lines.append(DiffLine("context", line[1:] if line.startswith(" ") else line))
    return lines


async def _may_publish(session: SessionDep, ctx: Console) -> bool:
    needed = await quality.publish_role(session, ctx.workspace.id)
    return ctx.role.at_least(needed)


E = TypeVar("E", ArticleStatus, Visibility)


def _choice(kind: type[E], value: str | None) -> E | None:
    try:
        return kind(value) if value else None
    except ValueError:
        return None


async def _team_names(session: SessionDep, workspace_id: str) -> list[str]:
    return sorted(team.name for team in await list_teams(session, workspace_id))


@router.get("/kb", response_class=HTMLResponse)
async def kb_list(
    request: Request,
    session: SessionDep,
    status: Text = None,
    category: Text = None,
    language: Text = None,
    visibility: Text = None,
    owner_team: Text = None,
    q: Text = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    ctx = await member_of(request, session, "agent")
    if not isinstance(ctx, Console):
        return ctx
    categories = await service.list_categories(session, ctx.workspace.id)
    by_slug = {c.slug: c for c in categories}
    chosen = by_slug.get(category or "")
    language = (language or "").strip() or None
    filters = ArticleFilter(
        status=_choice(ArticleStatus, status),
        category_id=chosen.id if chosen else None,
        language=language if language and LANGUAGE.match(language) else None,
        visibility=_choice(Visibility, visibility),
        q=(q or "").strip() or None,
    )
    team = (owner_team or "").strip()
    articles: list[ArticleRead] = []
    next_cursor = cursor
    scanned = 0
    error = False
    while len(articles) < PAGE_SIZE and scanned < MAX_SCANNED:
        try:
            page = await service.list_articles(
                session, ctx.workspace.id, filters, next_cursor, PAGE_SIZE
            )
        except InvalidInput:  # a cursor from elsewhere: start again from the newest
            if next_cursor is None:
                raise
            error, next_cursor = True, None
            continue
        scanned += len(page.items)
        for summary in page.items:
            article = await service.read_article(session, ctx.workspace.id, summary.id)
            if not team or (article.owner_team or "").lower() == team.lower():
                articles.append(article)
        next_cursor = page.next_cursor
        if next_cursor is None or not team:
            break
    names = {c.slug: c.name for c in categories}
    shown = {
        "status": filters.status.value if filters.status else "",
        "category": chosen.slug if chosen else "",
        "language": filters.language or "",
        "visibility": filters.visibility.value if filters.visibility else "",
        "owner_team": team,
        "q": filters.q or "",
    }
    given = {name: value for name, value in shown.items() if value}
    return render(
        request,
        ctx,
        "console/kb_list.html",
        articles=articles,
        categories=categories,
        category_names=names,
        teams=await _team_names(session, ctx.workspace.id),
        filters=shown,
        filtered=bool(given),
        next_url=f"/kb?{urlencode(given | {'cursor': next_cursor})}" if next_cursor else None,
        first_url=f"/kb?{urlencode(given)}" if cursor else None,
        bad_cursor=error,
        statuses=[s.value for s in ArticleStatus],
        visibilities=[v.value for v in Visibility],
    )


async def _editor(
    request: Request,
    session: SessionDep,
    ctx: Console,
    article: ArticleRead | None,
    prefill: dict[str, str],
) -> Response:
    categories: list[CategoryRead] = await service.list_categories(session, ctx.workspace.id)
    versions = []
    diff = None
    if article is not None:
        summaries = await service.versions(session, ctx.workspace.id, article.id)
        authors: dict[str, str] = {}
        for summary in summaries:
            author_id = summary.author_id
            if author_id and author_id not in authors:
                user = await users.get_user(session, author_id)
                authors[author_id] = user.name if user else author_id
        versions = [(v, authors.get(v.author_id, "") if v.author_id else "") for v in summaries]
        if article.current_version > 1:
            diff = await service.diff(session, ctx.workspace.id, article.id, None, None)
    return render(
        request,
        ctx,
        "console/kb_edit.html",
        article=article,
        prefill=prefill,
        categories=categories,
        teams=await _team_names(session, ctx.workspace.id),
        versions=versions,
        diff=diff,
        diff_lines=diff_lines(diff.diff) if diff else [],
        may_publish=await _may_publish(session, ctx),
        preview_html=render_markdown(article.body) if article else "",
        help_url=f"/help/{ctx.workspace.slug}/articles/{article.id}" if article else None,
        visibilities=[v.value for v in Visibility],
    )


@router.get("/kb/new", response_class=HTMLResponse)
async def kb_new(
    request: Request,
    session: SessionDep,
    title: Annotated[str | None, Query(max_length=300)] = None,
    language: Annotated[str | None, Query(max_length=16)] = None,
) -> Response:
    ctx = await member_of(request, session, "agent")
    if not isinstance(ctx, Console):
        return ctx
    tag = (language or "").strip()
    prefill = {
        "title": (title or "").strip(),
        "language": tag if LANGUAGE.match(tag) else ctx.workspace.default_language,
    }
    return await _editor(request, session, ctx, None, prefill)


@router.get("/kb/review", response_class=HTMLResponse)
async def kb_review(request: Request, session: SessionDep) -> Response:
    ctx = await member_of(request, session, "agent")
    if not isinstance(ctx, Console):
        return ctx
    items = await quality.review_queue(session, ctx.workspace.id)
    return render(
        request,
        ctx,
        "console/kb_review.html",
        queue=items,
        may_publish=await _may_publish(session, ctx),
    )


@router.get("/kb/gaps", response_class=HTMLResponse)
async def kb_gaps(
    request: Request, session: SessionDep, days: Annotated[str | None, Query()] = None
) -> Response:
    ctx = await member_of(request, session, "agent")
    if not isinstance(ctx, Console):
        return ctx
    chosen = int(days) if days and days.isdigit() and int(days) in GAP_DAYS else 30
    # TF-IDF only: the page must be fast, and needs no model (the API offers method=auto)
    report = await quality.gap_report(session, ctx.workspace.id, chosen, use_default_embedder=False)
    return render(request, ctx, "console/kb_gaps.html", report=report, day_choices=GAP_DAYS)


@router.get("/kb/{article_id}", response_class=HTMLResponse)
async def kb_edit(request: Request, session: SessionDep, article_id: str) -> Response:
    ctx = await member_of(request, session, "agent")
    if not isinstance(ctx, Console):
        return ctx
    try:
        article = await service.read_article(session, ctx.workspace.id, article_id)
    except NotFound:
        return not_found(request, ctx)
    return await _editor(request, session, ctx, article, {})
