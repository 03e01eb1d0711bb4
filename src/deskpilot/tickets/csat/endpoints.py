"""Satisfaction results for agents (signed in), and the public survey API (the token in the
path is the credential; every failure to find is the same 404 body)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from deskpilot.auth.dependencies import ViewerAuth
from deskpilot.kit.deps import ResourcesDep, SessionDep
from deskpilot.tickets.csat import service
from deskpilot.tickets.csat.schemas import (
    AgentSatisfaction,
    CustomerSatisfaction,
    PublicSurvey,
    SurveyAnswer,
    SurveyRead,
)
from deskpilot.tickets.tracking.access import check_rate, key_of, not_found_json, preferred_language

router = APIRouter(prefix="/api/v1", tags=["satisfaction"])
public_router = APIRouter(prefix="/api/public/surveys", tags=["satisfaction"])

Language = Annotated[str | None, Query(alias="lang", max_length=16, pattern=r"^[A-Za-z0-9-]+$")]


@router.get("/tickets/{ticket_id}/surveys", response_model=list[SurveyRead])
async def ticket_surveys(
    ticket_id: str, principal: ViewerAuth, session: SessionDep
) -> list[SurveyRead]:
    return await service.ticket_surveys(session, principal.workspace_id, ticket_id)


@router.get("/customers/{customer_id}/satisfaction", response_model=CustomerSatisfaction)
async def customer_satisfaction(
    customer_id: str, principal: ViewerAuth, session: SessionDep
) -> CustomerSatisfaction:
    return await service.customer_satisfaction(session, principal.workspace_id, customer_id)


@router.get("/satisfaction", response_model=AgentSatisfaction)
async def satisfaction(
    principal: ViewerAuth,
    session: SessionDep,
    agent_id: Annotated[str | None, Query(max_length=40)] = None,
    days: Annotated[int, Query(ge=1, le=366)] = 30,
) -> AgentSatisfaction:
    """Count, average and distribution of answers in the last ``days`` days, of one agent
    (the ticket's assignee when the survey was sent) or of the whole workspace."""
    return await service.agent_satisfaction(session, principal.workspace_id, agent_id, days)


@public_router.get("/{survey_token}", response_model=PublicSurvey, responses={404: {}})
async def public_survey(
    request: Request, survey_token: str, session: SessionDep, lang: Language = None
) -> PublicSurvey | Response:
    await check_rate(request)
    survey = await service.find_survey(session, key_of(request), survey_token)
    if survey is None:
        return not_found_json()
    return await service.public_survey(session, survey, preferred_language(request, lang))


@public_router.post("/{survey_token}", response_model=PublicSurvey, responses={404: {}, 409: {}})
async def answer_survey(
    request: Request,
    survey_token: str,
    body: SurveyAnswer,
    session: SessionDep,
    resources: ResourcesDep,
    lang: Language = None,
) -> PublicSurvey | Response:
    """The customer's answer, once (409 the second time)."""
    await check_rate(request)
    survey = await service.find_survey(session, key_of(request), survey_token)
    if survey is None:
        return not_found_json()
    await service.answer(session, resources.bus, survey, body)
    return await service.public_survey(session, survey, preferred_language(request, lang))
