# ruff: noqa: RUF001 (Cyrillic and Chinese questions on purpose)
"""The quality loop: feedback per version, the help center's vote, the review queue, gaps."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import httpx
import numpy as np
import pytest
from sqlalchemy import select, update

from deskpilot.kit.clock import utcnow
from deskpilot.kit.db import Database
from deskpilot.knowledge import quality
from deskpilot.knowledge.retrieval.embeddings import get_embedder
from deskpilot.models import Role
from deskpilot.models.knowledge import ArticleFeedback, UnansweredQuestion
from tests.factories import Tenant, create_api_key
from tests.knowledge.helpers import create_article


async def _headers(database: Database, tenant: Tenant, role: Role) -> dict[str, str]:
    return {"Authorization": f"Bearer {await create_api_key(database, tenant.workspace_id, role)}"}


async def _published(client: httpx.AsyncClient, tenant: Tenant, **fields: Any) -> dict[str, Any]:
    article = await create_article(client, tenant, **fields)
    response = await client.post(
        f"/api/v1/kb/articles/{article['id']}/publish", headers=tenant.headers
    )
    assert response.status_code == 200, response.text
    published: dict[str, Any] = response.json()
    return published


async def _vote(
    client: httpx.AsyncClient, tenant: Tenant, article_id: str, helpful: bool, **more: Any
) -> httpx.Response:
    return await client.post(
        f"/api/v1/kb/articles/{article_id}/feedback",
        json={"helpful": helpful} | more,
        headers=tenant.headers,
    )


async def _stored(database: Database) -> list[ArticleFeedback]:
    async with database.transaction() as session:
        return list((await session.scalars(select(ArticleFeedback))).all())


# Feedback


async def test_feedback_is_stored_against_the_version_and_summarised(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    article = await _published(client, tenant)
    url = f"/api/v1/kb/articles/{article['id']}"
    first = await _vote(client, tenant, article["id"], True, comment="  Clear  ")
    await _vote(client, tenant, article["id"], False, source="ai_answer")
    await client.patch(url, json={"body": "We ship in 1 day."}, headers=tenant.headers)
    still_v1 = await _vote(client, tenant, article["id"], False)  # v2 is not published yet
    await client.post(f"{url}/publish", headers=tenant.headers)
    on_v2 = await _vote(client, tenant, article["id"], True, comment="Better now")
    named_v1 = await _vote(client, tenant, article["id"], True, version=1)
    summary = await client.get(f"{url}/feedback", headers=tenant.headers)

    assert first.status_code == 201
    assert first.json()["version"] == 1
    assert first.json()["comment"] == "Clear"
    assert first.json()["source"] == "agent"
    assert still_v1.json()["version"] == 1
    assert on_v2.json()["version"] == 2
    assert named_v1.json()["version"] == 1
    body = summary.json()
    assert body["published_version"] == 2
    assert body["versions"] == [
        {"version": 2, "helpful": 1, "not_helpful": 0, "total": 1, "helpful_ratio": 1.0},
        {"version": 1, "helpful": 2, "not_helpful": 2, "total": 4, "helpful_ratio": 0.5},
    ]
    assert [c["comment"] for c in body["recent_comments"]] == ["Better now", "Clear"]
    assert sorted(f.source for f in await _stored(database)) == ["agent"] * 4 + ["ai_answer"]


async def test_bad_feedback_is_refused_with_the_field(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant, database: Database
) -> None:
    draft = await create_article(client, tenant)
    live = await _published(client, tenant)
    foreign = await _published(client, other_tenant)
    viewer = await _headers(database, tenant, Role.VIEWER)

    unpublished = await _vote(client, tenant, draft["id"], True)
    named_draft = await _vote(client, tenant, draft["id"], True, version=1)
    no_version = await _vote(client, tenant, live["id"], True, version=7)
    public_source = await _vote(client, tenant, live["id"], True, source="help_center")
    by_viewer = await client.post(
        f"/api/v1/kb/articles/{live['id']}/feedback", json={"helpful": True}, headers=viewer
    )
    other = await _vote(client, tenant, foreign["id"], True)
    other_summary = await client.get(
        f"/api/v1/kb/articles/{foreign['id']}/feedback", headers=tenant.headers
    )

    assert unpublished.status_code == 422
    assert unpublished.json()["error"]["fields"][0]["field"] == "body.version"
    assert named_draft.status_code == 201
    assert no_version.status_code == 422
    assert no_version.json()["error"]["fields"][0]["field"] == "body.version"
    assert public_source.status_code == 422
    assert by_viewer.status_code == 403
    assert other.status_code == 404
    assert other_summary.status_code == 404
    assert len(await _stored(database)) == 1


# The help center's form


async def test_help_center_visitors_vote_on_the_version_shown(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant, database: Database
) -> None:
    article = await _published(client, tenant)
    page_url = f"/help/{tenant.slug}/articles/{article['id']}"
    page = await client.get(page_url)
    await client.patch(
        f"/api/v1/kb/articles/{article['id']}", json={"body": "New."}, headers=tenant.headers
    )
    await client.post(f"/api/v1/kb/articles/{article['id']}/publish", headers=tenant.headers)

    shown = re.search(r'name="version" value="(\d+)"', page.text)
    assert shown is not None
    assert shown.group(1) == "1"
    vote = await client.post(
        f"{page_url}/feedback", data={"helpful": "false", "comment": "Too short", "version": "1"}
    )
    thanks = await client.get(vote.headers["location"])
    without_version = await client.post(f"{page_url}/feedback", data={"helpful": "true"})
    future_version = await client.post(
        f"{page_url}/feedback", data={"helpful": "true", "version": "99"}
    )
    nonsense = await client.post(f"{page_url}/feedback", data={"helpful": "maybe"})
    missing = await client.post(f"{page_url}/feedback", data={"comment": "no vote"})

    assert vote.status_code == 303
    assert "Thank you for your feedback" in thanks.text
    assert 'name="helpful"' not in thanks.text
    assert without_version.status_code == 303
    assert future_version.status_code == 303
    assert nonsense.status_code == 422
    assert missing.status_code == 422
    stored = sorted(await _stored(database), key=lambda f: f.created_at)
    assert [(f.version, f.helpful, f.comment, f.source) for f in stored] == [
        (1, False, "Too short", "help_center"),
        (2, True, None, "help_center"),
        (2, True, None, "help_center"),
    ]


async def test_help_center_votes_only_on_public_published_articles_of_the_workspace(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant, database: Database
) -> None:
    draft = await create_article(client, tenant)
    internal = await _published(client, tenant, visibility="internal")
    foreign = await _published(client, other_tenant)

    answers = [
        await client.post(f"/help/{tenant.slug}/articles/{a['id']}/feedback", data={"helpful": 1})
        for a in (draft, internal, foreign)
    ]
    unknown = await client.post(
        f"/help/nobody/articles/{foreign['id']}/feedback", data={"helpful": "1"}
    )

    assert [a.status_code for a in answers] == [404, 404, 404]
    assert unknown.status_code == 404
    for page in (*answers, unknown):  # the help center's own 404 page, not JSON naming the id
        assert page.headers["content-type"].startswith("text/html")
        assert foreign["id"] not in page.text
    assert await _stored(database) == []


async def test_help_center_votes_are_rate_limited_per_address(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    from deskpilot.web.help import FEEDBACK_PER_WINDOW

    article = await _published(client, tenant)
    url = f"/help/{tenant.slug}/articles/{article['id']}/feedback"
    codes = [
        (await client.post(url, data={"helpful": "true"})).status_code
        for _ in range(FEEDBACK_PER_WINDOW + 2)
    ]
    refused = await client.post(url, data={"helpful": "true"})

    assert codes == [303] * FEEDBACK_PER_WINDOW + [429, 429]
    assert int(refused.headers["retry-after"]) >= 1
    assert len(await _stored(database)) == FEEDBACK_PER_WINDOW


# The review queue


async def test_review_queue_names_due_dates_and_poor_feedback(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    today = date.today()
    due = await _published(client, tenant, title="Due", review_due_on=str(today))
    overdue = await create_article(
        client, tenant, title="Overdue draft", review_due_on=str(today - timedelta(days=9))
    )
    later = await _published(
        client, tenant, title="Later", review_due_on=str(today + timedelta(days=9))
    )
    archived = await _published(
        client, tenant, title="Gone", review_due_on=str(today - timedelta(days=1))
    )
    await client.post(f"/api/v1/kb/articles/{archived['id']}/archive", headers=tenant.headers)
    poor = await _published(client, tenant, title="Poor")
    few = await _published(client, tenant, title="Few votes")
    half = await _published(client, tenant, title="Half")
    fixed = await _published(client, tenant, title="Fixed")
    for article, votes in (
        (poor, [True, True, False, False, False]),
        (few, [False] * 4),
        (half, [True, True, True, False, False, False]),
        (fixed, [False] * 6),
        (due, [False] * 5),
    ):
        for helpful in votes:
            assert (await _vote(client, tenant, article["id"], helpful)).status_code == 201
    fixed_url = f"/api/v1/kb/articles/{fixed['id']}"
    await client.patch(fixed_url, json={"body": "Rewritten."}, headers=tenant.headers)
    await client.post(f"{fixed_url}/publish", headers=tenant.headers)  # v2 has no votes yet

    queue = await client.get("/api/v1/kb/review", headers=tenant.headers)

    assert queue.status_code == 200
    listed = [(i["article"]["title"], i["reasons"], i["helpful"], i["votes"]) for i in queue.json()]
    assert listed == [
        ("Overdue draft", ["review_due"], 0, 0),
        ("Due", ["review_due", "poor_feedback"], 0, 5),
        ("Poor", ["poor_feedback"], 2, 5),
    ]
    assert later["id"] not in {i["article"]["id"] for i in queue.json()}
    assert overdue["id"] == queue.json()[0]["article"]["id"]


async def test_marking_reviewed_moves_the_review_date(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    agent = await _headers(database, tenant, Role.AGENT)
    today = date.today()
    article = await create_article(client, tenant, review_due_on=str(today))
    other = await create_article(client, tenant, review_due_on=str(today))
    url = f"/api/v1/kb/articles/{article['id']}/reviewed"

    by_agent = await client.post(url, headers=agent)
    past = await client.post(url, json={"review_due_on": str(today)}, headers=tenant.headers)
    default = await client.post(url, headers=tenant.headers)
    chosen = await client.post(
        f"/api/v1/kb/articles/{other['id']}/reviewed",
        json={"review_due_on": str(today + timedelta(days=30))},
        headers=tenant.headers,
    )
    queue = await client.get("/api/v1/kb/review", headers=agent)

    assert by_agent.status_code == 403
    assert past.status_code == 422
    assert past.json()["error"]["fields"][0]["field"] == "body.review_due_on"
    assert default.status_code == 200
    assert default.json()["review_due_on"] == str(
        today + timedelta(days=quality.REVIEW_INTERVAL_DAYS)
    )
    assert chosen.json()["review_due_on"] == str(today + timedelta(days=30))
    assert queue.json() == []


# Knowledge gaps


async def _unanswered(
    database: Database,
    tenant: Tenant,
    question: str,
    language: str | None = "en",
    days_ago: int = 0,
    conversation_id: str | None = None,
) -> None:
    async with database.transaction() as session:
        row = await quality.record_unanswered(
            session,
            tenant.workspace_id,
            question,
            language,
            conversation_id=conversation_id,
            context={"intent": "unknown"},
        )
        if row is not None and days_ago:
            await session.execute(
                update(UnansweredQuestion)
                .where(UnansweredQuestion.id == row.id)
                .values(created_at=utcnow() - timedelta(days=days_ago))
            )


@pytest.fixture
def no_embeddings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Gaps with TF-IDF only: fast, and independent of any model."""
    monkeypatch.setenv("DESKPILOT_EMBEDDINGS", "none")
    get_embedder.cache_clear()
    yield
    get_embedder.cache_clear()


