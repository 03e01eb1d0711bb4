"""Bad input to the knowledge API is a clear 4xx and stores nothing (found by fuzzing)."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from deskpilot.kit.db import Database
from deskpilot.knowledge import quality
from deskpilot.models.knowledge import ArticleFeedback, UnansweredQuestion
from tests.factories import Tenant
from tests.knowledge.helpers import create_article

HUGE = 10**25  # more than a 64-bit integer holds


async def _published(client: httpx.AsyncClient, tenant: Tenant) -> str:
    article = await create_article(client, tenant)
    response = await client.post(
        f"/api/v1/kb/articles/{article['id']}/publish", headers=tenant.headers
    )
    assert response.status_code == 200, response.text
    return str(article["id"])


async def test_version_numbers_too_large_for_the_database_are_refused_not_500(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    article_id = await _published(client, tenant)
    base = f"/api/v1/kb/articles/{article_id}"

    version = await client.get(f"{base}/versions/{HUGE}", headers=tenant.headers)
    diff = await client.get(f"{base}/diff", params={"from": HUGE}, headers=tenant.headers)
    rollback = await client.post(f"{base}/rollback", json={"version": HUGE}, headers=tenant.headers)
    feedback = await client.post(
        f"{base}/feedback", json={"helpful": True, "version": HUGE}, headers=tenant.headers
    )
    help_vote = await client.post(
        f"/help/{tenant.slug}/articles/{article_id}/feedback",
        data={"helpful": "true", "version": str(HUGE)},
    )

    assert version.status_code == 404
    assert diff.status_code == 422
    assert diff.json()["error"]["fields"][0]["field"] == "query.from"
    assert rollback.status_code == 422
    assert rollback.json()["error"]["fields"][0]["field"] == "body.version"
    assert feedback.status_code == 422
    assert feedback.json()["error"]["fields"][0]["field"] == "body.version"
    assert help_vote.status_code in (303, 422)
    versions = await client.get(f"{base}/versions", headers=tenant.headers)
    assert [v["number"] for v in versions.json()] == [1]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "Refunds\x00"}, "body.title"),
        ({"title": "Refunds\nand returns"}, "body.title"),
        ({"title": "Refunds \x1b[31m"}, "body.title"),
        ({"body": "Two days.\x00"}, "body.body"),
        ({"note": "why\x00"}, "body.note"),
        ({"tags": ["x" * 101]}, "body.tags"),
        ({"tags": ["a\tb"]}, "body.tags"),
        ({"owner_team": "Support\x00"}, "body.owner_team"),
    ],
)
async def test_text_that_cannot_be_stored_or_shown_is_refused(
    client: httpx.AsyncClient, tenant: Tenant, fields: dict[str, object], field: str
) -> None:
    body = {"title": "Refunds", "body": "Two days."} | fields
    created = await client.post("/api/v1/kb/articles", json=body, headers=tenant.headers)
    article = await create_article(client, tenant)
    edited = await client.patch(
        f"/api/v1/kb/articles/{article['id']}", json=fields, headers=tenant.headers
    )

    for response in (created, edited):
        assert response.status_code == 422, response.text
        assert response.json()["error"]["fields"][0]["field"] == field
    listed = await client.get("/api/v1/kb/articles", headers=tenant.headers)
    assert [a["id"] for a in listed.json()["items"]] == [article["id"]]
    versions = await client.get(
        f"/api/v1/kb/articles/{article['id']}/versions", headers=tenant.headers
    )
    assert len(versions.json()) == 1


async def test_a_blank_owner_team_is_no_owner_team(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    article = await create_article(client, tenant, owner_team="   ")

    assert article["owner_team"] is None


async def test_category_slugs_and_names_are_checked_whole(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    trailing_newline = await client.post(
        "/api/v1/kb/categories", json={"slug": "warranty\n", "name": "W"}, headers=tenant.headers
    )
    nul_name = await client.post(
        "/api/v1/kb/categories", json={"slug": "warranty", "name": "W\x00"}, headers=tenant.headers
    )

    assert trailing_newline.status_code == 422
    assert trailing_newline.json()["error"]["fields"][0]["field"] == "body.slug"
    assert nul_name.status_code == 422
    assert nul_name.json()["error"]["fields"][0]["field"] == "body.name"
    categories = await client.get("/api/v1/kb/categories", headers=tenant.headers)
    assert not any(c["slug"].startswith("warranty") for c in categories.json())


async def test_feedback_helpful_must_be_a_boolean(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    article_id = await _published(client, tenant)

    responses = [
        await client.post(
            f"/api/v1/kb/articles/{article_id}/feedback",
            json={"helpful": value},
            headers=tenant.headers,
        )
        for value in (0, 1, "yes", None)
    ]

    assert [r.status_code for r in responses] == [422, 422, 422, 422]
    summary = await client.get(f"/api/v1/kb/articles/{article_id}/feedback", headers=tenant.headers)
    assert summary.json()["versions"] == []


async def test_a_review_date_must_be_a_date_not_a_number(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    created = await client.post(
        "/api/v1/kb/articles",
        json={"title": "Refunds", "body": "Two days.", "review_due_on": 0},
        headers=tenant.headers,
    )
    article = await create_article(client, tenant, review_due_on="2030-01-31")
    edited = await client.patch(
        f"/api/v1/kb/articles/{article['id']}", json={"review_due_on": 1}, headers=tenant.headers
    )

    assert created.status_code == 422
    assert created.json()["error"]["fields"][0]["field"] == "body.review_due_on"
    assert edited.status_code == 422
    stored = await client.get(f"/api/v1/kb/articles/{article['id']}", headers=tenant.headers)
    assert stored.json()["review_due_on"] == "2030-01-31"


async def test_an_empty_category_filter_is_no_filter(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    article = await create_article(client, tenant)

    listed = await client.get(
        "/api/v1/kb/articles", params={"category": ""}, headers=tenant.headers
    )

    assert listed.status_code == 200
    assert [a["id"] for a in listed.json()["items"]] == [article["id"]]


async def test_nul_characters_from_the_public_form_and_questions_are_dropped(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    article_id = await _published(client, tenant)

    vote = await client.post(
        f"/help/{tenant.slug}/articles/{article_id}/feedback",
        data={"helpful": "false", "comment": "Too\x00 short"},
    )
    async with database.transaction() as session:
        question = await quality.record_unanswered(
            session, tenant.workspace_id, "Where\x00is my order?", "en"
        )

    assert vote.status_code == 303
    async with database.transaction() as session:
        comments = (await session.scalars(select(ArticleFeedback.comment))).all()
        questions = (await session.scalars(select(UnansweredQuestion.question))).all()
    assert comments == ["Too short"]
    assert question is not None
    assert questions == ["Where is my order?"]
