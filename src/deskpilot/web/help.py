"""The public help center: a workspace's published, public articles, per language.

``/help/{workspace_slug}`` lists them (``?lang=`` picks the language; the workspace's default
language otherwise) with their categories (``?category=slug`` narrows the list and the search)
and a search box (``?q=``: hybrid search over the public published articles of that language
and category; each result shows its passage as plain text, ``kit.markdown_text``), and
``/help/{workspace_slug}/articles/{article_id}`` shows one, its published
version rendered from Markdown (raw HTML in articles is not passed through). No sign-in: drafts,
unpublished edits, archived and internal articles do not exist here (404).

The interface (titles, search, built-in category names, the feedback form, dates, the 404 page)
speaks the page's language (the list's language, the article's language) in en, zh and ru, and
English otherwise; its words are in ``deskpilot.web.help_texts``. The 404 page, which must not
depend on what exists, takes ``?lang=`` then Accept-Language.

Each article page has a "Was this helpful?" form that posts to
``/help/{workspace_slug}/articles/{article_id}/feedback`` (no sign-in, no CSRF token: a vote is
open to anyone). It is validated (a vote the form never sends is the help center's 422 page,
not JSON), stored against the version the page showed (source ``help_center``), and
rate-limited per client address in each process (``FEEDBACK_PER_WINDOW`` votes per
``FEEDBACK_WINDOW_SECONDS``; beyond, a 429 page with ``Retry-After``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field, ValidationError

from deskpilot.ai.replies.compose import MIN_SIMILARITY
from deskpilot.kit.deps import Resources, ResourcesDep, SessionDep
from deskpilot.kit.errors import NotFound
from deskpilot.kit.markdown_text import PARSER, plain_text
from deskpilot.kit.ratelimit import RateLimiter
from deskpilot.knowledge import quality, service
from deskpilot.knowledge.retrieval.service import search_knowledge
from deskpilot.knowledge.schemas import canonical_language
from deskpilot.models import ArticleVersion, Visibility, Workspace
from deskpilot.web import help_texts
from deskpilot.workspaces.service import find_workspace_by_slug

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


def render_markdown(text: str) -> str:
    """An article's Markdown as the help center shows it (raw HTML in it is escaped; tables,
    as the HTML import writes them, are tables); the console's editor preview uses the same,
    so the preview is what readers will see. Search snippets are the same Markdown read as
    plain text (``kit.markdown_text``, with the same parser)."""
    html: str = PARSER.render(text)
    return html


FEEDBACK_PER_WINDOW = 10
FEEDBACK_WINDOW_SECONDS = 600
MAX_COMMENT_CHARS = 2000  # the form's textarea says as much
MAX_QUERY_CHARS = 500
SEARCH_LIMIT = 20  # results a page
ARTICLES_PER_PAGE = 50
MAX_PAGE = 100
MAX_SEARCH_PAGE = 10  # 200 results: a public page asks the search for no more
PASSAGE_CHARS = 240

LANGUAGE_CODE = re.compile(r"[A-Za-z0-9-]{1,16}")
MAX_PAGE_DIGITS = 8

# Query values are checked here, not by FastAPI: a visitor who edits the address gets a page
# (a 400 or a 404), not a JSON error.
Language = Annotated[str | None, Query(alias="lang")]


async def _workspace(session: SessionDep, slug: str) -> Workspace:
    workspace = await find_workspace_by_slug(session, slug)
    if workspace is None:
        raise NotFound.of("help center", slug)
    return workspace


@dataclass(frozen=True, slots=True)
class _Category:
    slug: str
    name: str
    count: int


@dataclass(frozen=True, slots=True)
class _Result:
    article_id: str
    title: str
    passage: str


def _passage(text: str) -> str:
    """A passage as a search result shows it: its plain text, on one line, cut short."""
    flat = " ".join(plain_text(text).split())
    return flat if len(flat) <= PASSAGE_CHARS else flat[: PASSAGE_CHARS - 1].rstrip() + "…"


async def _search(
    session: SessionDep,
    resources: Resources,
    workspace: Workspace,
    query: str,
    language: str | None,
    category_id: str | None,
    shown: dict[str, ArticleVersion],
    page: int,
) -> list[_Result]:
    """The search hits among the articles the page may show, up to the end of ``page`` (one
    more when there is a next page): the index follows publishing through a job, so a hit is
    checked against what is published and public right now, and one that does not speak to
    the query (``SearchHit.speaks_to``, at the bar the bot answers at) is left out ("nothing
    found" rather than the nearest unrelated articles). The category (the page's
    ``?category=``) narrows the search itself, not its top hits."""
    found = await search_knowledge(
        session,
        workspace.id,
        query,
        language=language,
        category=category_id,
        visibility=Visibility.PUBLIC,
        limit=SEARCH_LIMIT * page + 1,
        resources=resources,
    )
    results: list[_Result] = []
    for hit in found.hits:
        version = shown.get(hit.article_id)
        if (
            version is None
            or version.number != hit.version
            or not hit.speaks_to(query, MIN_SIMILARITY)
        ):
            continue
        results.append(_Result(hit.article_id, version.title, _passage(hit.text)))
    return results


def _interface(language: str) -> dict[str, object]:
    """What every help-center template needs to speak the page's language."""
    ui = help_texts.interface_language(language)
    return {
        "ui_language": ui,
        "t": help_texts.TEXTS[ui],
        "language_names": help_texts.LANGUAGE_NAMES,
    }