async def test_gaps_group_unanswered_questions_largest_first(
    client: httpx.AsyncClient,
    tenant: Tenant,
    other_tenant: Tenant,
    database: Database,
    no_embeddings: None,
) -> None:
    for days_ago, question in enumerate(
        [
            "How do I reset my password?",
            "I forgot my password, how can I reset it?",
            "password reset link not working",
            "Password reset email never came",
            "How to reset password",
            "how to reset password",
            "Reset password please",
        ]
    ):
        await _unanswered(database, tenant, question, conversation_id=f"cnv_{days_ago}")
    await _unanswered(database, tenant, "Как сбросить пароль?", "ru")
    await _unanswered(database, tenant, "Забыл пароль, как сбросить его?", "ru")
    await _unanswered(database, tenant, "Do you ship to Canada?", None)
    await _unanswered(database, tenant, "Do you ship to Canada?", "not a tag!")
    await _unanswered(database, tenant, "Can I pay with PayPal?", days_ago=40)
    await _unanswered(database, tenant, "   ")  # blank: not stored
    await _unanswered(database, other_tenant, "globex password reset question")

    report = await client.get("/api/v1/kb/gaps", headers=tenant.headers)
    wider = await client.get("/api/v1/kb/gaps", params={"days": 60}, headers=tenant.headers)
    bad = await client.get("/api/v1/kb/gaps", params={"days": 0}, headers=tenant.headers)

    assert report.status_code == 200
    body = report.json()
    assert body["method"] == "tfidf"
    assert body["questions"] == 11
    gaps = body["gaps"]
    assert [g["count"] for g in gaps] == [7, 2, 2]
    top = gaps[0]
    assert top["examples"] == [  # newest first, without repeats (case aside)
        "Reset password please",
        "how to reset password",
        "Password reset email never came",
        "password reset link not working",
        "I forgot my password, how can I reset it?",
    ]
    assert set(top["terms"][:2]) == {"reset", "password"}
    assert top["languages"] == ["en"]
    assert top["conversation_ids"] == [f"cnv_{i}" for i in range(6, 1, -1)]
    assert top["first_seen"] <= top["last_seen"]
    assert {g["examples"][0] for g in gaps[1:]} == {
        "Do you ship to Canada?",
        "Забыл пароль, как сбросить его?",
    }
    russian = next(g for g in gaps if g["languages"] == ["ru"])
    assert russian["count"] == 2
    canada = next(g for g in gaps if "Do you ship to Canada?" in g["examples"])
    assert canada["languages"] == []
    assert canada["examples"] == ["Do you ship to Canada?"]
    assert "globex" not in report.text
    assert [g["count"] for g in wider.json()["gaps"]] == [7, 2, 2, 1]
    assert bad.status_code == 422


