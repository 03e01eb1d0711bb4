"""The public feedback form and API: a ticket with its reference, validation, attachments,
rate limits, classification on the ticket and instant answers from the knowledge base."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select

from deskpilot.config import Settings
from deskpilot.kit.db import Database
from deskpilot.kit.deps import Resources
from deskpilot.kit.jobs import Worker
from deskpilot.models import Customer, Ticket, TicketChange
from tests.factories import Tenant
from tests.knowledge.helpers import create_article

API = "/api/public/feedback"
SHIPPING = (
    "Standard delivery takes three to five business days. Express delivery arrives the next "
    "business day when you order before noon. You get a tracking number by email."
)


async def _tickets(database: Database, workspace_id: str) -> list[Ticket]:
    async with database.transaction() as session:
        rows = await session.scalars(select(Ticket).where(Ticket.workspace_id == workspace_id))
        return list(rows.all())


async def _changes(database: Database, ticket_id: str) -> list[TicketChange]:
    async with database.transaction() as session:
        rows = await session.scalars(
            select(TicketChange)
            .where(TicketChange.ticket_id == ticket_id)
            .order_by(TicketChange.created_at)
        )
        return list(rows.all())


async def _publish(client: httpx.AsyncClient, tenant: Tenant, **fields: Any) -> dict[str, Any]:
    article = await create_article(client, tenant, **fields)
    response = await client.post(
        f"/api/v1/kb/articles/{article['id']}/publish", headers=tenant.headers
    )
    assert response.status_code == 200, response.text
    return article


@pytest.mark.parametrize(
    ("params", "headers", "expected"),
    [
        ({}, {}, "Send us feedback"),
        ({"lang": "zh"}, {}, "意见反馈"),
        ({}, {"Accept-Language": "ru-RU,ru;q=0.9"}, "Обратная связь"),
    ],
)
async def test_the_form_renders_in_each_language(
    client: httpx.AsyncClient,
    tenant: Tenant,
    params: dict[str, str],
    headers: dict[str, str],
    expected: str,
) -> None:
    response = await client.get(f"/feedback/{tenant.slug}", params=params, headers=headers)
    assert response.status_code == 200
    assert expected in response.text
    assert 'name="attachments"' in response.text
    assert (await client.get("/feedback/no-such-workspace")).status_code == 404


async def test_a_submission_files_a_feedback_ticket_and_shows_its_reference(
    client: httpx.AsyncClient, tenant: Tenant, database: Database, resources: Resources
) -> None:
    response = await client.post(
        f"/feedback/{tenant.slug}",
        data={
            "text": "It would be great if you added a dark mode to the app",
            "email": "Ada@Example.com",
            "name": "Ada",
            "consent": "on",
        },
        files={"attachments": ("shot.png", b"\x89PNG fake", "image/png")},
    )
    assert response.status_code == 200, response.text
    (ticket,) = await _tickets(database, tenant.workspace_id)
    assert "Thank you" in response.text
    assert f"DP-{ticket.number:06d}" in response.text
    assert "/track/" in response.text  # the tracking link
    assert ticket.source == "feedback"
    assert (ticket.type, ticket.category, ticket.language) == ("suggestion", "suggestion", "en")
    assert ticket.description.startswith("It would be great")
    assert "feedback:suggestion" in ticket.labels
    assert any(label.startswith("sentiment:") for label in ticket.labels)
    (attachment,) = ticket.attachments
    assert attachment["filename"] == "shot.png"
    stored = resources.files.read(tenant.workspace_id, attachment["path"])
    assert stored == b"\x89PNG fake"
    async with database.transaction() as session:
        customer = await session.get(Customer, ticket.customer_id)
    assert customer is not None
    assert (customer.email, customer.name) == ("ada@example.com", "Ada")
    created, note = await _changes(database, ticket.id)
    assert (created.actor_type, created.actor_id) == ("customer", customer.id)
    assert note.kind == "comment"
    assert not note.is_public
    assert note.note is not None
    assert "Category: suggestion" in note.note


async def test_the_json_api_files_a_ticket_without_a_contact_as_the_system(
    client: httpx.AsyncClient, tenant: Tenant, database: Database, settings: Settings
) -> None:
    response = await client.post(
        f"{API}/{tenant.slug}",
        json={"text": "Я очень недоволен, поддержка игнорирует меня уже неделю"},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    (ticket,) = await _tickets(database, tenant.workspace_id)
    assert body["reference"] == f"DP-{ticket.number:06d}"
    assert (body["type"], body["category"], body["language"]) == ("complaint", "complaint", "ru")
    assert body["answer"] is None
    assert body["tracking_url"].startswith(settings.public_origin)
    assert ticket.customer_id is None
    created, _ = await _changes(database, ticket.id)
    assert created.actor_type == "system"
    unknown = await client.post(f"{API}/no-such-workspace", json={"text": "hello"})
    assert unknown.status_code == 404


async def test_bad_input_shows_the_form_again_with_the_text_kept(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    html = await client.post(
        f"/feedback/{tenant.slug}?lang=en",
        data={"text": "Please keep <this> text", "email": "not-an-email"},
    )
    assert html.status_code == 422
    assert "Please keep &lt;this&gt; text" in html.text
    assert "Enter a valid email address." in html.text
    no_consent = await client.post(
        f"/feedback/{tenant.slug}?lang=zh", data={"text": "反馈", "email": "ada@example.com"}
    )
    assert no_consent.status_code == 422
    assert "留下联系方式时请勾选同意" in no_consent.text
    assert 'value="ada@example.com"' in no_consent.text
    json = await client.post(f"{API}/{tenant.slug}", json={"text": "", "category": "nonsense"})
    assert json.status_code == 422
    fields = {f["field"] for f in json.json()["error"]["fields"]}
    assert {"body.text", "body.category"} <= fields
    too_long = await client.post(f"{API}/{tenant.slug}", json={"text": "x" * 5001})
    assert too_long.status_code == 422
    assert await _tickets(database, tenant.workspace_id) == []


async def test_oversize_too_many_or_unusual_files_are_refused_and_nothing_is_filed(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    big = b"x" * (5 * 1024 * 1024 + 1)
    oversize = await client.post(
        f"{API}/{tenant.slug}",
        data={"text": "see the file"},
        files={"attachments": ("big.png", big, "image/png")},
    )
    four = await client.post(
        f"{API}/{tenant.slug}",
        data={"text": "see the files"},
        files=[("attachments", (f"{i}.txt", b"hi", "text/plain")) for i in range(4)],
    )
    program = await client.post(
        f"/feedback/{tenant.slug}",
        data={"text": "see the program"},
        files={"attachments": ("run.exe", b"MZ", "application/x-msdownload")},
    )
    assert oversize.status_code == 422
    assert oversize.json()["error"]["fields"][0]["field"] == "attachments"
    assert four.status_code == 422
    assert program.status_code == 422
    assert "see the program" in program.text
    assert await _tickets(database, tenant.workspace_id) == []


async def test_submissions_are_rate_limited_per_address(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    statuses = [
        (await client.post(f"{API}/{tenant.slug}", json={"text": f"idea {i}"})).status_code
        for i in range(6)
    ]
    assert statuses == [201] * 5 + [429]
    page = await client.post(f"/feedback/{tenant.slug}", data={"text": "one more"})
    assert page.status_code == 429


async def test_a_question_the_knowledge_base_answers_gets_an_instant_answer(
    client: httpx.AsyncClient, tenant: Tenant, database: Database, resources: Resources
) -> None:
    article = await _publish(
        client, tenant, title="How long does shipping take?", body=SHIPPING, language="en"
    )
    await Worker(resources.database, resources={Resources: resources}).run_until_idle()
    response = await client.post(
        f"{API}/{tenant.slug}", json={"text": "How long does standard delivery take?"}
    )
    assert response.status_code == 201, response.text
    answer = response.json()["answer"]
    assert answer is not None
    assert "three to five business days" in answer["text"]
    (citation,) = answer["citations"]
    assert citation["title"] == "How long does shipping take?"
    assert citation["url"] == f"/help/{tenant.slug}/articles/{article['id']}"
    (ticket,) = await _tickets(database, tenant.workspace_id)
    assert ticket.type == "question"
    assert ticket.status in ("new", "open")  # still there for a person
    public = [c for c in await _changes(database, ticket.id) if c.kind == "comment" and c.is_public]
    assert [(c.actor_type, c.note) for c in public] == [("bot", answer["text"])]
    page = await client.post(
        f"/feedback/{tenant.slug}", data={"text": "How long does standard delivery take?"}
    )
    assert "This may already help" in page.text
    assert f'href="/help/{tenant.slug}/articles/{article["id"]}"' in page.text


async def test_no_instant_answer_when_nothing_in_the_knowledge_base_matches(
    client: httpx.AsyncClient, tenant: Tenant, database: Database, resources: Resources
) -> None:
    await _publish(client, tenant, title="How long does shipping take?", body=SHIPPING)
    await Worker(resources.database, resources={Resources: resources}).run_until_idle()
    response = await client.post(
        f"{API}/{tenant.slug}", json={"text": "Can I pay for a gift card with cryptocurrency?"}
    )
    assert response.status_code == 201
    assert response.json()["answer"] is None
    (ticket,) = await _tickets(database, tenant.workspace_id)
    changes = await _changes(database, ticket.id)
    assert not any(c.is_public and c.kind == "comment" for c in changes)