def _not_found(request: Request, lang: str | None) -> Response:
    """The help center's 404 is a page for people, the same whatever was missing (a
    workspace, an article, a category), so it tells nothing about what exists: its language
    comes from the request alone (``?lang=``, then Accept-Language)."""
    language = help_texts.pick_language(lang, request.headers.get("accept-language"))
    return templates.TemplateResponse(
        request, "help_not_found.html", _interface(language), status_code=404
    )


def _bad_request(
    request: Request,
    lang: str | None,
    reason: str,
    *,
    limit: int = MAX_QUERY_CHARS,
    status_code: int = 400,
) -> Response:
    """The help center's page for input it cannot read: an address (400; ``reason`` is
    ``bad_request.lang`` or ``bad_request.q``) or a vote the form never sends (422,
    ``bad_vote.form`` or ``bad_vote.comment``). ``reason`` is a key of ``help_texts.TEXTS``
    saying what is wrong; the title and heading are those of its kind."""
    valid = lang if lang is not None and LANGUAGE_CODE.fullmatch(lang) else None
    language = help_texts.pick_language(valid, request.headers.get("accept-language"))
    context = _interface(language)
    texts = help_texts.TEXTS[str(context["ui_language"])]
    kind = reason.split(".")[0]
    context["error"] = {
        "title": texts[f"{kind}.title"],
        "heading": texts[f"{kind}.heading"],
        "body": texts[reason].format(limit=limit),
    }
    return templates.TemplateResponse(
        request, "help_not_found.html", context, status_code=status_code
    )


def _query_problem(lang: str | None, q: str | None = None) -> str | None:
    """What is wrong with the query values a visitor may have typed (None: nothing)."""
    if lang is not None and not LANGUAGE_CODE.fullmatch(lang):
        return "bad_request.lang"
    if q is not None and len(q) > MAX_QUERY_CHARS:
        return "bad_request.q"
    return None


@router.get("/help/{workspace_slug}", response_class=HTMLResponse)
async def help_home(
    request: Request,
    workspace_slug: str,
    session: SessionDep,
    resources: ResourcesDep,
    lang: Language = None,
    q: Annotated[str | None, Query()] = None,
    category: Annotated[str | None, Query()] = None,
    page: Annotated[str | None, Query()] = None,
) -> Response:
    """The articles of one language, by category (``?category=slug``, read ignoring case), or
    the passages that answer ``?q=`` best; ``?page=`` pages through either
    (``ARTICLES_PER_PAGE`` articles, ``SEARCH_LIMIT`` results). A language that is no language
    code or a search over ``MAX_QUERY_CHARS`` is a 400 page; a page that is not there, a 404."""
    problem = _query_problem(lang, q)
    if problem is not None:
        return _bad_request(request, lang, problem)
    number = (
        int(page)
        if page and page.isdecimal() and page.isascii() and len(page) <= MAX_PAGE_DIGITS
        else 1
        if page is None
        else 0
    )
    query = " ".join((q or "").split())
    try:
        workspace = await _workspace(session, workspace_slug)
    except NotFound:
        return _not_found(request, lang)
    if not 1 <= number <= (MAX_SEARCH_PAGE if query else MAX_PAGE):
        return _not_found(request, lang)  # "?page=abc", "?page=0": no such page
    languages = await service.help_languages(session, workspace.id)
    language = canonical_language(lang) if lang else workspace.default_language
    if lang is None and language not in languages and languages:
        language = languages[0]
    pairs = await service.help_articles(session, workspace.id, language)
    every = await service.help_categories(session, workspace.id)
    by_id = {c.id: c for c in every}
    wanted = category.strip().lower() if category is not None else None
    selected = next((c for c in every if c.slug == wanted), None)
    counts = Counter(a.category_id for a, _ in pairs if a.category_id in by_id)
    if category is not None and (selected is None or not counts[selected.id]):
        return _not_found(request, lang)  # unknown, or nothing public in it: the same page
    categories = [
        _Category(c.slug, help_texts.category_name(c.slug, c.name, language), counts[c.id])
        for c in every
        if counts[c.id]
    ]
    if selected is not None:
        pairs = [(a, v) for a, v in pairs if a.category_id == selected.id]
    results: list[_Result] | None = None
    if query:
        shown = {a.id: v for a, v in pairs}
        results = await _search(
            session,
            resources,
            workspace,
            query,
            language,
            selected.id if selected is not None else None,
            shown,
            number,
        )
        more = len(results) > SEARCH_LIMIT * number
        results = results[SEARCH_LIMIT * (number - 1) : SEARCH_LIMIT * number]
        pairs = pairs[:ARTICLES_PER_PAGE]  # to browse below the results: the pages page these
    else:
        more = len(pairs) > ARTICLES_PER_PAGE * number
        if number > 1 and len(pairs) <= ARTICLES_PER_PAGE * (number - 1):
            return _not_found(request, lang)  # past the last page
        pairs = pairs[ARTICLES_PER_PAGE * (number - 1) : ARTICLES_PER_PAGE * number]
    return templates.TemplateResponse(
        request,
        "help_home.html",
        {
            "workspace": workspace,
            "language": language,
            "languages": languages,
            "categories": categories,
            "category": selected,
            "query": query,
            "results": results,
            "articles": [(a.id, v.title) for a, v in pairs],
            "first_result": SEARCH_LIMIT * (number - 1) + 1,
            "pages": _pages(language, selected.slug if selected else None, query, number, more),
            **_interface(language),
        },
    )


