"""Alembic environment: runs on the connection the caller passes (see runner.py), or on the
URL from the settings when the ``alembic`` command is used directly."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.engine import Connection

import deskpilot.models  # noqa: F401  (registers every table on the metadata)
from deskpilot.kit.db import Base, Database, UTCDateTime
from deskpilot.migrations.runner import include_name

target_metadata = Base.metadata


def render_item(kind: str, item: Any, _: AutogenContext) -> str | Literal[False]:
    """Migrations spell out plain SQL types, so they never import application code."""
    if kind == "type" and isinstance(item, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_from_settings() -> None:
    from deskpilot.config import Settings

    database = Database(Settings().effective_database_url)
    async with database.engine.begin() as connection:
        await connection.run_sync(run_on)
    await database.dispose()


connection = context.config.attributes.get("connection")
if connection is not None:
    run_on(connection)
else:
    asyncio.run(run_from_settings())
