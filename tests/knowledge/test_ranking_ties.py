"""Exact ties in the fused ranking are broken by the passages, never by their random ids: the
same question gets the same passage every time, the one closer to it."""

from __future__ import annotations

import asyncio
from typing import Any

import numpy as np
import pytest

from deskpilot.kit.db import Database
from deskpilot.knowledge.indexing import index_one, reindex
from deskpilot.knowledge.retrieval.hybrid import RRF_K, Hit, Mode, fuse, search
from deskpilot.knowledge.retrieval.lexical import Filters
from tests.factories import Tenant
from tests.knowledge.helpers import stored_article

# "parcel" three times: first by words; the other article is closer by vectors
BY_WORDS = "# Alpha\n\nParcel, parcel, parcel: every parcel is tracked."
BY_VECTORS = "# Beta\n\nA parcel that did not arrive is sent again, or refunded, at no cost to you."


class _TwoTopics:
    """A stand-in embedder: the query points one way, Beta's passage nearer to it than Alpha's."""

    name = "two-topics"

    def _row(self, text: str) -> list[float]:
        if "Alpha" in text:
            return [0.6, 0.8]  # cosine 0.6 to the query
        if "Beta" in text:
            return [0.9, 0.43588989]  # cosine 0.9
        return [1.0, 0.0]

    def passages(self, texts: list[str]) -> np.ndarray[Any, np.dtype[np.float32]]:
        return np.array([self._row(t) for t in texts], dtype=np.float32)

    def query(self, text: str) -> np.ndarray[Any, np.dtype[np.float32]]:
        return self.passages([text])


async def _search(database: Database, workspace_id: str, mode: Mode) -> list[Hit]:
    async with database.transaction() as session:
        return await search(
            session,
            "parcel",
            Filters(workspace_id),
            mode=mode,
            embedder=_TwoTopics(),
            use_default_embedder=False,
        )


def test_fused_ties_go_to_the_best_single_place_not_the_smaller_id() -> None:
    fused = fuse([["z", "a"], ["a", "z"]])
    assert fused[0][1] == fused[1][1] == 1 / (RRF_K + 1) + 1 / (RRF_K + 2)
    assert [item for item, _ in fused] == ["z", "a"]  # 1st by the first ranking


async def test_a_tie_goes_to_the_passage_closer_to_the_question(
    database: Database, tenant: Tenant
) -> None:
    ws, embedder = tenant.workspace_id, _TwoTopics()
    alpha = await stored_article(database, ws, BY_WORDS)
    beta = await stored_article(database, ws, BY_VECTORS)
    # Beta's passage is indexed later, so its chunk id sorts after Alpha's
    for article in (alpha, beta):
        async with database.transaction() as write:
            await index_one(database, write, ws, article, embedder)
        await asyncio.sleep(0.01)
    assert [h.article_id for h in await _search(database, ws, Mode.LEXICAL)] == [alpha, beta]
    assert [h.article_id for h in await _search(database, ws, Mode.VECTOR)] == [beta, alpha]

    hits = await _search(database, ws, Mode.HYBRID)
    assert hits[0].score == hits[1].score  # 1st and 2nd, 2nd and 1st: an exact tie
    assert [h.article_id for h in hits] == [beta, alpha]
    assert hits[0].similarity == pytest.approx(0.9, abs=1e-4)  # the tie went by the cosine

    for _ in range(3):  # new chunk ids every time: the same order
        await reindex(database, ws, embedder)
        assert [h.article_id for h in await _search(database, ws, Mode.HYBRID)] == [beta, alpha]
