"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection

import deskpilot.models  # noqa: F401
from deskpilot.kit.db import Base, Database
from deskpilot.migrations.runner import current_revision, head_revision, include_name, upgrade


def schema_differences(connection: Connection) -> list[object]:
    """What the migrated schema has that the models do not say, or the other way round; the
    search objects of migrations 0005, 0010 and 0011 are not in the models (SQLite: an FTS5
    virtual table and its shadow tables; PostgreSQL: the stored tsvector column and its GIN
    index, pgvector's table)."""
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_name": include_name}
    )
    return list(compare_metadata(context, Base.metadata))


async def test_migrated_schema_matches_the_models(database: Database) -> None:
    async with database.engine.connect() as connection:
        assert await connection.run_sync(schema_differences) == []
    assert await current_revision(database) == head_revision()


async def test_upgrade_is_idempotent_and_builds_a_fresh_database(tmp_path: Path) -> None:
    fresh = Database(f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}")
    try:
        assert await current_revision(fresh) is None
        await upgrade(fresh)
        await upgrade(fresh)
        assert await current_revision(fresh) == head_revision()
    finally:
        await fresh.dispose()
