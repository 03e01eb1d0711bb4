"""knowledge search: a stored tsvector on PostgreSQL

The full-text index of migration 0005 was an expression index on
to_tsvector('simple', search_text): the index found the matching passages, but PostgreSQL
parsed each match's text twice more (to recheck it and to rank it). At 15,000 passages a query
whose words matched 4,600 of them spent 160 ms on that. Now the tsvector is a stored generated
column, ``search_vector``, and the GIN index is on it. Like that index, the column is not in the
models (SQLite has no tsvector; its FTS5 table keeps its own). Nothing changes on SQLite.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE knowledge_chunks ADD COLUMN search_vector tsvector "
        "GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED"
    )
    op.execute("DROP INDEX IF EXISTS ix_knowledge_chunks_search")
    op.execute(
        "CREATE INDEX ix_knowledge_chunks_search ON knowledge_chunks USING gin (search_vector)"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_knowledge_chunks_search")
    op.execute("ALTER TABLE knowledge_chunks DROP COLUMN IF EXISTS search_vector")
    op.execute(
        "CREATE INDEX ix_knowledge_chunks_search ON knowledge_chunks "
        "USING gin (to_tsvector('simple', search_text))"
    )
