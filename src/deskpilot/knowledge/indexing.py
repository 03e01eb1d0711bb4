"""The indexer: an article's search chunks always match its published version, or are absent.

``index_article`` (the ``knowledge.index_article`` job) reads the article in a short transaction
of its own, chunks, tokenises and embeds with no transaction open (embedding is slow; on SQLite
an open transaction would hold the write lock), then, through the job's session, checks the
article still has that published version and replaces its chunks. Draft, archived or deleted:
no chunks. ``reindex`` rebuilds every article of a workspace (or of all workspaces) at once;
``reindex_workspace`` (the ``knowledge.reindex_workspace`` job, queued when a workspace's
embedder changes) queues one ``knowledge.index_article`` job per article instead, so a large
knowledge base is embedded again in short jobs that are retried one by one. When the embedder
cannot embed (an outside endpoint is down), an article's passages are written without vectors,
so the index still follows the published version; ``embed_missing`` (the periodic
``knowledge.embed_missing`` job) embeds them once the endpoint answers again.

Each article is embedded by its workspace's embedder (``workspace_embedders.embedder_for``).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.db import Database
from deskpilot.kit.deps import Resources
from deskpilot.kit.jobs import JobContext, enqueue
from deskpilot.kit.jobs.registry import NoPayload
from deskpilot.knowledge.retrieval import pgvector
from deskpilot.knowledge.retrieval.chunking import chunk_markdown
from deskpilot.knowledge.retrieval.embeddings import Embedder, EmbeddingUnavailable, to_bytes
from deskpilot.knowledge.retrieval.tokenize import search_text
from deskpilot.knowledge.retrieval.vectors import invalidate
from deskpilot.knowledge.retrieval.workspace_embedders import embedder_for
from deskpilot.knowledge.schemas import INDEX_ARTICLE_JOB, IndexArticle
from deskpilot.models import Article, ArticleStatus, ArticleVersion, KnowledgeChunk, Visibility

log = logging.getLogger(__name__)

REINDEX_BATCH = 100  # articles read, embedded and written together by ``reindex``
EMBED_MISSING_BATCH = 200  # articles queued per workspace by one run of ``embed_missing``


@dataclass(frozen=True, slots=True)
class _Source:
    article_id: str
    version: int
    title: str
    body: str
    language: str
    visibility: Visibility
    category_id: str | None


@dataclass(frozen=True, slots=True)
class _Row:
    heading: str | None
    text: str
    search_text: str
    embedding: bytes | None


async def _published(session: AsyncSession, workspace_id: str, article_id: str) -> _Source | None:
    article = (
        await session.execute(
            select(Article).where(Article.workspace_id == workspace_id, Article.id == article_id)
        )
    ).scalar_one_or_none()
    if (
        article is None
        or article.status != ArticleStatus.PUBLISHED
        or article.published_version is None
    ):
        return None
    version = (
        await session.execute(
            select(ArticleVersion).where(
                ArticleVersion.workspace_id == workspace_id,
                ArticleVersion.article_id == article_id,
                ArticleVersion.number == article.published_version,
            )
        )
    ).scalar_one_or_none()
    if version is None:
        return None
    return _Source(
        article.id,
        version.number,
        version.title,
        version.body,
        article.language,
        article.visibility,
        article.category_id,
    )


def _compute(source: _Source, embedder: Embedder | None) -> list[_Row]:
    chunks = chunk_markdown(source.title, source.body)
    vectors = None
    if embedder is not None and chunks:
        try:
            vectors = embedder.passages([c.passage for c in chunks])
        except EmbeddingUnavailable as exc:
            # written without vectors all the same: the index must follow the published version
            # (its text, visibility, language) at once, found by words until ``embed_missing``
            # embeds it once the endpoint answers again
            log.warning("article %s indexed without vectors: %s", source.article_id, exc)
    return [
        _Row(
            chunk.heading,
            chunk.text,
            search_text(chunk.passage),
            to_bytes(vectors[i]) if vectors is not None else None,
        )
        for i, chunk in enumerate(chunks)
    ]


async def _write(
    session: AsyncSession,
    workspace_id: str,
    article_id: str,
    source: _Source | None,
    rows: list[_Row],
    model: str | None,
) -> int:
    """Replace the article's chunks, unless its published version moved meanwhile (then only
    delete: the job that the change enqueued writes the new ones)."""
    await session.execute(
        delete(KnowledgeChunk).where(
            KnowledgeChunk.workspace_id == workspace_id, KnowledgeChunk.article_id == article_id
        )
    )
    invalidate(workspace_id)
    if source is None:
        return 0
    now = await _published(session, workspace_id, article_id)
    if now != source:
        return 0
    chunks = [
        KnowledgeChunk(
            workspace_id=workspace_id,
            article_id=article_id,
            version=source.version,
            position=position,
            heading=row.heading[:500] if row.heading else None,
            text=row.text,
            search_text=row.search_text,
            language=source.language,
            visibility=source.visibility,
            category_id=source.category_id,
            embedding=row.embedding,
            embedding_model=model if row.embedding is not None else None,
        )
        for position, row in enumerate(rows)
    ]
    session.add_all(chunks)
    await session.flush()
    if model is not None and await pgvector.enabled(session, fresh=True):
        await pgvector.store(session, chunks)
    return len(rows)


async def index_one(
    database: Database,
    write: AsyncSession,
    workspace_id: str,
    article_id: str,
    embedder: Embedder | None,
) -> int:
    """Rebuild one article's chunks; returns how many were written."""
    async with database.transaction() as session:
        source = await _published(session, workspace_id, article_id)
    rows = await asyncio.to_thread(_compute, source, embedder) if source else []
    model = embedder.name if embedder else None
    return await _write(write, workspace_id, article_id, source, rows, model)


