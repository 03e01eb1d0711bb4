"""Satisfaction surveys: sent when a ticket is solved, answered once, events, and results."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.config import Settings
from deskpilot.kit.bus import BusEvent, add_transactional_listener, remove_transactional_listener
from deskpilot.kit.deps import Resources
from deskpilot.models import Message, SatisfactionSurvey, TicketStatus
from deskpilot.tickets import service
from deskpilot.tickets.schemas import Actor, TicketUpdate, reference
from deskpilot.tickets.tracking.tokens import signing_key, survey_token
from deskpilot.webhooks.events import KNOWN_EVENTS
from tests.channels.helpers import drain
from tests.factories import Tenant
from tests.tickets.test_tracking import conversation_ticket, set_status, worker


@pytest.fixture
def events() -> Iterator[list[BusEvent]]:
    seen: list[BusEvent] = []

    def listener(session: AsyncSession, event: BusEvent) -> None:
        seen.append(event)

    add_transactional_listener(listener)
    yield seen
    remove_transactional_listener(listener)


async def solved_with_survey(
    resources: Resources, settings: Settings, tenant: Tenant, language: str | None = None
) -> tuple[str, SatisfactionSurvey]:
    """A conversation's ticket, assigned to the owner and solved; the survey the job sent."""
    ticket = (await conversation_ticket(resources, tenant, language=language)).ticket
    await drain(worker(resources, settings))  # the customer's message is handled before
    async with resources.database.transaction() as session:
        await service.update_ticket(
            session,
            resources.bus,
            tenant.workspace_id,
            ticket.id,
            TicketUpdate(assignee_id=tenant.owner_id),
            Actor("user", tenant.owner_id),
        )
    await set_status(resources, tenant, ticket, TicketStatus.SOLVED)
    await drain(worker(resources, settings))
    async with resources.database.transaction() as session:
        surveys = (await session.scalars(select(SatisfactionSurvey))).all()
    assert len(surveys) == 1
    return ticket.id, surveys[0]


async def test_solving_a_ticket_sends_one_survey_in_its_conversation(
    settings: Settings, resources: Resources, tenant: Tenant
) -> None:
    ticket_id, survey = await solved_with_survey(resources, settings, tenant, language="zh")
    async with resources.database.transaction() as session:
        view = await service.get_ticket(session, tenant.workspace_id, ticket_id)
        messages = (
            await session.scalars(
                select(Message)
                .where(Message.direction == "outbound")
                .order_by(Message.created_at, Message.id)
            )
        ).all()
    assert survey.ticket_id == ticket_id
    assert survey.agent_id == tenant.owner_id
    assert survey.customer_id == view.ticket.customer_id is not None
    assert survey.conversation_id == view.conversation_ids[-1]
    assert survey.score is None
    last = messages[-1].text
    assert last.startswith(f"您的请求 {reference(view.ticket.number)} 已解决")
    assert f"/survey/{survey_token(signing_key(resources.secret_box), survey)}" in last

    # the job running again (or another solve event for the same solve) sends nothing more
    await set_status(resources, tenant, view.ticket, TicketStatus.SOLVED)  # no change
    await drain(worker(resources, settings))
    async with resources.database.transaction() as session:
        assert len((await session.scalars(select(SatisfactionSurvey))).all()) == 1


async def test_a_survey_is_answered_once_with_a_public_history_entry_and_events(
    client: httpx.AsyncClient,
    settings: Settings,
    resources: Resources,
    tenant: Tenant,
    events: list[BusEvent],
) -> None:
    ticket_id, survey = await solved_with_survey(resources, settings, tenant)
    path = f"/api/public/surveys/{survey_token(signing_key(resources.secret_box), survey)}"
    shown = await client.get(path)
    assert shown.status_code == 200, shown.text
    assert shown.json()["answered"] is False
    answered = await client.post(path, json={"score": 2, "comment": "Too slow"})
    assert answered.status_code == 200, answered.text
    assert answered.json() | {"language": "en"} == {
        "reference": shown.json()["reference"],
        "language": "en",
        "answered": True,
        "score": 2,
        "comment": "Too slow",
    }
    again = await client.post(path, json={"score": 5})
    assert again.status_code == 409
    assert (await client.post(path, json={"score": 6})).status_code == 422

    rated = [e for e in events if e.name.startswith("ticket.rated")]
    assert [e.name for e in rated] == ["ticket.rated", "ticket.rated_low"]
    assert rated[0].data["id"] == ticket_id
    assert {k: rated[0].data[k] for k in ("score", "comment", "survey_id")} == {
        "score": 2,
        "comment": "Too slow",
        "survey_id": survey.id,
    }
    assert rated[0].data["actor"]["type"] == "customer"
    assert {"ticket.rated", "ticket.rated_low"} <= set(KNOWN_EVENTS)

    async with resources.database.transaction() as session:
        changes = await service.history(session, tenant.workspace_id, ticket_id, public_only=True)
    assert changes[-1].kind == "survey"
    assert changes[-1].changes == {"score": [None, 2]}


