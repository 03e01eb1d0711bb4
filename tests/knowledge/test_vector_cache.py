"""The cached vector matrix: checked with two index reads on every query, reloaded after any
change to the workspace's chunks (made by this process or another), kept when only another
workspace wrote."""

from __future__ import annotations

import numpy as np
from sqlalchemy import delete, select

from deskpilot.kit.db import Database
from deskpilot.knowledge.indexing import reindex
from deskpilot.knowledge.retrieval.embeddings import Matrix, to_bytes
from deskpilot.knowledge.retrieval.vectors import best_window, invalidate, load_index
from deskpilot.models import KnowledgeChunk
from tests.factories import Tenant
from tests.knowledge.helpers import stored_article

DIMS = 4


def _unit(*values: float) -> Matrix:
    row = np.array(values, dtype=np.float32)
    normalised: Matrix = (row / np.linalg.norm(row)).astype(np.float32)
    return normalised


class MarkedVectors:
    """A stand-in embedder: a passage's vector is set by a marker word in it, so a test decides
    the vector ranking exactly. Every query is the first axis."""

    name = "test/marked"

    def passages(self, texts: list[str]) -> Matrix:
        def vector(text: str) -> Matrix:
            if "qqq" in text:
                return _unit(1, 0, 0, 0)  # the query itself
            if "bbb" in text:
                return _unit(0.9, 0.43, 0, 0)
            if "fff" in text:
                return _unit(0.5, 0, 0.86, 0)
            return _unit(0, 0, 0, 1)  # unrelated

        return np.vstack([vector(t) for t in texts]) if texts else np.zeros((0, DIMS), np.float32)

    def query(self, text: str) -> Matrix:
        return _unit(1, 0, 0, 0)


MODEL = MarkedVectors.name


async def _index_ids(database: Database, workspace_id: str) -> list[str]:
    async with database.transaction() as session:
        return list((await load_index(session, workspace_id, MODEL)).ids)


async def _copy_chunk(database: Database, chunk_id: str) -> str:
    """A new chunk beside an existing one, written as another process would: no invalidate()."""
    async with database.transaction() as session:
        old = await session.get(KnowledgeChunk, chunk_id)
        assert old is not None
        new = KnowledgeChunk(
            workspace_id=old.workspace_id,
            article_id=old.article_id,
            version=old.version,
            position=old.position + 1,
            heading=old.heading,
            text=old.text + " again",
            search_text=old.search_text,
            language=old.language,
            visibility=old.visibility,
            category_id=old.category_id,
            embedding=to_bytes(MarkedVectors().passages(["qqq"])[0]),
            embedding_model=MODEL,
        )
        session.add(new)
        await session.flush()
        return new.id


async def test_a_change_made_elsewhere_to_the_workspaces_chunks_shows_on_the_next_query(
    database: Database, tenant: Tenant
) -> None:
    ws = tenant.workspace_id
    await stored_article(database, ws, "qqq one", title="One")
    await stored_article(database, ws, "bbb two", title="Two")
    await reindex(database, ws, MarkedVectors())
    first = await _index_ids(database, ws)
    assert len(first) == 2
    added = await _copy_chunk(database, first[0])
    assert sorted(await _index_ids(database, ws)) == sorted([*first, added])
    # the same number of chunks, one replaced by a newer one (a re-index of one article)
    async with database.transaction() as session:
        await session.execute(delete(KnowledgeChunk).where(KnowledgeChunk.id == first[1]))
    assert sorted(await _index_ids(database, ws)) == sorted([first[0], added])
    replaced = await _copy_chunk(database, first[0])
    async with database.transaction() as session:
        await session.execute(delete(KnowledgeChunk).where(KnowledgeChunk.id == added))
    assert sorted(await _index_ids(database, ws)) == sorted([first[0], replaced])


async def test_another_workspaces_writes_keep_this_workspaces_matrix(
    database: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    ws, other = tenant.workspace_id, other_tenant.workspace_id
    await stored_article(database, ws, "qqq one", title="One")
    await stored_article(database, other, "bbb elsewhere", title="Elsewhere")
    await reindex(database, ws, MarkedVectors())
    invalidate()
    async with database.transaction() as session:
        before = await load_index(session, ws, MODEL)
    await reindex(database, other, MarkedVectors())  # a newer chunk id, in another workspace
    async with database.transaction() as session:
        newest = (
            (await session.execute(select(KnowledgeChunk.id).order_by(KnowledgeChunk.id.desc())))
            .scalars()
            .first()
        )
        after = await load_index(session, ws, MODEL)
    assert after.matrix is before.matrix  # not read again
    assert after.newest_anywhere == newest != before.newest_anywhere


def test_each_passage_scores_its_best_window() -> None:
    rng = np.random.default_rng(5)
    matrix: Matrix = rng.standard_normal((50, 8)).astype(np.float32)
    windows: Matrix = rng.standard_normal((3, 8)).astype(np.float32)
    expected = (matrix @ windows.T).max(axis=1)
    assert np.allclose(best_window(matrix, windows), expected, atol=1e-5)
    assert np.allclose(best_window(matrix, windows[0]), matrix @ windows[0], atol=1e-5)
