"""Full-text ranking over ``KnowledgeChunk.search_text``: SQLite FTS5 with bm25 (migration
0005), PostgreSQL ts_rank over the stored ``to_tsvector('simple', search_text)`` column
``search_vector`` and its GIN index (migration 0011).

Queries go through the same tokeniser as passages (their Chinese in search mode); the words
are OR-ed, so a long question still finds passages that share its rarer words. Every query is
scoped to one workspace and filtered by visibility, language and category.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.language import language_family
from deskpilot.knowledge.retrieval.stopwords import content_tokens
from deskpilot.knowledge.retrieval.tokenize import tokens

MAX_QUERY_TERMS = 256


@dataclass(frozen=True, slots=True)
class Filters:
    workspace_id: str
    visibilities: tuple[str, ...] = ("public", "internal")
    language: str | None = None
    category_id: str | None = None


def where_clause(filters: Filters, alias: str) -> tuple[str, dict[str, object]]:
    params: dict[str, object] = {"ws": filters.workspace_id}
    visibility = ", ".join(f":vis{i}" for i in range(len(filters.visibilities)))
    params.update({f"vis{i}": v for i, v in enumerate(filters.visibilities)})
    clauses = [f"{alias}.workspace_id = :ws", f"{alias}.visibility IN ({visibility})"]
    if filters.language:
        exact, prefix = language_family(filters.language)
        admitted = [f"{alias}.language IN ({', '.join(f':lang{i}' for i in range(len(exact)))})"]
        params.update({f"lang{i}": tag for i, tag in enumerate(exact)})
        if prefix:
            admitted.append(f"{alias}.language LIKE :lang_prefix")
            params["lang_prefix"] = f"{prefix}%"
        clauses.append(f"({' OR '.join(admitted)})")
    if filters.category_id:
        clauses.append(f"{alias}.category_id = :category")
        params["category"] = filters.category_id
    return " AND ".join(clauses), params


def query_terms(query: str) -> list[str]:
    """The distinct words of a query, in order, without function words unless that leaves
    none, at most ``MAX_QUERY_TERMS`` (a long question keeps its rarer words further on).
    Chinese is segmented in search mode: a compound brings its words (``开发票`` -> ``开发``,
    ``发票``, ``开发票``), which passages, segmented precisely, may hold on their own."""
    content = list(dict.fromkeys(content_tokens(query, for_query=True)))
    return (content or list(dict.fromkeys(tokens(query, for_query=True))))[:MAX_QUERY_TERMS]


RANK_WINDOW = 500  # best passages of the whole index ranked before the filters apply
MAX_TERM_SHARE = 0.2
"""A query word found in more than this share of all passages is left out (SQLite): its idf is
near zero, and scoring every passage that has it is what makes a query slow."""
MIN_CHUNKS_TO_PRUNE = 1000  # a small knowledge base keeps every word: it is fast anyway
_TOTAL_TTL_SECONDS = 30.0
_totals: dict[str, tuple[int, float]] = {}  # database -> (chunk count, when it was read)


async def _common_terms(session: AsyncSession, terms: list[str]) -> set[str]:
    """The query words in more than ``MAX_TERM_SHARE`` of the indexed passages (of every
    workspace: the full-text index is one table)."""
    now, database = time.monotonic(), str(session.get_bind().engine.url)
    total, read_at = _totals.get(database, (0, -_TOTAL_TTL_SECONDS))
    if now - read_at >= _TOTAL_TTL_SECONDS:
        count = (await session.execute(text("SELECT count(*) FROM knowledge_chunks"))).scalar()
        total = int(count or 0)
        _totals[database] = (total, now)
    if total < MIN_CHUNKS_TO_PRUNE:
        return set()
    placeholders = ", ".join(f":t{i}" for i in range(len(terms)))
    rows = await session.execute(
        text(f"SELECT term, doc FROM knowledge_chunks_fts_vocab WHERE term IN ({placeholders})"),  # noqa: S608
        {f"t{i}": term for i, term in enumerate(terms)},
    )
    return {str(term) for term, doc in rows if doc > MAX_TERM_SHARE * total}


async def lexical_search(
    session: AsyncSession, query: str, filters: Filters, limit: int
) -> list[tuple[str, float]]:
    """(chunk id, score) best first; the score is higher for better matches."""
    terms = query_terms(query)
    if not terms or not filters.visibilities:
        return []
    where, params = where_clause(filters, "c")  # only placeholders and fixed names interpolated
    params["limit"] = limit
    if session.get_bind().dialect.name == "sqlite":
        common = await _common_terms(session, terms)
        terms = [term for term in terms if term not in common] or terms
        params["match"] = " OR ".join(f'"{term}"' for term in terms)
        params["window"] = max(RANK_WINDOW, limit * 10)
        # First the index's own best passages, then the filters on those few: joining every
        # match to its row before ranking is what costs. Too few left after the filters (other
        # workspaces' or hidden passages crowd the window): rank every match, filtered.
        windowed = (
            "SELECT c.id, f.rank FROM (SELECT rowid, bm25(knowledge_chunks_fts) AS rank "  # noqa: S608
            "FROM knowledge_chunks_fts WHERE knowledge_chunks_fts MATCH :match "
            "ORDER BY rank LIMIT :window) f JOIN knowledge_chunks c ON c.rowid = f.rowid "
            f"WHERE {where} ORDER BY f.rank LIMIT :limit"
        )
        rows = (await session.execute(text(windowed), params)).all()
        if len(rows) < limit:
            exact = (
                "SELECT c.id, bm25(knowledge_chunks_fts) AS rank FROM knowledge_chunks_fts "  # noqa: S608
                "JOIN knowledge_chunks c ON c.rowid = knowledge_chunks_fts.rowid "
                f"WHERE knowledge_chunks_fts MATCH :match AND {where} ORDER BY rank LIMIT :limit"
            )
            rows = (await session.execute(text(exact), params)).all()
        return [(row[0], -float(row[1])) for row in rows]  # bm25() is lower for better
    params["tsq"] = " | ".join(f"'{term}'" for term in terms)
    sql = (
        "SELECT c.id, ts_rank(c.search_vector, q) AS rank "  # noqa: S608
        "FROM knowledge_chunks c, to_tsquery('simple', :tsq) q "
        f"WHERE c.search_vector @@ q AND {where} "
        "ORDER BY rank DESC LIMIT :limit"
    )
    rows = (await session.execute(text(sql), params)).all()
    return [(row[0], float(row[1])) for row in rows]
