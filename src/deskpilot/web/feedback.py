"""The public feedback form: ``GET /feedback/{workspace_slug}`` shows it (en, zh or ru by
``?lang=``, else Accept-Language), ``POST`` files the feedback and shows the thank-you page
with the ticket's reference, the tracking link and the instant answer when there is one.

No sign-in and no CSRF token, like the help center's votes: the form is open to anyone and
acts for nobody signed in (there is no session a forged post could borrow). Submissions are
rate-limited per address, shared with the JSON API (``deskpilot.feedback.endpoints``). Bad
input shows the form again (422) with the errors and everything typed kept (files must be
picked again: browsers never refill file inputs).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from deskpilot.config import SettingsDep
from deskpilot.feedback import endpoints as api
from deskpilot.feedback.classify import CATEGORIES
from deskpilot.feedback.schemas import MAX_ATTACHMENTS
from deskpilot.feedback.service import submit_feedback, workspace_of
from deskpilot.kit.deps import ResourcesDep, SessionDep
from deskpilot.kit.errors import FieldError, InvalidInput
from deskpilot.models import Workspace
from deskpilot.web.feedback_texts import LANGUAGES, TEXTS, pick_language

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")

Language = Annotated[str | None, Query(alias="lang", max_length=16, pattern=r"^[A-Za-z0-9-]+$")]
_KNOWN_FIELDS = ("text", "email", "name", "consent", "category", "attachments")


def _language(request: Request, lang: str | None) -> str:
    return pick_language(lang, request.headers.get("accept-language"))


def _messages(errors: list[FieldError], texts: dict[str, str]) -> list[str]:
    """One message per field in the page's language (attachments keep their detail)."""
    out: list[str] = []
    for error in errors:
        name = error.field.split(".")[-1]
        key = name if name in _KNOWN_FIELDS else "text"
        message = texts[f"error.{key}"]
        if key == "attachments":
            message += error.reason
        if message not in out:
            out.append(message)
    return out


def _form(
    request: Request,
    workspace: Workspace,
    language: str,
    *,
    values: dict[str, Any] | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> Response:
    return templates.TemplateResponse(
        request,
        "feedback.html",
        {
            "workspace": workspace,
            "language": language,
            "languages": LANGUAGES,
            "t": TEXTS[language],
            "categories": CATEGORIES,
            "values": values or {},
            "errors": errors or [],
        },
        status_code=status,
    )


@router.get("/feedback/{workspace_slug}", response_class=HTMLResponse)
async def feedback_page(
    request: Request, workspace_slug: str, session: SessionDep, lang: Language = None
) -> Response:
    workspace = await workspace_of(session, workspace_slug)
    return _form(request, workspace, _language(request, lang))


@router.post("/feedback/{workspace_slug}", response_class=HTMLResponse)
async def feedback_submit(
    request: Request,
    workspace_slug: str,
    session: SessionDep,
    resources: ResourcesDep,
    settings: SettingsDep,
    lang: Language = None,
) -> Response:
    await api.check_rate(request)
    workspace = await workspace_of(session, workspace_slug)
    api.check_declared_size(request)
    async with request.form(max_files=MAX_ATTACHMENTS + 1, max_fields=20) as form:
        fields, uploads = await api.read_form(form)
    language = _language(request, lang or fields.get("language"))
    try:
        data = api.parse_submission(fields, "")
        result = await submit_feedback(session, resources, workspace, data, uploads)
    except InvalidInput as exc:
        messages = _messages(exc.fields, TEXTS[language])
        return _form(request, workspace, language, values=fields, errors=messages, status=422)
    await api.count_submission(request)
    return templates.TemplateResponse(
        request,
        "feedback_thanks.html",
        {"workspace": workspace, "language": language, "t": TEXTS[language], "result": result},
    )
