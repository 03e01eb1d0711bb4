"""Customer pages: a ticket's tracking page and its satisfaction survey (no sign-in).

``/track/{workspace_slug}/{reference}?token=...``: references are numbered per workspace, so
the workspace's slug is part of the path. The signed token is the credential; an unknown
workspace or reference and a missing or wrong token all get the same 404 page, byte for byte.
The page's forms (add information, reopen) carry the token in a hidden field, which is also
what protects them from cross-site posts: another site cannot know it.

``/survey/{survey_token}``: the 1-5 survey of a solved ticket, answered once.

The language is ``?lang=``, then ``Accept-Language``, then the ticket's. Every request counts
against the client's address (see ``tickets.tracking.access``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from deskpilot.kit.deps import ResourcesDep, SessionDep
from deskpilot.kit.errors import Conflict
from deskpilot.tickets.csat import service as csat
from deskpilot.tickets.csat.schemas import SurveyAnswer
from deskpilot.tickets.tracking import service, texts
from deskpilot.tickets.tracking.access import (
    check_rate,
    key_of,
    language_of,
    preferred_language,
)
from deskpilot.tickets.tracking.tokens import tracking_path

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")

Language = Annotated[str | None, Query(alias="lang", max_length=16, pattern=r"^[A-Za-z0-9-]+$")]
Token = Annotated[str | None, Query(max_length=200)]
Text = Annotated[str, Form(min_length=1, max_length=10_000)]
PATH = "/track/{workspace_slug}/{reference}"


def _not_found(request: Request, lang: str | None) -> Response:
    """The one 404 page: it depends on the request's language only, never on what exists."""
    language = language_of(request, lang)
    return templates.TemplateResponse(
        request,
        "track_not_found.html",
        {"t": texts.catalog(language), "language": language},
        status_code=404,
    )


@router.get(PATH, response_class=HTMLResponse)
async def track_page(
    request: Request,
    workspace_slug: str,
    reference: str,
    session: SessionDep,
    token: Token = None,
    lang: Language = None,
    done: Annotated[bool, Query()] = False,
    problem: Annotated[bool, Query()] = False,
) -> Response:
    await check_rate(request)
    tracked = await service.find_tracked(session, key_of(request), workspace_slug, reference, token)
    if tracked is None:
        return _not_found(request, lang)
    language = language_of(request, lang, tracked.ticket.language)
    view = await service.public_view(session, tracked, language)
    return templates.TemplateResponse(
        request,
        "track.html",
        {
            "t": texts.catalog(language),
            "language": language,
            "workspace": tracked.workspace,
            "view": view,
            "token": token,
            "action": tracking_path(tracked.workspace.slug, tracked.ticket),
            "done": done,
            "problem": problem,
        },
    )


def _back(workspace_slug: str, reference: str, token: str, lang: str | None, **extra: str) -> str:
    query = {"token": token, **({"lang": lang} if lang else {}), **extra}
    return f"/track/{workspace_slug}/{reference}?{urlencode(query)}"


@router.post(PATH + "/comment")
async def track_comment(
    request: Request,
    workspace_slug: str,
    reference: str,
    session: SessionDep,
    resources: ResourcesDep,
    token: Annotated[str, Form(max_length=200)],
    text: Text,
    lang: Annotated[str | None, Form(max_length=16)] = None,
) -> Response:
    """Add information; back to the page (303)."""
    await check_rate(request)
    tracked = await service.find_tracked(session, key_of(request), workspace_slug, reference, token)
    if tracked is None:
        return _not_found(request, lang)
    try:
        await service.add_information(session, resources.bus, tracked.ticket, text)
    except Conflict:
        url = _back(tracked.workspace.slug, reference, token, lang, problem="true")
        return RedirectResponse(url, status_code=303)
    url = _back(tracked.workspace.slug, reference, token, lang, done="true")
    return RedirectResponse(url, status_code=303)


@router.post(PATH + "/reopen")
async def track_reopen(
    request: Request,
    workspace_slug: str,
    reference: str,
    session: SessionDep,
    resources: ResourcesDep,
    token: Annotated[str, Form(max_length=200)],
    text: Annotated[str | None, Form(max_length=10_000)] = None,
    lang: Annotated[str | None, Form(max_length=16)] = None,
) -> Response:
    """Reopen a solved ticket; back to the page (303)."""
    await check_rate(request)
    tracked = await service.find_tracked(session, key_of(request), workspace_slug, reference, token)
    if tracked is None:
        return _not_found(request, lang)
    try:
        await service.reopen(session, resources.bus, tracked.ticket, text)
    except Conflict:
        url = _back(tracked.workspace.slug, reference, token, lang, problem="true")
        return RedirectResponse(url, status_code=303)
    url = _back(tracked.workspace.slug, reference, token, lang, done="true")
    return RedirectResponse(url, status_code=303)


@router.get("/survey/{survey_token}", response_class=HTMLResponse)
async def survey_page(
    request: Request,
    survey_token: str,
    session: SessionDep,
    lang: Language = None,
    thanks: Annotated[bool, Query()] = False,
) -> Response:
    await check_rate(request)
    survey = await csat.find_survey(session, key_of(request), survey_token)
    if survey is None:
        return _not_found(request, lang)
    public = await csat.public_survey(session, survey, preferred_language(request, lang))
    return templates.TemplateResponse(
        request,
        "survey.html",
        {
            "t": texts.catalog(public.language),
            "language": public.language,
            "survey": public,
            "survey_token": survey_token,
            "thanks": thanks,
        },
    )


@router.post("/survey/{survey_token}")
async def survey_answer(
    request: Request,
    survey_token: str,
    session: SessionDep,
    resources: ResourcesDep,
    score: Annotated[int, Form(ge=1, le=5)],
    comment: Annotated[str | None, Form(max_length=5000)] = None,
    lang: Annotated[str | None, Form(max_length=16)] = None,
) -> Response:
    """The answer (409 if it was answered already); back to the page with thanks (303)."""
    await check_rate(request)
    survey = await csat.find_survey(session, key_of(request), survey_token)
    if survey is None:
        return _not_found(request, lang)
    await csat.answer(session, resources.bus, survey, SurveyAnswer(score=score, comment=comment))
    query = urlencode({"thanks": "true", **({"lang": lang} if lang else {})})
    return RedirectResponse(f"/survey/{survey_token}?{query}", status_code=303)
