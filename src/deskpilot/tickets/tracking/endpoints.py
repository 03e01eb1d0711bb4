"""The public tracking API for the web chat widget and other clients: no sign-in, the signed
token is the credential. Every failure to find is the same 404 body."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from deskpilot.kit.deps import ResourcesDep, SessionDep
from deskpilot.tickets.tracking import service
from deskpilot.tickets.tracking.access import (
    check_rate,
    key_of,
    language_of,
    not_found_json,
)
from deskpilot.tickets.tracking.schemas import CustomerText, ReopenRequest, TrackRead

router = APIRouter(prefix="/api/public/track", tags=["tracking"])

Token = Annotated[str | None, Query(max_length=200)]
Language = Annotated[str | None, Query(alias="lang", max_length=16, pattern=r"^[A-Za-z0-9-]+$")]
PATH = "/{workspace_slug}/{reference}"


@router.get(PATH, response_model=TrackRead, responses={404: {}})
async def track(
    request: Request,
    workspace_slug: str,
    reference: str,
    session: SessionDep,
    token: Token = None,
    lang: Language = None,
) -> TrackRead | Response:
    await check_rate(request)
    tracked = await service.find_tracked(session, key_of(request), workspace_slug, reference, token)
    if tracked is None:
        return not_found_json()
    language = language_of(request, lang, tracked.ticket.language)
    return await service.public_view(session, tracked, language)


@router.post(PATH + "/comments", response_model=TrackRead, responses={404: {}, 409: {}})
async def add_information(
    request: Request,
    workspace_slug: str,
    reference: str,
    body: CustomerText,
    session: SessionDep,
    resources: ResourcesDep,
    token: Token = None,
    lang: Language = None,
) -> TrackRead | Response:
    """The customer adds information: a public comment (``ticket.commented``, actor
    ``customer``); a ticket waiting for the customer is open again."""
    await check_rate(request)
    tracked = await service.find_tracked(session, key_of(request), workspace_slug, reference, token)
    if tracked is None:
        return not_found_json()
    await service.add_information(session, resources.bus, tracked.ticket, body.text)
    language = language_of(request, lang, tracked.ticket.language)
    return await service.public_view(session, tracked, language)


@router.post(PATH + "/reopen", response_model=TrackRead, responses={404: {}, 409: {}})
async def reopen(
    request: Request,
    workspace_slug: str,
    reference: str,
    body: ReopenRequest,
    session: SessionDep,
    resources: ResourcesDep,
    token: Token = None,
    lang: Language = None,
) -> TrackRead | Response:
    """A solved ticket back to ``open`` (409 for any other status, closed included)."""
    await check_rate(request)
    tracked = await service.find_tracked(session, key_of(request), workspace_slug, reference, token)
    if tracked is None:
        return not_found_json()
    await service.reopen(session, resources.bus, tracked.ticket, body.text)
    language = language_of(request, lang, tracked.ticket.language)
    return await service.public_view(session, tracked, language)
