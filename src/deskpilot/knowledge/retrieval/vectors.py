"""Exact vector search in process: one float32 matrix per workspace, scored with numpy.

The matrix is cached per workspace with a fingerprint of its chunks (count and newest id: ids
sort by creation time, and re-indexing replaces chunks with new ones), so a re-index in any
process invalidates it on the next query; ``invalidate`` drops it at once in this process.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.knowledge.retrieval.embeddings import Matrix
from deskpilot.knowledge.retrieval.lexical import Filters
from deskpilot.models import KnowledgeChunk


@dataclass(frozen=True, slots=True)
class _Index:
    fingerprint: tuple[int, str | None, str]
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
                found &= self.language == filters.language
            if filters.category_id:
                found &= self.category == filters.category_id
            if len(self.masks) >= MAX_CACHED_MASKS:
                self.masks.clear()
            self.masks[filters] = found
        return found


MAX_CACHED_MASKS = 64
_cache: dict[str, _Index] = {}


def invalidate(workspace_id: str | None = None) -> None:
    if workspace_id is None:
        _cache.clear()
    else:
        _cache.pop(workspace_id, None)


async def _load(session: AsyncSession, workspace_id: str, model: str) -> _Index:
    scope = (
        KnowledgeChunk.workspace_id == workspace_id,
        KnowledgeChunk.embedding_model == model,
        KnowledgeChunk.embedding.is_not(None),
    )
    count, newest = (
        await session.execute(select(func.count(), func.max(KnowledgeChunk.id)).where(*scope))
    ).one()
    fingerprint = (int(count), newest, model)
    cached = _cache.get(workspace_id)
    if cached is not None and cached.fingerprint == fingerprint:
        return cached
    rows = (
        await session.execute(
            select(
                KnowledgeChunk.id,
                KnowledgeChunk.embedding,
                KnowledgeChunk.visibility,
                KnowledgeChunk.language,
                KnowledgeChunk.category_id,
            ).where(*scope)
        )
    ).all()
    vectors = [np.frombuffer(row[1] or b"", dtype=np.float32) for row in rows]
    dims = {len(v) for v in vectors}
    matrix = np.vstack(vectors) if vectors and len(dims) == 1 else np.zeros((0, 1), np.float32)
    index = _Index(
        fingerprint,
        [row[0] for row in rows] if len(matrix) else [],
        matrix.astype(np.float32),
        np.array([str(row[2]) for row in rows] if len(matrix) else [], dtype=np.str_),
        np.array([row[3] for row in rows] if len(matrix) else [], dtype=np.str_),
        np.array([row[4] or "" for row in rows] if len(matrix) else [], dtype=np.str_),
    )
    _cache[workspace_id] = index
    return index


async def vector_search(
    session: AsyncSession, query: Matrix, model: str, filters: Filters, limit: int
) -> list[tuple[str, float]]:
    """(chunk id, cosine similarity) best first, among the chunks embedded with ``model``.

    ``query`` is one row per window of the query; a chunk scores its best window."""
    index = await _load(session, filters.workspace_id, model)
    if not index.ids or index.matrix.shape[1] != query.shape[-1]:
        return []
    mask = index.mask(filters)
    admitted = int(mask.sum())
    if not admitted:
        return []
    similarity = index.matrix @ query.T if query.ndim == 2 else index.matrix @ query
    best_window = similarity.max(axis=1) if similarity.ndim == 2 else similarity
    scores = np.where(mask, best_window, -np.inf)  # no copy of the matrix
    top = min(limit, admitted)
    best = np.argpartition(-scores, top - 1)[:top]
    best = best[np.argsort(-scores[best])]
    return [(index.ids[i], float(scores[i])) for i in best]
