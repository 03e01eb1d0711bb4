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
import math
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
    """Reciprocal-rank fusion: each id scores the sum of 1 / (k + rank) over the rankings.

    Ties are broken by the best place an id has in any ranking, then by the earlier ranking
    (a passage 1st by words and 2nd by vectors scores exactly what one 2nd by words and 1st by
    vectors does: the first ranking's 1st place goes first). ``search`` breaks them by the
    passages themselves instead (``_order``)."""
    scores: dict[str, float] = defaultdict(float)
    places: dict[str, tuple[int, int]] = {}
    for which, ranking in enumerate(rankings):
        for rank, item in enumerate(ranking, start=1):
            scores[item] += 1.0 / (k + rank)
            places[item] = min(places.get(item, (rank, which)), (rank, which))
    return sorted(scores.items(), key=lambda pair: (-pair[1], places[pair[0]]))


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
        lexical = rankings[0] if mode in (Mode.LEXICAL, Mode.HYBRID) else []
        similarity = dict(rankings[-1]) if vector is not None else {}
        hits = await _hits(session, filters, rankings, lexical, similarity, limit)
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
    lexical: list[tuple[str, float]],
    similarity: dict[str, float],
    limit: int,
) -> list[Hit]:
    """The best passage of each of the first ``limit`` articles, in ``_order``. ``lexical``:
    the lexical ranking (empty when it did not run); ``similarity``: each vector-ranked
    passage's cosine."""
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
                KnowledgeChunk.position,
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
    lexical_place = {chunk_id: place for place, (chunk_id, _) in enumerate(lexical)}
    found = [(chunk_id, score) for chunk_id, score in ranked if chunk_id in chunks]
    hits: list[Hit] = []
    seen: set[str] = set()
    for chunk_id, score in sorted(
        found,
        key=lambda pair: _order(
            pair[1],
            similarity.get(pair[0]),
            lexical_place.get(pair[0], len(lexical_place)),
            (chunks[pair[0]].article_id, chunks[pair[0]].version, chunks[pair[0]].position),
        ),
    ):
        row = chunks[chunk_id]
        if row.article_id in seen:
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


def _order(
    score: float, similarity: float | None, lexical_place: int, where: tuple[str, int, int]
) -> tuple[float, float, int, tuple[str, int, int]]:
    """Best first, and the same order every time: the score, then (on a tie, common in a
    fusion of integer ranks) the passage's cosine to the query, its place in the lexical
    ranking, and last its article, version and position (``where``). Chunk ids end in random
    digits and are new on every re-index: a tie broken by them gave the same question
    different passages from one run to the next."""
    return (-score, -(similarity if similarity is not None else -math.inf), lexical_place, where)