async def test_a_good_score_is_not_a_low_score(
    client: httpx.AsyncClient,
    settings: Settings,
    resources: Resources,
    tenant: Tenant,
    events: list[BusEvent],
) -> None:
    _, survey = await solved_with_survey(resources, settings, tenant)
    path = f"/api/public/surveys/{survey_token(signing_key(resources.secret_box), survey)}"
    assert (await client.post(path, json={"score": 3})).status_code == 200
    assert [e.name for e in events if e.name.startswith("ticket.rated")] == ["ticket.rated"]


async def test_a_wrong_survey_token_is_the_same_404(
    client: httpx.AsyncClient, settings: Settings, resources: Resources, tenant: Tenant
) -> None:
    _, survey = await solved_with_survey(resources, settings, tenant)
    good = survey_token(signing_key(resources.secret_box), survey)
    workspace_id, survey_id, mac = good.split(".")
    wrong = [
        f"{workspace_id}.{survey_id}.{'A' * len(mac)}",
        f"{workspace_id}.csat_unknown.{mac}",
        f"ws_other.{survey_id}.{mac}",
        "nonsense",
        "a.b.c",
    ]
    responses = [await client.get(f"/api/public/surveys/{token}") for token in wrong]
    responses.append(await client.post(f"/api/public/surveys/{wrong[0]}", json={"score": 5}))
    assert {r.status_code for r in responses} == {404}
    assert len({r.content for r in responses}) == 1


async def test_results_on_the_ticket_the_customer_and_the_agent(
    client: httpx.AsyncClient, settings: Settings, resources: Resources, tenant: Tenant
) -> None:
    ticket_id, survey = await solved_with_survey(resources, settings, tenant)
    path = f"/api/public/surveys/{survey_token(signing_key(resources.secret_box), survey)}"
    assert (await client.post(path, json={"score": 4, "comment": "ok"})).status_code == 200

    on_ticket = await client.get(f"/api/v1/tickets/{ticket_id}/surveys", headers=tenant.headers)
    assert on_ticket.status_code == 200, on_ticket.text
    assert [(s["id"], s["score"], s["comment"]) for s in on_ticket.json()] == [(survey.id, 4, "ok")]
    customer = await client.get(
        f"/api/v1/customers/{survey.customer_id}/satisfaction", headers=tenant.headers
    )
    assert customer.status_code == 200, customer.text
    assert {k: customer.json()[k] for k in ("sent", "answered", "average")} == {
        "sent": 1,
        "answered": 1,
        "average": 4.0,
    }
    agent = await client.get(
        "/api/v1/satisfaction",
        params={"agent_id": tenant.owner_id, "days": 30},
        headers=tenant.headers,
    )
    assert agent.status_code == 200, agent.text
    assert agent.json() == {
        "agent_id": tenant.owner_id,
        "days": 30,
        "sent": 1,
        "answered": 1,
        "average": 4.0,
        "distribution": {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0},
    }
    nobody = await client.get(
        "/api/v1/satisfaction", params={"agent_id": "usr_nobody"}, headers=tenant.headers
    )
    assert (nobody.json()["sent"], nobody.json()["average"]) == (0, None)
    missing = await client.get("/api/v1/tickets/tkt_missing/surveys", headers=tenant.headers)
    assert missing.status_code == 404
