"""The public feedback API: ``POST /api/public/feedback/{workspace_slug}``.

No sign-in: anyone may leave feedback. The body is JSON (no files) or multipart form data
(``text``, ``category``, ``email``, ``name``, ``consent``, ``language`` and up to three
``attachments``). Bad input is a 422 naming the fields; an unknown workspace a 404; more than
``PER_WINDOW`` submissions from one address in ``WINDOW_SECONDS`` a 429 (counted per process,
shared with the HTML form). The answer (201) holds the ticket's reference, its classification,
the instant answer when there is one, and the customer's tracking link.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.datastructures import FormData, UploadFile

from deskpilot.config import SettingsDep
from deskpilot.feedback.schemas import (
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    FeedbackResult,
    FeedbackSubmit,
    Upload,
)
from deskpilot.feedback.service import submit_feedback, workspace_of
from deskpilot.kit.deps import ResourcesDep, SessionDep
from deskpilot.kit.errors import (
    BadRequest,
    FieldError,
    InvalidInput,
    PayloadTooLarge,
    TooManyRequests,
    field_errors,
)
from deskpilot.kit.ratelimit import RateLimiter

router = APIRouter(prefix="/api/public/feedback", tags=["feedback"])

PER_WINDOW = 5
WINDOW_SECONDS = 600
MULTIPART_OVERHEAD = 64 * 1024
MAX_BODY_BYTES = MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES + MULTIPART_OVERHEAD
FORM_FIELDS = ("text", "category", "email", "name", "consent", "language")


def limiter_of(request: Request) -> RateLimiter:
    """One in-memory limiter per app for the form and the API (it holds no connections)."""
    limiter: RateLimiter | None = getattr(request.app.state, "feedback_limiter", None)
    if limiter is None:
        limiter = RateLimiter(PER_WINDOW, WINDOW_SECONDS)
        request.app.state.feedback_limiter = limiter
    return limiter


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def check_rate(request: Request) -> None:
    """429 when this address has used up its submissions."""
    limiter, address = limiter_of(request), client_address(request)
    if not await limiter.allowed("feedback", address):
        raise TooManyRequests(
            "too much feedback from this address; try again later",
            await limiter.retry_after("feedback", address),
        )


async def count_submission(request: Request) -> None:
    await limiter_of(request).hit("feedback", client_address(request))


def check_declared_size(request: Request) -> None:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise PayloadTooLarge("the request is too large: at most 3 files of 5 MB each")


async def read_form(form: FormData) -> tuple[dict[str, Any], list[Upload]]:
    """The form's fields (text ones only) and its files, each read to at most the limit + 1
    byte (so an oversize file is refused without reading it all). Empty file inputs are
    skipped (a browser sends one when no file was picked)."""
    fields: dict[str, Any] = {}
    for name in FORM_FIELDS:
        value = form.get(name)
        if isinstance(value, str):
            fields[name] = value
    if "consent" in fields:
        fields["consent"] = fields["consent"].lower() in ("1", "true", "on", "yes")
    uploads = []
    for item in form.getlist("attachments"):
        if not isinstance(item, UploadFile):
            continue
        data = await item.read(MAX_ATTACHMENT_BYTES + 1)
        if not item.filename and not data:
            continue
        uploads.append(
            Upload(item.filename or "file", item.content_type or "application/octet-stream", data)
        )
    return fields, uploads


def parse_submission(fields: dict[str, Any], prefix: str) -> FeedbackSubmit:
    """The submission, or InvalidInput naming each bad field (``prefix.text``)."""
    try:
        return FeedbackSubmit.model_validate(fields)
    except ValidationError as exc:
        raise InvalidInput.of(field_errors(exc.errors(), prefix)) from None


@router.post("/{workspace_slug}", status_code=201)
async def post_feedback(
    workspace_slug: str,
    request: Request,
    session: SessionDep,
    resources: ResourcesDep,
    settings: SettingsDep,
) -> FeedbackResult:
    await check_rate(request)
    workspace = await workspace_of(session, workspace_slug)
    check_declared_size(request)
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        async with request.form(max_files=MAX_ATTACHMENTS + 1, max_fields=20) as form:
            fields, uploads = await read_form(form)
    else:
        try:
            body = json.loads(await request.body())
        except ValueError:
            raise BadRequest("the body must be JSON or multipart form data") from None
        if not isinstance(body, dict):
            raise InvalidInput.of([FieldError("body", "must be a JSON object")])
        fields, uploads = body, []
    data = parse_submission(fields, "body")
    result = await submit_feedback(session, resources, workspace, data, uploads)
    await count_submission(request)
    return result
