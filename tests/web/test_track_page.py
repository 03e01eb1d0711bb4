"""The customer's tracking page and survey page (server-rendered HTML)."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from deskpilot.config import Settings
from deskpilot.kit.deps import Resources
from deskpilot.models import SatisfactionSurvey, Ticket, TicketStatus
from deskpilot.tickets import service
from deskpilot.tickets.schemas import Actor, reference
from deskpilot.tickets.tracking.tokens import signing_key, survey_token, ticket_token
from tests.channels.helpers import drain
from tests.factories import Tenant
from tests.tickets.helpers import new_ticket
from tests.tickets.test_tracking import conversation_ticket, set_status, worker


def page(tenant: Tenant, ticket: Ticket) -> str:
    return f"/track/{tenant.slug}/{reference(ticket.number)}"


async def test_every_wrong_way_in_gets_the_same_404_page(
    client: httpx.AsyncClient,
    settings: Settings,
    resources: Resources,
    tenant: Tenant,
    other_tenant: Tenant,
) -> None:
    key = signing_key(resources.secret_box)
    ticket = (await new_ticket(resources.database, resources.bus, tenant.workspace_id)).ticket
    other = (await new_ticket(resources.database, resources.bus, tenant.workspace_id)).ticket
    foreign = (
        await new_ticket(resources.database, resources.bus, other_tenant.workspace_id)
    ).ticket
    assert (
        await client.get(page(tenant, ticket), params={"token": ticket_token(key, ticket)})
    ).status_code == 200
    wrong = [
        await client.get(page(tenant, ticket)),
        await client.get(page(tenant, ticket), params={"token": "wrong"}),
        await client.get(page(tenant, ticket), params={"token": ticket_token(key, other)}),
        await client.get(page(tenant, foreign), params={"token": ticket_token(key, foreign)}),
        await client.get(f"/track/{tenant.slug}/DP-123456", params={"token": "wrong"}),
        await client.get("/track/no-such-workspace/DP-000001", params={"token": "wrong"}),
        await client.post(page(tenant, ticket) + "/comment", data={"token": "x", "text": "hi"}),
        await client.post(page(tenant, ticket) + "/reopen", data={"token": "x"}),
        await client.get("/survey/nonsense"),
    ]
    assert {r.status_code for r in wrong} == {404}
    assert len({r.content for r in wrong}) == 1
    assert "This link is not valid" in wrong[0].text
    assert reference(ticket.number) not in wrong[0].text


async def test_the_page_shows_status_public_updates_and_no_private_notes(
    client: httpx.AsyncClient, settings: Settings, resources: Resources, tenant: Tenant
) -> None:
    ticket = (await conversation_ticket(resources, tenant, language="ru")).ticket
    async with resources.database.transaction() as session:
        for text, public in (("secret plan", False), ("Checking with the courier", True)):
            await service.add_comment(
                session,
                resources.bus,
                tenant.workspace_id,
                ticket.id,
                text,
                Actor("user", tenant.owner_id),
                public=public,
            )
    params = {"token": ticket_token(signing_key(resources.secret_box), ticket)}
    russian = await client.get(page(tenant, ticket), params=params)
    assert russian.status_code == 200
    assert "Ваше обращение " + reference(ticket.number) in russian.text
    assert "Служба поддержки" in russian.text
    assert "Checking with the courier" in russian.text
    assert "secret plan" not in russian.text
    chinese = await client.get(
        page(tenant, ticket), params=params, headers={"Accept-Language": "zh-CN"}
    )
    assert "您的请求" in chinese.text
    english = await client.get(page(tenant, ticket), params=params | {"lang": "en"})
    assert 'Status:</strong> <span data-status="new">Received' in english.text
    assert "We usually answer within one business day." in english.text


async def test_the_forms_add_information_and_reopen(
    client: httpx.AsyncClient, settings: Settings, resources: Resources, tenant: Tenant
) -> None:
    ticket = (await conversation_ticket(resources, tenant)).ticket
    await drain(worker(resources, settings))
    token = ticket_token(signing_key(resources.secret_box), ticket)
    await set_status(resources, tenant, ticket, TicketStatus.PENDING_CUSTOMER)
    posted = await client.post(
        page(tenant, ticket) + "/comment", data={"token": token, "text": "It is order 42"}
    )
    assert posted.status_code == 303
    shown = await client.get(posted.headers["location"])
    assert "Thank you, we have received it." in shown.text
    assert "It is order 42" in shown.text
    assert 'data-status="open"' in shown.text

    await set_status(resources, tenant, ticket, TicketStatus.SOLVED)
    solved = await client.get(page(tenant, ticket), params={"token": token})
    assert 'class="reopen"' in solved.text
    assert 'class="add-information"' not in solved.text
    reopened = await client.post(page(tenant, ticket) + "/reopen", data={"token": token})
    assert reopened.status_code == 303
    assert 'data-status="open"' in (await client.get(reopened.headers["location"])).text
    again = await client.post(page(tenant, ticket) + "/reopen", data={"token": token})
    assert "problem=true" in again.headers["location"]


async def test_the_survey_page_takes_one_answer(
    client: httpx.AsyncClient, settings: Settings, resources: Resources, tenant: Tenant
) -> None:
    ticket = (await conversation_ticket(resources, tenant, language="zh")).ticket
    await drain(worker(resources, settings))
    await set_status(resources, tenant, ticket, TicketStatus.SOLVED)
    await drain(worker(resources, settings))
    async with resources.database.transaction() as session:
        survey = (await session.scalars(select(SatisfactionSurvey))).one()
    path = f"/survey/{survey_token(signing_key(resources.secret_box), survey)}"
    form = await client.get(path)
    assert form.status_code == 200
    assert "您对我们的服务满意吗" in form.text
    assert 'name="score"' in form.text
    answered = await client.post(path, data={"score": "5", "comment": "Great"})
    assert answered.status_code == 303
    assert "感谢您的反馈" in (await client.get(answered.headers["location"])).text
    assert "此调查已提交过" in (await client.get(path)).text
    assert (await client.post(path, data={"score": "1"})).status_code == 409