async def index_article(ctx: JobContext, payload: IndexArticle) -> None:
    if ctx.workspace_id is None:
        return
    resources = ctx.resource(Resources)
    async with resources.database.transaction() as session:
        embedder = await embedder_for(session, ctx.workspace_id, resources)
    await index_one(resources.database, ctx.session, ctx.workspace_id, payload.article_id, embedder)


async def reindex_workspace(ctx: JobContext, _: NoPayload) -> None:
    """Queue the indexing of every article of the job's workspace."""
    if ctx.workspace_id is None:
        return
    ids = await ctx.session.scalars(
        select(Article.id).where(Article.workspace_id == ctx.workspace_id).order_by(Article.id)
    )
    for article_id in ids:
        enqueue(
            ctx.session,
            INDEX_ARTICLE_JOB,
            IndexArticle(article_id=article_id),
            workspace_id=ctx.workspace_id,
        )


async def embed_missing(ctx: JobContext, _: NoPayload) -> None:
    """Queue the indexing of articles whose passages lack their workspace's current vectors:
    its embedding endpoint failed when they were indexed, or its model changed while the
    endpoint was down. Only once the endpoint answers again (one probe), so an endpoint that
    stays down costs a probe a run, not a job an article."""
    resources = ctx.resource(Resources)
    async with resources.database.transaction() as session:
        workspace_ids = list(await session.scalars(select(KnowledgeChunk.workspace_id).distinct()))
    for workspace_id in workspace_ids:
        async with resources.database.transaction() as session:
            embedder = await embedder_for(session, workspace_id, resources)
            if embedder is None:
                continue
            stale = list(
                await session.scalars(
                    select(KnowledgeChunk.article_id)
                    .where(
                        KnowledgeChunk.workspace_id == workspace_id,
                        or_(
                            KnowledgeChunk.embedding_model.is_(None),
                            KnowledgeChunk.embedding_model != embedder.name,
                        ),
                    )
                    .distinct()
                    .limit(EMBED_MISSING_BATCH)
                )
            )
        if not stale:
            continue
        try:
            await asyncio.to_thread(embedder.passages, ["Is the endpoint answering?"])
        except EmbeddingUnavailable:
            continue
        for article_id in stale:
            enqueue(
                ctx.session,
                INDEX_ARTICLE_JOB,
                IndexArticle(article_id=article_id),
                workspace_id=workspace_id,
            )


async def reindex(
    database: Database, workspace_id: str | None = None, embedder: Embedder | None = None
) -> dict[str, int]:
    """Rebuild the chunks of every article (of one workspace, or all): articles, chunks."""
    async with database.transaction() as session:
        query = select(Article.workspace_id, Article.id).order_by(Article.id)
        if workspace_id is not None:
            query = query.where(Article.workspace_id == workspace_id)
        articles = (await session.execute(query)).all()
        orphans = delete(KnowledgeChunk).where(KnowledgeChunk.article_id.not_in(select(Article.id)))
        if workspace_id is not None:
            orphans = orphans.where(KnowledgeChunk.workspace_id == workspace_id)
        await session.execute(orphans)
    chunks = 0
    for start in range(0, len(articles), REINDEX_BATCH):
        batch = articles[start : start + REINDEX_BATCH]
        async with database.transaction() as session:  # read a batch, then let go
            sources = [await _published(session, ws, article_id) for ws, article_id in batch]
        rows = [
            await asyncio.to_thread(_compute, source, embedder) if source else []
            for source in sources
        ]
        model = embedder.name if embedder else None
        async with database.transaction() as write:
            for (ws, article_id), source, article_rows in zip(batch, sources, rows, strict=True):
                chunks += await _write(write, ws, article_id, source, article_rows, model)
    return {"articles": len(articles), "chunks": chunks}
