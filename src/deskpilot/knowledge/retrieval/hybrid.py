"""Search: lexical, vector, or both fused by reciprocal rank (k = 60).

A hit is the best passage of one article (an article shows up once): its id, the version the
passage comes from, the score, and the passage (heading path and text). Cross-lingual matches
come from the vectors (multilingual e5); the lexical side only matches the query's language.
"""

from __future__ import annotations

import asyncio
import enum
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.knowledge.retrieval.embeddings import Embedder, embed_query, get_embedder
from deskpilot.knowledge.retrieval.lexical import Filters, lexical_search
from deskpilot.knowledge.retrieval.vectors import vector_search
from deskpilot.models import KnowledgeChunk

RRF_K = 60
CANDIDATES = 50  # per ranking, before fusion


class Mode(enum.StrEnum):
    LEXICAL = "lexical"
    VECTOR = "vector"
    HYBRID = "hybrid"


@dataclass(frozen=True, slots=True)
class Hit:
    article_id: str
    version: int
    chunk_id: str
    score: float
    heading: str | None
    text: str
    language: str
    similarity: float | None = None  # the passage's cosine to the query, when vectors ran


def fuse(rankings: list[list[str]], k: int = RRF_K) -> list[tuple[str, float]]:
    """Reciprocal-rank fusion: each id scores the sum of 1 / (k + rank) over the rankings."""
    scores: dict[str, float] = defaultdict(float)
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] += 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))


async def search(
    session: AsyncSession,
    query: str,
    filters: Filters,
    *,
    limit: int = 10,
    mode: Mode = Mode.HYBRID,
    embedder: Embedder | None = None,
    use_default_embedder: bool = True,
) -> list[Hit]:
    """The best ``limit`` articles for ``query`` within ``filters``, one passage each."""
    if embedder is None and use_default_embedder and mode != Mode.LEXICAL:
        embedder = await asyncio.to_thread(get_embedder)
    if embedder is None:
        mode = Mode.LEXICAL
    candidates = max(CANDIDATES, limit * 5)
    rankings: list[list[tuple[str, float]]] = []
    # the query embedding (CPU, in a thread that releases the GIL) runs while the database
    # answers the lexical query
    embedding = (
        asyncio.ensure_future(asyncio.to_thread(embed_query, embedder, query))
        if mode in (Mode.VECTOR, Mode.HYBRID) and embedder is not None
        else None
    )
    try:
        if mode in (Mode.LEXICAL, Mode.HYBRID):
            rankings.append(await lexical_search(session, query, filters, candidates))
    except BaseException:
        if embedding is not None:
            embedding.cancel()
        raise
    similarity: dict[str, float] = {}
    if embedding is not None and embedder is not None:
        vector = await embedding
        rankings.append(await vector_search(session, vector, embedder.name, filters, candidates))
        similarity = dict(rankings[-1])
    if len(rankings) == 1:
        ranked = rankings[0]
    else:
        ranked = fuse([[chunk_id for chunk_id, _ in ranking] for ranking in rankings])
    if not ranked:
        return []
    # by primary key only: with the workspace in the WHERE clause SQLite walks the workspace
    # index (every chunk of the workspace); the workspace is checked on the rows instead
    rows = (
        await session.execute(
            select(KnowledgeChunk).where(
                KnowledgeChunk.id.in_([chunk_id for chunk_id, _ in ranked])
            )
        )
    ).scalars()
    chunks = {c.id: c for c in rows if c.workspace_id == filters.workspace_id}
    hits: list[Hit] = []
    seen: set[str] = set()
    for chunk_id, score in ranked:
        chunk = chunks.get(chunk_id)
        if chunk is None or chunk.article_id in seen:
            continue
        seen.add(chunk.article_id)
        hits.append(
            Hit(
                chunk.article_id,
                chunk.version,
                chunk.id,
                round(score, 6),
                chunk.heading,
                chunk.text,
                chunk.language,
                similarity.get(chunk.id),
            )
        )
        if len(hits) == limit:
            break
    return hits
