"""knowledge search: pgvector, when the PostgreSQL server has it

On PostgreSQL whose server offers the ``vector`` extension (and a role allowed to create it):
the extension, and ``knowledge_chunk_vectors`` (chunk id, embedder name, vector, and the chunk's
workspace, visibility, language and category, so search filters on this table alone), filled
from the chunks already embedded. Search then ranks vectors in the database
(deskpilot.knowledge.retrieval.pgvector). Elsewhere nothing changes: SQLite and PostgreSQL
without pgvector rank in process. Like migration 0005's indexes, the table is not in the models.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
from alembic import op
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger(__name__)
BACKFILL_BATCH = 500

_TABLE = (
    "CREATE TABLE knowledge_chunk_vectors ("
    "chunk_id VARCHAR(40) PRIMARY KEY REFERENCES knowledge_chunks (id) ON DELETE CASCADE, "
    "workspace_id VARCHAR(40) NOT NULL, model VARCHAR(120) NOT NULL, "
    "visibility VARCHAR(32) NOT NULL, language VARCHAR(16) NOT NULL, "
    "category_id VARCHAR(40), embedding vector NOT NULL)"
)
_INDEX = (
    "CREATE INDEX ix_knowledge_chunk_vectors_workspace "
    "ON knowledge_chunk_vectors (workspace_id, model)"
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    offered = "SELECT 1 FROM pg_available_extensions WHERE name = 'vector'"
    if bind.execute(text(offered)).scalar() is None:
        return
    try:
        with bind.begin_nested():
            bind.execute(text("CREATE EXTENSION IF NOT EXISTS vector"))
            bind.execute(text(_TABLE))
            bind.execute(text(_INDEX))
            _backfill(bind)
    except DBAPIError as error:
        # not allowed to create the extension, or it lives in a schema off the search path:
        # the savepoint undoes all of it and search keeps ranking in process
        log.warning("pgvector not enabled: %s", error.orig)


def _backfill(bind: Connection) -> None:
    """Copy the vectors of the chunks already embedded, a batch at a time (by chunk id)."""
    read = text(
        "SELECT id, workspace_id, embedding_model, visibility, language, category_id, embedding "
        "FROM knowledge_chunks WHERE embedding IS NOT NULL AND embedding_model IS NOT NULL "
        "AND id > :after ORDER BY id LIMIT :batch"
    )
    insert = text(
        "INSERT INTO knowledge_chunk_vectors "
        "(chunk_id, workspace_id, model, visibility, language, category_id, embedding) "
        "VALUES (:chunk_id, :ws, :model, :visibility, :language, :category, "
        "CAST(CAST(:embedding AS text) AS vector))"
    )
    after = ""
    while batch := bind.execute(read, {"after": after, "batch": BACKFILL_BATCH}).all():
        after = batch[-1][0]
        rows = [
            {
                "chunk_id": chunk_id,
                "ws": workspace_id,
                "model": model,
                "visibility": visibility,
                "language": language,
                "category": category,
                "embedding": "["
                + ",".join(repr(float(x)) for x in np.frombuffer(data, dtype=np.float32))
                + "]",
            }
            for chunk_id, workspace_id, model, visibility, language, category, data in batch
            if data
        ]
        if rows:
            bind.execute(insert, rows)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE IF EXISTS knowledge_chunk_vectors")
