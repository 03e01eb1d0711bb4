"""Exact vector search in process: one float32 matrix per workspace, scored with numpy.

The matrix is cached per workspace and checked on every query, so a re-index in any process
shows on the next query; ``invalidate`` drops it at once in this process. The check must be
cheap: it runs on every search. It reads the workspace's chunk count (from the workspace index
alone) and the newest chunk id of the whole table (the end of the primary-key index): chunk ids
sort by creation time and a re-index replaces chunks with new ones, so any write to this
workspace changes one of the two. Only when the newest id moved (a write in any workspace)
is the workspace's own newest id read, which walks its rows; the matrix is reloaded only if
that changed too. The check used to read the workspace's newest id and the embedding model of
every row on every query, and in SQLite the model column lies past the embedding, on the
row's overflow page: at 15,000 passages that check cost more than the rest of a search.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.language import language_family
from deskpilot.knowledge.retrieval.embeddings import Matrix
from deskpilot.knowledge.retrieval.lexical import Filters
from deskpilot.models import KnowledgeChunk


@dataclass(frozen=True, slots=True)
class VectorIndex:
    fingerprint: tuple[int, str | None, str]  # the workspace's chunks: count, newest id; model
    newest_anywhere: str | None  # the newest chunk id of every workspace when last checked
    ids: list[str]
    matrix: Matrix
    visibility: npt.NDArray[np.str_]
    language: npt.NDArray[np.str_]
    category: npt.NDArray[np.str_]
    masks: dict[Filters, npt.NDArray[np.bool_]] = field(default_factory=dict)

    def mask(self, filters: Filters) -> npt.NDArray[np.bool_]:
        """The rows ``filters`` admit, computed once per distinct filter set."""
        found = self.masks.get(filters)
        if found is None:
            found = np.isin(self.visibility, list(filters.visibilities))
            if filters.language:
                exact, prefix = language_family(filters.language)
                admitted = np.isin(self.language, exact)
                if prefix:
                    admitted |= np.char.startswith(self.language.astype(str), prefix)
                found &= admitted
            if filters.category_id:
                found &= self.category == filters.category_id
            if len(self.masks) >= MAX_CACHED_MASKS:
                self.masks.clear()
            self.masks[filters] = found
        return found


MAX_CACHED_MASKS = 64
_cache: dict[str, VectorIndex] = {}


def invalidate(workspace_id: str | None = None) -> None:
    if workspace_id is None:
        _cache.clear()
    else:
        _cache.pop(workspace_id, None)


async def _count_and_newest(session: AsyncSession, workspace_id: str) -> tuple[int, str | None]:
    """The workspace's chunk count (its index alone) and the newest chunk id of all workspaces
    (the last entry of the primary key): two index reads, however many chunks there are."""
    count = select(func.count()).where(KnowledgeChunk.workspace_id == workspace_id)
    newest = select(func.max(KnowledgeChunk.id))
    found, newest_id = (
        await session.execute(select(count.scalar_subquery(), newest.scalar_subquery()))
    ).one()
    return int(found), newest_id


async def load_index(session: AsyncSession, workspace_id: str, model: str) -> VectorIndex:
    """The workspace's matrix of ``model`` vectors: the cached one while it is current."""
    count, newest_anywhere = await _count_and_newest(session, workspace_id)
    cached = _cache.get(workspace_id)
    fresh = cached is not None and (cached.fingerprint[0], cached.fingerprint[2]) == (count, model)
    if cached is not None and fresh and cached.newest_anywhere == newest_anywhere:
        return cached
    newest = (
        await session.execute(
            select(func.max(KnowledgeChunk.id)).where(KnowledgeChunk.workspace_id == workspace_id)
        )
    ).scalar()
    if cached is not None and fresh and cached.fingerprint[1] == newest:
        current = replace(cached, newest_anywhere=newest_anywhere)  # another workspace wrote
        _cache[workspace_id] = current
        return current
    # the fingerprint is read before the rows: a write in between makes the next query reload
    rows = (
        await session.execute(
            select(
                KnowledgeChunk.id,
                KnowledgeChunk.embedding,
                KnowledgeChunk.visibility,
                KnowledgeChunk.language,
                KnowledgeChunk.category_id,
            ).where(
                KnowledgeChunk.workspace_id == workspace_id,
                KnowledgeChunk.embedding_model == model,
                KnowledgeChunk.embedding.is_not(None),
            )
        )
    ).all()
    vectors = [np.frombuffer(row[1] or b"", dtype=np.float32) for row in rows]
    dims = {len(v) for v in vectors}
    matrix = np.vstack(vectors) if vectors and len(dims) == 1 else np.zeros((0, 1), np.float32)
    index = VectorIndex(
        (count, newest, model),
        newest_anywhere,
        [row[0] for row in rows] if len(matrix) else [],
        matrix.astype(np.float32),
        np.array([str(row[2]) for row in rows] if len(matrix) else [], dtype=np.str_),
        np.array([row[3] for row in rows] if len(matrix) else [], dtype=np.str_),
        np.array([row[4] or "" for row in rows] if len(matrix) else [], dtype=np.str_),
    )
    _cache[workspace_id] = index
    return index


def rank_index(
    index: VectorIndex, query: Matrix, filters: Filters, limit: int
) -> list[tuple[str, float]]:
    """(chunk id, cosine similarity) best first, among the index's chunks that ``filters``
    admit; ``query`` is one row per window of the query and a chunk scores its best window."""
    if not index.ids or index.matrix.shape[1] != query.shape[-1]:
        return []
    mask = index.mask(filters)
    admitted = int(mask.sum())
    if not admitted:
        return []
    scores = np.where(mask, best_window(index.matrix, query), -np.inf)  # no copy of the matrix
    top = min(limit, admitted)
    best = np.argpartition(-scores, top - 1)[:top]
    best = best[np.argsort(-scores[best])]
    return [(index.ids[i], float(scores[i])) for i in best]


def best_window(matrix: Matrix, query: Matrix) -> Matrix:
    """Each row's cosine to the query's best window (``query``: one row, or one per window).

    numpy's own loop (``einsum``), one window at a time, not a BLAS product: OpenBLAS splits
    even a matrix-vector product over its threads, and on a busy 2-core machine those threads
    wait for each other (15,000 x 384: 24 ms at the median instead of 2)."""
    windows = query if query.ndim == 2 else query[None, :]
    best: Matrix = np.einsum("ij,j->i", matrix, windows[0])
    for window in windows[1:]:
        np.maximum(best, np.einsum("ij,j->i", matrix, window), out=best)
    return best
