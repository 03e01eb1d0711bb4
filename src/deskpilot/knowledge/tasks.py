"""The knowledge jobs: ``knowledge.index_article`` rebuilds one article's search chunks from its
published version (or removes them when nothing is published any more);
``knowledge.reindex_workspace`` queues that job for every article of a workspace (its embedder
changed); ``knowledge.embed_missing`` (every 5 minutes) queues it for articles indexed without
their workspace's vectors while its embedding endpoint was down;
``knowledge.fill_missing_vectors`` (once an hour) stores pgvector rows for
embedded chunks that have none (``retrieval.pgvector.fill_missing``)."""

from __future__ import annotations

from deskpilot.kit.jobs import JobContext
from deskpilot.kit.jobs.registry import NoPayload, default_registry
from deskpilot.knowledge.indexing import embed_missing, index_article, reindex_workspace
from deskpilot.knowledge.retrieval import pgvector
from deskpilot.knowledge.schemas import INDEX_ARTICLE_JOB, REINDEX_WORKSPACE_JOB, IndexArticle


@default_registry.handler(INDEX_ARTICLE_JOB, IndexArticle)
async def index_article_job(ctx: JobContext, payload: IndexArticle) -> None:
    await index_article(ctx, payload)


@default_registry.handler(REINDEX_WORKSPACE_JOB, NoPayload)
async def reindex_workspace_job(ctx: JobContext, payload: NoPayload) -> None:
    await reindex_workspace(ctx, payload)


@default_registry.periodic("knowledge.embed_missing", every_seconds=300)
async def embed_missing_job(ctx: JobContext, payload: NoPayload) -> None:
    await embed_missing(ctx, payload)


@default_registry.periodic("knowledge.fill_missing_vectors", every_seconds=3600)
async def fill_missing_vectors(ctx: JobContext, _: NoPayload) -> None:
    await pgvector.fill_missing(ctx.session)
