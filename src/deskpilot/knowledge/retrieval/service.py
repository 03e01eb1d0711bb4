"""Search as the HTTP layer and the AI use it: resolve filters, run the ranking, shape hits."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.db import end_read
from deskpilot.kit.deps import Resources
from deskpilot.kit.errors import InvalidInput, ServiceUnavailable
from deskpilot.kit.pii import KnownValues
from deskpilot.knowledge.retrieval.embeddings import Embedder, EmbeddingUnavailable
from deskpilot.knowledge.retrieval.hybrid import Hit, Mode, search
from deskpilot.knowledge.retrieval.lexical import Filters
from deskpilot.knowledge.retrieval.stopwords import words_in_common
from deskpilot.knowledge.retrieval.workspace_embedders import outside_query_vector, own_embedder
from deskpilot.models import KnowledgeCategory, Visibility

UNRELATED_SIMILARITY = 0.8  # e5 cosines of unrelated texts reach about this


class SearchHit(BaseModel):
    article_id: str
    version: int
    score: float
    heading: str | None
    text: str
    language: str
    similarity: float | None = None  # the passage's cosine to the query, when vectors ranked

    def speaks_to(self, query: str, min_similarity: float) -> bool:
        """Whether the passage is about the query at all: it shares a word with it (stemmed,
        function words aside), or its vector alone is at least ``min_similarity`` close. Vector
        search always returns its nearest passages, related or not, and e5 puts unrelated
        Chinese texts at cosines of 0.80-0.87 (unrelated English and Russian ones stay under
        ``UNRELATED_SIMILARITY``)."""
        if words_in_common(query, f"{self.heading or ''} {self.text}"):
            return True
        return self.similarity is not None and self.similarity >= min_similarity


class SearchResults(BaseModel):
    query: str
    mode: Mode
    hits: list[SearchHit]


async def category_id_of(session: AsyncSession, workspace_id: str, value: str) -> str:
    """A category given by id or slug, within the workspace; unknown → 422 on
    ``query.category`` (the parameter's name, as request validation names it)."""
    found = (
        await session.execute(
            select(KnowledgeCategory.id).where(
                KnowledgeCategory.workspace_id == workspace_id,
                or_(KnowledgeCategory.id == value, KnowledgeCategory.slug == value),
            )
        )
    ).scalar_one_or_none()
    if found is None:
        raise InvalidInput.field("query.category", "no such category in this workspace")
    return found


async def search_workspace(
    session: AsyncSession,
    query: str,
    filters: Filters,
    own: Embedder | None,
    *,
    known: KnownValues | None = None,
    limit: int = 10,
    mode: Mode = Mode.HYBRID,
) -> list[Hit]:
    """``search`` with the workspace's own embedder ``own`` (from ``own_embedder``), its
    endpoint called first with the query redacted (``known`` hidden too), or with the
    deployment's when it has none. When the endpoint fails, hybrid ranks by words and vector
    raises ``EmbeddingUnavailable``."""
    if own is None or mode == Mode.LEXICAL:
        return await search(session, query, filters, limit=limit, mode=mode)
    vector = await outside_query_vector(own, filters.workspace_id, query, known)
    if vector is None and mode == Mode.VECTOR:
        raise EmbeddingUnavailable("the workspace's embedding endpoint failed")
    return await search(
        session,
        query,
        filters,
        limit=limit,
        mode=mode if vector is not None else Mode.LEXICAL,
        embedder=own,
        query_vector=vector,
    )


async def search_knowledge(
    session: AsyncSession,
    workspace_id: str,
    query: str,
    *,
    language: str | None = None,
    category: str | None = None,
    visibility: Visibility | None = None,
    limit: int = 10,
    mode: Mode = Mode.HYBRID,
    resources: Resources | None = None,
) -> SearchResults:
    """Ranked with the workspace's embedder: its own when its AI settings name one and
    ``resources`` are given, else the deployment's (``workspace_embedders``).

    With its own (an outside endpoint), the session's transaction is committed before the
    query is embedded, so a slow endpoint never holds SQLite's one writer: the callers (the
    search API, the help center) only read. If the endpoint fails, hybrid search ranks by
    words and vector search is a 503."""
    if not query.strip():
        raise InvalidInput.field("query.q", "must not be blank")
    filters = Filters(
        workspace_id=workspace_id,
        visibilities=(visibility.value,) if visibility else ("public", "internal"),
        language=language,
        category_id=await category_id_of(session, workspace_id, category) if category else None,
    )
    own = await own_embedder(session, workspace_id, resources) if mode != Mode.LEXICAL else None
    if own is not None:
        await end_read(session)  # a slow endpoint must not hold SQLite's one writer
    try:
        hits = await search_workspace(session, query, filters, own, limit=limit, mode=mode)
    except EmbeddingUnavailable as exc:  # vector mode only: hybrid falls back to words
        raise ServiceUnavailable("the embedding endpoint failed; try again") from exc
    return SearchResults(
        query=query,
        mode=mode,
        hits=[
            SearchHit(
                article_id=h.article_id,
                version=h.version,
                score=h.score,
                heading=h.heading,
                text=h.text,
                language=h.language,
                similarity=h.similarity,
            )
            for h in hits
        ],
    )