async def test_record_unanswered_cuts_long_questions(tenant: Tenant, database: Database) -> None:
    await _unanswered(database, tenant, "why " * 2000, "zh-Hans")
    async with database.transaction() as session:
        rows = (await session.scalars(select(UnansweredQuestion))).all()
    assert len(rows) == 1
    assert len(rows[0].question) == quality.MAX_QUESTION_CHARS
    assert rows[0].language == "zh-Hans"
    assert rows[0].context == {"intent": "unknown"}


class _TopicEmbedder:
    """A stand-in embedder: one direction per topic word, whatever the language."""

    name = "topics"
    _TOPICS = (("password", "пароль"), ("canada",))

    def _row(self, text: str) -> list[float]:
        lowered = text.lower()
        row = [1.0 if any(w in lowered for w in words) else 0.0 for words in self._TOPICS]
        return row if any(row) else [0.0] * len(self._TOPICS)

    def passages(self, texts: list[str]) -> np.ndarray[Any, np.dtype[np.float32]]:
        return np.array([self._row(t) for t in texts], dtype=np.float32)

    def query(self, text: str) -> np.ndarray[Any, np.dtype[np.float32]]:
        return self.passages([text])


async def test_gaps_with_an_embedder_group_across_languages(
    tenant: Tenant, database: Database
) -> None:
    for question in ("How do I reset my password?", "Забыл пароль", "Do you ship to Canada?"):
        await _unanswered(database, tenant, question)

    async with database.transaction() as session:
        plain = await quality.gap_report(
            session, tenant.workspace_id, 30, use_default_embedder=False
        )
        embedded = await quality.gap_report(
            session, tenant.workspace_id, 30, embedder=_TopicEmbedder()
        )

    assert plain.method == "tfidf"
    assert [g.count for g in plain.gaps] == [1, 1, 1]
    assert embedded.method == "tfidf+embeddings"
    assert [sorted(g.examples) for g in embedded.gaps] == [
        ["How do I reset my password?", "Забыл пароль"],
        ["Do you ship to Canada?"],
    ]
