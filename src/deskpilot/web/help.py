"""The public help center: a workspace's published, public articles, per language.

``/help/{workspace_slug}`` lists them (``?lang=`` picks the language; the workspace's default
language otherwise), ``/help/{workspace_slug}/articles/{article_id}`` shows one, its published
version rendered from Markdown (raw HTML in articles is not passed through). No sign-in: drafts,
unpublished edits, archived and internal articles do not exist here (404).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from markdown_it import MarkdownIt

from deskpilot.kit.deps import SessionDep
from deskpilot.kit.errors import NotFound
from deskpilot.knowledge import service
from deskpilot.models import Workspace
from deskpilot.workspaces.service import find_workspace_by_slug

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False})

Language = Annotated[str | None, Query(alias="lang", max_length=16, pattern=r"^[A-Za-z0-9-]+$")]


async def _workspace(session: SessionDep, slug: str) -> Workspace:
    workspace = await find_workspace_by_slug(session, slug)
    if workspace is None:
        raise NotFound.of("help center", slug)
    return workspace


@router.get("/help/{workspace_slug}", response_class=HTMLResponse)
async def help_home(
    request: Request, workspace_slug: str, session: SessionDep, lang: Language = None
) -> Response:
    workspace = await _workspace(session, workspace_slug)
    languages = await service.help_languages(session, workspace.id)
    language = lang or workspace.default_language
    if lang is None and language not in languages and languages:
        language = languages[0]
    articles = await service.help_articles(session, workspace.id, language)
    return templates.TemplateResponse(
        request,
        "help_home.html",
        {
            "workspace": workspace,
            "language": language,
            "languages": languages,
            "articles": [(a.id, v.title) for a, v in articles],
        },
    )


@router.get("/help/{workspace_slug}/articles/{article_id}", response_class=HTMLResponse)
async def help_article(
    request: Request, workspace_slug: str, article_id: str, session: SessionDep
) -> Response:
    workspace = await _workspace(session, workspace_slug)
    article, version = await service.help_article(session, workspace.id, article_id)
    return templates.TemplateResponse(
        request,
        "help_article.html",
        {
            "workspace": workspace,
            "language": article.language,
            "title": version.title,
            "body_html": _markdown.render(version.body),
            "updated_at": version.created_at,
        },
    )
