"""Search: lexical, vector, or both fused by reciprocal rank (k = 60).

A hit is the best passage of one article (an article shows up once): its id, the version the
passage comes from, the score, and the passage (heading path and text). Cross-lingual matches
come from the vectors (multilingual e5); the lexical side only matches the query's language.

Vectors are ranked in process (``vectors.py``), or inside PostgreSQL where it has pgvector
(``pgvector.py``).

Fusion is of passages, each article then taking its best fused passage. Fusing articles (each
ranking first collapsed to articles at their best passage's place) was tried: on the hand-made
dev set it moved recall@10 by nothing (0.747 -> 0.744), and on tau2_banking_kb, scored once,
it lost 0.015 recall@10 (docs/retrieval.md).
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.knowledge.retrieval import pgvector
from deskpilot.knowledge.retrieval.embeddings import (
    Embedder,
    EmbeddingUnavailable,
    Matrix,
    embed_query,
    get_embedder,
)
from deskpilot.knowledge.retrieval.lexical import Filters, lexical_search
from deskpilot.knowledge.retrieval.vectors import VectorIndex, load_index, rank_index
from deskpilot.models import Article, ArticleStatus, KnowledgeChunk

log = logging.getLogger(__name__)

RRF_K = 60
CANDIDATES = 50  # per ranking, before fusion
MAX_CANDIDATES = 3200  # ranked again, deeper, while fewer than the asked articles are found


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
    query_vector: Matrix | None = None,
) -> list[Hit]:
    """The best ``limit`` articles for ``query`` within ``filters``, one passage each. When an
    outside embedder cannot embed the query, hybrid search ranks by words alone (and says so in
    the log) and vector search raises ``EmbeddingUnavailable``. ``query_vector``: the query
    already embedded by ``embedder`` (an outside one, called before the search)."""
    if embedder is None and use_default_embedder and mode != Mode.LEXICAL:
        embedder = await asyncio.to_thread(get_embedder)
    if embedder is None:
        mode = Mode.LEXICAL
    candidates = max(CANDIDATES, limit * 5)
    rankings: list[list[tuple[str, float]]] = []
    # the query embedding (CPU, in a thread that releases the GIL) runs while the database
    # answers the lexical query and checks that the cached vector matrix is current; handed to
    # the thread pool now (``to_thread`` would only start at this task's first await, after the
    # lexical side has tokenised the query)
    embedding: asyncio.Future[Matrix] | None = None
    if mode in (Mode.VECTOR, Mode.HYBRID) and embedder is not None:
        if query_vector is not None:
            embedding = asyncio.get_running_loop().create_future()
            embedding.set_result(query_vector)
        else:
            embedding = asyncio.get_running_loop().run_in_executor(
                None, embed_query, embedder, query
            )
    index: VectorIndex | None = None
    try:
        if mode in (Mode.LEXICAL, Mode.HYBRID):
            rankings.append(await lexical_search(session, query, filters, candidates))
        in_database = embedding is not None and await pgvector.enabled(session)
        if embedding is not None and embedder is not None and not in_database:
            index = await load_index(session, filters.workspace_id, embedder.name)
    except BaseException:
        if embedding is not None:
            embedding.cancel()
        raise
    vector: Matrix | None = None
    if embedding is not None and embedder is not None:
        try:
            vector = await embedding
        except EmbeddingUnavailable as exc:
            if mode == Mode.VECTOR:
                raise
            log.warning("workspace %s: searching by words only: %s", filters.workspace_id, exc)
    found = -1
    while True:
        if vector is not None and embedder is not None:
            if index is not None:
                rankings.append(rank_index(index, vector, filters, candidates))
            else:
                rankings.append(
                    await pgvector.rank(session, vector, embedder.name, filters, candidates)
                )
        similarity = dict(rankings[-1]) if vector is not None else {}
        hits = await _hits(session, filters, rankings, similarity, limit)
        full = any(len(ranking) == candidates for ranking in rankings)
        if len(hits) in (limit, found) or not full or candidates >= MAX_CANDIDATES:
            return hits  # enough, all there are, or deeper found no more articles
        found = len(hits)
        # the candidates were passages of fewer than ``limit`` articles (one long article can
        # fill them all): rank again, deeper
        candidates = min(candidates * 4, MAX_CANDIDATES)
        rankings = (
            [await lexical_search(session, query, filters, candidates)]
            if mode in (Mode.LEXICAL, Mode.HYBRID)
            else []
        )


async def _hits(
    session: AsyncSession,
    filters: Filters,
    rankings: list[list[tuple[str, float]]],
    similarity: dict[str, float],
    limit: int,
) -> list[Hit]:
    if len(rankings) == 1:
        ranked = rankings[0]
    else:
        ranked = fuse([[chunk_id for chunk_id, _ in ranking] for ranking in rankings])
    if not ranked:
        return []
    # by primary key only: with the workspace in the WHERE clause SQLite walks the workspace
    # index (every chunk of the workspace); the workspace is checked on the rows instead. Only
    # the columns a hit shows: the embedding and the search text are most of a row's bytes.
    # The article as it is now is read too: its index job runs after the change commits, and
    # in between (or if that job failed) an archived, re-published or now internal article's
    # old passages must not be shown.
    rows = (
        await session.execute(
            select(
                KnowledgeChunk.id,
                KnowledgeChunk.article_id,
                KnowledgeChunk.workspace_id,
                KnowledgeChunk.version,
                KnowledgeChunk.heading,
                KnowledgeChunk.text,
                KnowledgeChunk.language,
                Article.status,
                Article.published_version,
                Article.visibility,
            )
            .join(Article, Article.id == KnowledgeChunk.article_id)
            .where(KnowledgeChunk.id.in_([chunk_id for chunk_id, _ in ranked]))
        )
    ).all()
    chunks = {
        row.id: row
        for row in rows
        if row.workspace_id == filters.workspace_id
        and row.status == ArticleStatus.PUBLISHED
        and row.published_version == row.version
        and row.visibility in filters.visibilities
    }
    hits: list[Hit] = []
    seen: set[str] = set()
    for chunk_id, score in ranked:
        row = chunks.get(chunk_id)
        if row is None or row.article_id in seen:
            continue
        seen.add(row.article_id)
        hits.append(
            Hit(
                row.article_id,
                row.version,
                row.id,
                round(score, 6),
                row.heading,
                row.text,
                row.language,
                similarity.get(row.id),
            )
        )
        if len(hits) == limit:
            break
    return hits
