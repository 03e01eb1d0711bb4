"""Full-text ranking over ``KnowledgeChunk.search_text``: SQLite FTS5 with bm25, PostgreSQL
``to_tsvector('simple', ...)`` with ts_rank (both built by migration 0005).

Queries go through the same tokeniser as passages; the words are OR-ed, so a long question
still finds passages that share its rarer words. Every query is scoped to one workspace and
filtered by visibility, language and category.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.knowledge.retrieval.stopwords import stopwords
from deskpilot.knowledge.retrieval.tokenize import tokens

MAX_QUERY_TERMS = 256


@dataclass(frozen=True, slots=True)
class Filters:
    workspace_id: str
    visibilities: tuple[str, ...] = ("public", "internal")
    language: str | None = None
    category_id: str | None = None


def _where(filters: Filters, alias: str) -> tuple[str, dict[str, object]]:
    params: dict[str, object] = {"ws": filters.workspace_id}
    visibility = ", ".join(f":vis{i}" for i in range(len(filters.visibilities)))
    params.update({f"vis{i}": v for i, v in enumerate(filters.visibilities)})
    clauses = [f"{alias}.workspace_id = :ws", f"{alias}.visibility IN ({visibility})"]
    if filters.language:
        clauses.append(f"{alias}.language = :language")
        params["language"] = filters.language
    if filters.category_id:
        clauses.append(f"{alias}.category_id = :category")
        params["category"] = filters.category_id
    return " AND ".join(clauses), params


def query_terms(query: str) -> list[str]:
    """The distinct words of a query, in order, without function words unless that leaves
    none, at most ``MAX_QUERY_TERMS`` (a long question keeps its rarer words further on)."""
    words = list(dict.fromkeys(tokens(query)))
    common = stopwords()
    content = [word for word in words if word not in common]
    return (content or words)[:MAX_QUERY_TERMS]


async def lexical_search(
    session: AsyncSession, query: str, filters: Filters, limit: int
) -> list[tuple[str, float]]:
    """(chunk id, score) best first; the score is higher for better matches."""
    terms = query_terms(query)
    if not terms or not filters.visibilities:
        return []
    where, params = _where(filters, "c")  # only placeholders and fixed names interpolated
    params["limit"] = limit
    if session.get_bind().dialect.name == "sqlite":
        params["match"] = " OR ".join(f'"{term}"' for term in terms)
        sql = (
            "SELECT c.id, bm25(knowledge_chunks_fts) AS rank FROM knowledge_chunks_fts "  # noqa: S608
            "JOIN knowledge_chunks c ON c.rowid = knowledge_chunks_fts.rowid "
            f"WHERE knowledge_chunks_fts MATCH :match AND {where} ORDER BY rank LIMIT :limit"
        )
        rows = (await session.execute(text(sql), params)).all()
        return [(row[0], -float(row[1])) for row in rows]  # bm25() is lower for better
    params["tsq"] = " | ".join(f"'{term}'" for term in terms)
    sql = (
        "SELECT c.id, ts_rank(to_tsvector('simple', c.search_text), q) AS rank "  # noqa: S608
        "FROM knowledge_chunks c, to_tsquery('simple', :tsq) q "
        f"WHERE to_tsvector('simple', c.search_text) @@ q AND {where} "
        "ORDER BY rank DESC LIMIT :limit"
    )
    rows = (await session.execute(text(sql), params)).all()
    return [(row[0], float(row[1])) for row in rows]
