"""Making articles (over the API, or straight in the database) and reading the index jobs
they queue."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from deskpilot.kit.db import Database
from deskpilot.kit.jobs import Job
from deskpilot.knowledge.schemas import INDEX_ARTICLE_JOB
from deskpilot.models import Article, ArticleStatus, ArticleVersion, Visibility
from tests.factories import Tenant


async def create_article(
    client: httpx.AsyncClient,
    tenant: Tenant,
    headers: dict[str, str] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    body = {"title": "Shipping times", "body": "We ship in 2 days.", "category": "faq"} | fields
    response = await client.post(
        "/api/v1/kb/articles", json=body, headers=headers or tenant.headers
    )
    assert response.status_code == 201, response.text
    article: dict[str, Any] = response.json()
    return article


async def publish(client: httpx.AsyncClient, tenant: Tenant, **fields: Any) -> dict[str, Any]:
    """An article created and published over the API."""
    article = await create_article(client, tenant, **fields)
    published = await client.post(
        f"/api/v1/kb/articles/{article['id']}/publish", headers=tenant.headers
    )
    assert published.status_code == 200, published.text
    return article


async def index_jobs(database: Database, article_id: str) -> int:
    """How many ``knowledge.index_article`` jobs name the article."""
    async with database.transaction() as session:
        jobs = (await session.scalars(select(Job).where(Job.name == INDEX_ARTICLE_JOB))).all()
    return sum(1 for job in jobs if job.payload.get("article_id") == article_id)


async def stored_article(
    database: Database,
    workspace_id: str,
    body: str,
    *,
    title: str = "",
    language: str = "en",
    visibility: Visibility = Visibility.PUBLIC,
    status: ArticleStatus = ArticleStatus.PUBLISHED,
    category_id: str | None = None,
) -> str:
    """An article with its first version written straight to the database (no index job)."""
    async with database.transaction() as session:
        article = Article(
            workspace_id=workspace_id,
            title=title or body.splitlines()[0].lstrip("# "),
            language=language,
            visibility=visibility,
            status=status,
            category_id=category_id,
            current_version=1,
            published_version=1 if status == ArticleStatus.PUBLISHED else None,
        )
        session.add(article)
        await session.flush()
        session.add(
            ArticleVersion(
                workspace_id=workspace_id,
                article_id=article.id,
                number=1,
                title=article.title,
                body=body,
            )
        )
    return article.id
