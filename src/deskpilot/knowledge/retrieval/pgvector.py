"""Vector search inside PostgreSQL with pgvector, when the server has it.

Migration 0010 creates the ``vector`` extension and the table ``knowledge_chunk_vectors`` when
the PostgreSQL server offers pgvector (and the migrating role may create extensions): one row
per embedded chunk with the embedder's name, the vector, and the chunk's workspace, visibility,
language and category (copied: a chunk never changes, a re-index replaces it), deleted with its
chunk (a foreign key with ON DELETE CASCADE). Like the full-text indexes of migration 0005 it
is not in the models, so every server keeps the same models.

The copies keep the query on one table: joined to ``knowledge_chunks`` for the filters, it
looked up every vector's chunk by primary key.

Where the table exists, the indexer writes each chunk's vector there too, and search ranks
inside the database: an exact scan of the workspace's vectors with the inner product (the
vectors are L2-normalised, so it is the cosine), filtered like the lexical side. The process
then keeps no matrix of its own. Elsewhere (SQLite, PostgreSQL without pgvector) search ranks
in process (``vectors.py``).
"""

from __future__ import annotations

import time
from weakref import WeakKeyDictionary

import numpy as np
from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.knowledge.retrieval.embeddings import Matrix, from_bytes
from deskpilot.knowledge.retrieval.lexical import Filters, where_clause
from deskpilot.models import KnowledgeChunk

TABLE = "knowledge_chunk_vectors"
CHECK_SECONDS = 60.0
_enabled: WeakKeyDictionary[Engine, tuple[bool, float]] = WeakKeyDictionary()  # answer, when


async def enabled(session: AsyncSession, *, fresh: bool = False) -> bool:
    """True when this database ranks vectors itself (PostgreSQL with the table of 0010).

    Search reuses the answer for ``CHECK_SECONDS``, so processes notice another one's migration
    (or downgrade) within a minute; the indexer asks ``fresh``, so chunks written after
    migration 0010 ran elsewhere still get their vectors stored."""
    engine = session.get_bind().engine
    if engine.dialect.name != "postgresql":
        return False
    now = time.monotonic()
    found, checked = _enabled.get(engine, (False, -CHECK_SECONDS))
    if fresh or now - checked >= CHECK_SECONDS:
        exists = await session.execute(text(f"SELECT to_regclass('{TABLE}') IS NOT NULL"))
        found = bool(exists.scalar())
        _enabled[engine] = (found, now)
    return found


def literal(vector: Matrix) -> str:
    """pgvector's text form of one vector, ``[0.1,-0.2,...]`` (float32 round-trips exactly)."""
    return "[" + ",".join(repr(float(x)) for x in np.asarray(vector, dtype=np.float32)) + "]"


async def store(session: AsyncSession, chunks: list[KnowledgeChunk]) -> None:
    """Write the vectors of new, embedded chunks; call only when ``enabled``."""
    rows = [
        {
            "chunk_id": chunk.id,
            "ws": chunk.workspace_id,
            "model": chunk.embedding_model,
            "visibility": chunk.visibility.value,
            "language": chunk.language,
            "category": chunk.category_id,
            "embedding": literal(from_bytes(chunk.embedding)),
        }
        for chunk in chunks
        if chunk.embedding and chunk.embedding_model
    ]
    if rows:
        await session.execute(_INSERT, rows)


_INSERT = text(
    f"INSERT INTO {TABLE} "  # noqa: S608 (a fixed name)
    "(chunk_id, workspace_id, model, visibility, language, category_id, embedding) "
    "VALUES (:chunk_id, :ws, :model, :visibility, :language, :category, "
    "CAST(CAST(:embedding AS text) AS vector))"
)


async def fill_missing(session: AsyncSession, batch: int = 500) -> int:
    """Store the vectors of embedded chunks that have none; returns how many were stored.

    A process that did not know the table (one still running the previous version during an
    upgrade) writes chunks without vector rows; the periodic job
    ``knowledge.fill_missing_vectors`` finds them once an hour."""
    if not await enabled(session, fresh=True):
        return 0
    missing = text(
        f"SELECT c.id FROM knowledge_chunks c LEFT JOIN {TABLE} v ON v.chunk_id = c.id "  # noqa: S608
        "WHERE v.chunk_id IS NULL AND octet_length(c.embedding) > 0 "  # what store() writes,
        "AND c.embedding_model IS NOT NULL ORDER BY c.id LIMIT :batch"  # or this never ends
    )
    stored = 0
    while ids := list((await session.execute(missing, {"batch": batch})).scalars()):
        chunks = await session.scalars(select(KnowledgeChunk).where(KnowledgeChunk.id.in_(ids)))
        await store(session, list(chunks))
        stored += len(ids)
    return stored


async def rank(
    session: AsyncSession, query: Matrix, model: str, filters: Filters, limit: int
) -> list[tuple[str, float]]:
    """(chunk id, cosine similarity) best first, as ``vectors.rank_index`` ranks in process:
    ``query`` is one row per window of the query and a chunk scores its best window."""
    if not filters.visibilities:
        return []
    windows = query if query.ndim == 2 else query[None, :]
    where, params = where_clause(filters, "v")  # only placeholders and fixed names interpolated
    # <#> is the negative inner product. Each window is a sub-select, parsed once: from its sixth
    # run PostgreSQL plans a prepared statement generically, and there a plain cast of the
    # parameter was parsed again for every row (30 ms at 460 passages instead of 1)
    best = ", ".join(
        f"-(v.embedding <#> (SELECT CAST(CAST(:q{i} AS text) AS vector)))"
        for i in range(len(windows))
    )
    params.update({f"q{i}": literal(window) for i, window in enumerate(windows)})
    params |= {"model": model, "limit": limit, "dims": windows.shape[1]}
    sql = (
        f"SELECT v.chunk_id, GREATEST({best}) AS similarity FROM {TABLE} v "  # noqa: S608
        f"WHERE {where} AND v.model = :model AND vector_dims(v.embedding) = :dims "
        "ORDER BY similarity DESC, v.chunk_id LIMIT :limit"
    )
    rows = (await session.execute(text(sql), params)).all()
    return [(row[0], float(row[1])) for row in rows]
