"""The knowledge jobs: ``knowledge.index_article`` rebuilds one article's search chunks from its
published version (or removes them when nothing is published any more)."""

from __future__ import annotations

from deskpilot.kit.jobs import JobContext
from deskpilot.kit.jobs.registry import default_registry
from deskpilot.knowledge.indexing import index_article
from deskpilot.knowledge.schemas import INDEX_ARTICLE_JOB, IndexArticle


@default_registry.handler(INDEX_ARTICLE_JOB, IndexArticle)
async def index_article_job(ctx: JobContext, payload: IndexArticle) -> None:
    await index_article(ctx, payload)
