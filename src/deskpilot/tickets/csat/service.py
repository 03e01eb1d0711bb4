"""Satisfaction surveys. When a ticket is solved, a survey (customer, agent = the assignee, the
newest linked conversation) is created and its link posted in that conversation, in the
customer's language. The customer answers once (1-5 and a comment): a second answer is a 409.
An answer writes a public history entry (kind ``survey``) and publishes ``ticket.rated``, and
``ticket.rated_low`` too for a score of ``LOW_SCORE`` or less. Never commits."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.conversations import service as conversations
from deskpilot.customers import service as customers
from deskpilot.kit.bus import Bus, publish_on_commit
from deskpilot.kit.clock import utcnow
from deskpilot.kit.errors import Conflict, NotFound
from deskpilot.models import SatisfactionSurvey, Ticket, TicketChange, TicketStatus
from deskpilot.tickets import service as tickets
from deskpilot.tickets.csat.repository import SurveyRepository
from deskpilot.tickets.csat.schemas import (
    AgentSatisfaction,
    Aggregate,
    CustomerSatisfaction,
    PublicSurvey,
    SurveyAnswer,
    SurveyRead,
)
from deskpilot.tickets.events import ticket_event
from deskpilot.tickets.repository import TicketChangeRepository, TicketRepository
from deskpilot.tickets.schemas import Actor, reference
from deskpilot.tickets.tracking import texts
from deskpilot.tickets.tracking.tokens import parse_survey_token, survey_url

LOW_SCORE = 2
CUSTOMER_SURVEYS = 100  # the newest surveys listed on a customer


async def send_survey(
    session: AsyncSession, bus: Bus, key: bytes, origin: str, workspace_id: str, ticket_id: str
) -> SatisfactionSurvey | None:
    """Create and post the survey of a solved ticket; None when there is nothing to do (the
    ticket was reopened meanwhile, has no conversation on a channel, or got its survey already
    for this solve)."""
    try:
        view = await tickets.get_ticket(session, workspace_id, ticket_id)
    except NotFound:
        return None
    ticket = view.ticket
    if (
        ticket.status != TicketStatus.SOLVED
        or ticket.solved_at is None
        or not view.conversation_ids
    ):
        return None
    repository = SurveyRepository(session, workspace_id)
    if await repository.sent_since(ticket.id, ticket.solved_at) is not None:
        return None  # this solve's survey is out already (the job ran twice)
    conversation = (
        await conversations.get_conversation(session, workspace_id, view.conversation_ids[-1])
    ).conversation
    survey = repository.add(
        SatisfactionSurvey(
            workspace_id=workspace_id,
            ticket_id=ticket.id,
            customer_id=ticket.customer_id or conversation.customer_id,
            agent_id=ticket.assignee_id,
            conversation_id=conversation.id,
            sent_at=utcnow(),
        )
    )
    await session.flush()
    language = texts.choose(ticket.language, conversation.language)
    text = texts.text(
        language,
        "message.survey",
        reference=reference(ticket.number),
        url=survey_url(origin, survey, key),
    )
    await conversations.post_bot_message(session, bus, conversation, text)
    return survey


async def find_survey(session: AsyncSession, key: bytes, token: str) -> SatisfactionSurvey | None:
    """The survey a genuine token names; None for anything else."""
    found = parse_survey_token(key, token)
    if found is None:
        return None
    workspace_id, survey_id = found
    return await SurveyRepository(session, workspace_id).get(survey_id)


async def public_survey(
    session: AsyncSession, survey: SatisfactionSurvey, language: str | None
) -> PublicSurvey:
    ticket = await _ticket(session, survey)
    return PublicSurvey(
        reference=reference(ticket.number),
        language=texts.choose(language, ticket.language),
        answered=survey.answered_at is not None,
        score=survey.score,
        comment=survey.comment,
    )


async def answer(
    session: AsyncSession, bus: Bus, survey: SatisfactionSurvey, data: SurveyAnswer
) -> SatisfactionSurvey:
    if survey.answered_at is not None:
        raise Conflict("this survey has already been answered")
    ticket = await _ticket(session, survey)
    comment = (data.comment or "").strip() or None
    survey.score = data.score
    survey.comment = comment
    survey.answered_at = utcnow()
    actor = Actor("customer", survey.customer_id)
    TicketChangeRepository(session, survey.workspace_id).add(
        TicketChange(
            workspace_id=survey.workspace_id,
            ticket_id=ticket.id,
            actor_type=actor.type,
            actor_id=actor.id,
            kind="survey",
            changes={"score": [None, data.score]},
            note=comment,
            is_public=True,
        )
    )
    await session.flush()
    conversation_ids = (await tickets.views(session, [ticket]))[0].conversation_ids
    extra = {"score": data.score, "comment": comment, "survey_id": survey.id}
    names = ["ticket.rated"] + (["ticket.rated_low"] if data.score <= LOW_SCORE else [])
    for name in names:
        publish_on_commit(
            session, bus, ticket_event(name, ticket, conversation_ids, actor, **extra)
        )
    return survey


async def _ticket(session: AsyncSession, survey: SatisfactionSurvey) -> Ticket:
    return await TicketRepository(session, survey.workspace_id).get_or_404(survey.ticket_id)


async def ticket_surveys(
    session: AsyncSession, workspace_id: str, ticket_id: str
) -> list[SurveyRead]:
    await tickets.get_ticket(session, workspace_id, ticket_id)  # 404 for another workspace's
    surveys = await SurveyRepository(session, workspace_id).of_ticket(ticket_id)
    return [SurveyRead.model_validate(s) for s in surveys]


async def customer_satisfaction(
    session: AsyncSession, workspace_id: str, customer_id: str
) -> CustomerSatisfaction:
    await customers.get_customer(session, workspace_id, customer_id)
    surveys = await SurveyRepository(session, workspace_id).of_customer(
        customer_id, CUSTOMER_SURVEYS
    )
    answered = [s for s in surveys if s.score is not None]
    return CustomerSatisfaction(
        customer_id=customer_id,
        surveys=[SurveyRead.model_validate(s) for s in surveys],
        **_aggregate(len(surveys), answered).model_dump(),
    )


async def agent_satisfaction(
    session: AsyncSession, workspace_id: str, agent_id: str | None, days: int
) -> AgentSatisfaction:
    """Surveys sent, and answers given, in the last ``days`` days (of one agent, or all)."""
    since = utcnow() - timedelta(days=days)
    repository = SurveyRepository(session, workspace_id)
    answered = await repository.answered_since(since, agent_id)
    sent = await repository.sent_count_since(since, agent_id)
    return AgentSatisfaction(
        agent_id=agent_id, days=days, **_aggregate(sent, answered).model_dump()
    )


def _aggregate(sent: int, answered: Sequence[SatisfactionSurvey]) -> Aggregate:
    scores = [s.score for s in answered if s.score is not None]
    counts = Counter(scores)
    return Aggregate(
        sent=sent,
        answered=len(scores),
        average=round(sum(scores) / len(scores), 2) if scores else None,
        distribution={str(score): counts.get(score, 0) for score in range(1, 6)},
    )
