"""knowledge search: full-text indexes over knowledge_chunks.search_text

SQLite: an external-content FTS5 table kept in step with knowledge_chunks by triggers.
PostgreSQL: a GIN index on to_tsvector('simple', search_text) (an expression index, so the
models need no extra column). The text indexed is the app's own tokens (see
deskpilot.knowledge.retrieval.tokenize), hence the 'simple' configuration.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQLITE_UP = [
    "CREATE VIRTUAL TABLE knowledge_chunks_fts USING fts5("
    "search_text, content='knowledge_chunks', content_rowid='rowid', "
    "tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER knowledge_chunks_fts_ai AFTER INSERT ON knowledge_chunks BEGIN "
    "INSERT INTO knowledge_chunks_fts(rowid, search_text) VALUES (new.rowid, new.search_text); "
    "END",
    "CREATE TRIGGER knowledge_chunks_fts_ad AFTER DELETE ON knowledge_chunks BEGIN "
    "INSERT INTO knowledge_chunks_fts(knowledge_chunks_fts, rowid, search_text) "
    "VALUES ('delete', old.rowid, old.search_text); END",
    "CREATE TRIGGER knowledge_chunks_fts_au AFTER UPDATE ON knowledge_chunks BEGIN "
    "INSERT INTO knowledge_chunks_fts(knowledge_chunks_fts, rowid, search_text) "
    "VALUES ('delete', old.rowid, old.search_text); "
    "INSERT INTO knowledge_chunks_fts(rowid, search_text) VALUES (new.rowid, new.search_text); "
    "END",
    "INSERT INTO knowledge_chunks_fts(knowledge_chunks_fts) VALUES ('rebuild')",
]
_SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS knowledge_chunks_fts_au",
    "DROP TRIGGER IF EXISTS knowledge_chunks_fts_ad",
    "DROP TRIGGER IF EXISTS knowledge_chunks_fts_ai",
    "DROP TABLE IF EXISTS knowledge_chunks_fts",
]
_POSTGRES_UP = [
    "CREATE INDEX ix_knowledge_chunks_search ON knowledge_chunks "
    "USING gin (to_tsvector('simple', search_text))",
]
_POSTGRES_DOWN = ["DROP INDEX IF EXISTS ix_knowledge_chunks_search"]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in _SQLITE_UP if dialect == "sqlite" else _POSTGRES_UP:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in _SQLITE_DOWN if dialect == "sqlite" else _POSTGRES_DOWN:
        op.execute(statement)