def _pages(
    language: str, category: str | None, query: str, page: int, more: bool
) -> dict[str, str]:
    """The query strings of the previous and the next page, when there are such pages."""
    kept = {"lang": language, "category": category, "q": query or None}
    kept_args = {k: v for k, v in kept.items() if v is not None}
    links = {}
    if page > 1:
        links["previous"] = urlencode({**kept_args, "page": page - 1})
    if more and page < (MAX_SEARCH_PAGE if query else MAX_PAGE):
        links["next"] = urlencode({**kept_args, "page": page + 1})
    return links


@router.get("/help/{workspace_slug}/articles/{article_id}", response_class=HTMLResponse)
async def help_article(
    request: Request,
    workspace_slug: str,
    article_id: str,
    session: SessionDep,
    thanks: Annotated[str | None, Query()] = None,
    lang: Language = None,
) -> Response:
    """One article; its interface speaks the article's language (``?lang=`` only chooses the
    404 page's language, as that page must not depend on the article). ``?thanks=true`` (where
    a vote leads) adds a thank-you; any other value is no vote and is ignored."""
    problem = _query_problem(lang)
    if problem is not None:
        return _bad_request(request, lang, problem)
    try:
        workspace = await _workspace(session, workspace_slug)
        article, version = await service.help_article(session, workspace.id, article_id)
    except NotFound:
        return _not_found(request, lang)
    return templates.TemplateResponse(
        request,
        "help_article.html",
        {
            "workspace": workspace,
            "language": article.language,
            "title": version.title,
            "body_html": render_markdown(version.body),
            "updated_at": version.created_at,
            "updated": help_texts.format_date(version.created_at.date(), article.language),
            "article_id": article.id,
            "version": version.number,
            "comment_limit": MAX_COMMENT_CHARS,
            "thanks": (thanks or "").strip().lower() in {"true", "1", "yes", "on"},
            **_interface(article.language),
        },
    )


def _feedback_limiter(request: Request) -> RateLimiter:
    """One in-memory limiter per app (it holds no connections, so nothing to close)."""
    limiter: RateLimiter | None = getattr(request.app.state, "help_feedback_limiter", None)
    if limiter is None:
        limiter = RateLimiter(FEEDBACK_PER_WINDOW, FEEDBACK_WINDOW_SECONDS)
        request.app.state.help_feedback_limiter = limiter
    return limiter


class _Vote(BaseModel):
    """What the feedback form sends, with the rules FastAPI used to apply to its fields
    (``helpful``: true/false, yes/no, on/off, 1/0)."""

    helpful: bool
    comment: str | None = Field(None, max_length=MAX_COMMENT_CHARS)
    version: int | None = Field(None, ge=1)


# The form's fields are read as text and checked here, not by FastAPI: a vote the form never
# sends ("helpful=maybe", "version=abc") gets the help center's page (422), not a JSON error.
FormText = Annotated[str | None, Form()]


@router.post("/help/{workspace_slug}/articles/{article_id}/feedback")
async def help_feedback(
    request: Request,
    workspace_slug: str,
    article_id: str,
    session: SessionDep,
    helpful: FormText = None,
    comment: FormText = None,
    version: FormText = None,
) -> Response:
    """A visitor's vote; back to the article with a thank-you (303)."""
    try:
        vote = _Vote.model_validate({"helpful": helpful, "comment": comment, "version": version})
    except ValidationError as exc:
        wrong = {str(error["loc"][0]) for error in exc.errors()}
        reason = "bad_vote.form" if wrong - {"comment"} else "bad_vote.comment"
        return _bad_request(request, None, reason, limit=MAX_COMMENT_CHARS, status_code=422)
    limiter = _feedback_limiter(request)
    address = request.client.host if request.client else "unknown"
    if not await limiter.allowed("help_feedback", address):
        page = _bad_request(request, None, "bad_vote.too_many", status_code=429)
        page.headers["Retry-After"] = str(await limiter.retry_after("help_feedback", address))
        return page
    try:
        workspace = await _workspace(session, workspace_slug)
        await quality.record_help_center_feedback(
            session, workspace.id, article_id, vote.helpful, vote.comment, vote.version
        )
    except NotFound:  # withdrawn since the page was shown: the page for people, naming nothing
        return _not_found(request, None)
    await limiter.hit("help_feedback", address)
    return RedirectResponse(
        f"/help/{workspace.slug}/articles/{article_id}?thanks=true", status_code=303
    )
