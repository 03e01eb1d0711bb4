"""knowledge search: a vocabulary view of the SQLite full-text index

``knowledge_chunks_fts_vocab`` (fts5vocab, "row") gives each term's document frequency, so a
query can leave out the words that occur in most passages (they rank nothing and cost the
most). PostgreSQL has no cheap equivalent; nothing changes there.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE knowledge_chunks_fts_vocab "
            "USING fts5vocab(knowledge_chunks_fts, row)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS knowledge_chunks_fts_vocab")
