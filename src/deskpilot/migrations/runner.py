"""Apply migrations and tell whether the database is current, on an async engine."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from deskpilot.kit.db import Database

MIGRATIONS_DIR = Path(__file__).parent


def include_name(name: str | None, kind: str, _parents: object) -> bool:
    """What autogenerate compares: everything but the search index objects that migrations 0005,
    0010 and 0011 create by hand for one dialect (the FTS5 table and its shadow tables;
    pgvector's table, the stored tsvector column and its GIN index)."""
    search_table = kind == "table" and (
        (name or "").startswith("knowledge_chunks_fts") or name == "knowledge_chunk_vectors"
    )
    search_column = kind == "column" and name == "search_vector"
    search_index = kind == "index" and name == "ix_knowledge_chunks_search"
    return not (search_table or search_column or search_index)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


@lru_cache(maxsize=1)
def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def upgrade(database: Database, revision: str = "head") -> None:
    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with database.engine.begin() as connection:
        await connection.run_sync(run)


async def current_revision(database: Database) -> str | None:
    def read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with database.engine.connect() as connection:
        return await connection.run_sync(read)
