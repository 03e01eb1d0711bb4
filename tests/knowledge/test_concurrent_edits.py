"""Two writers of one article at the same moment on PostgreSQL, each from the same version: the
second used to pass the version check too (it read before the first committed) and insert the
same version number, a unique violation and a 500. The article's row is locked now: the second
waits for the first, then sees its version (409 for an edit or publish from the old one; a
rollback simply comes after it). SQLite runs one writer at a time (BEGIN IMMEDIATE)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.db import Database
from deskpilot.kit.errors import Conflict
from deskpilot.knowledge import service
from deskpilot.knowledge.schemas import ArticleUpdate
from deskpilot.models import Article
from tests.factories import Tenant
from tests.knowledge.helpers import stored_article

Write = Callable[[AsyncSession], Awaitable[Article]]


async def _second_waits_for_first(database: Database, first: Write, second: Write) -> Article:
    """``first`` runs in a transaction left open while ``second`` starts in another; what
    ``second`` returns once ``first`` has committed (or raises)."""
    started = asyncio.Event()

    async def other() -> Article:
        await started.wait()
        async with database.transaction() as session:
            return await second(session)

    task = asyncio.create_task(other())
    async with database.transaction() as session:
        await first(session)
        started.set()
        await asyncio.sleep(0.5)
        assert not task.done()  # waiting for the row the first transaction holds
    return await asyncio.wait_for(task, timeout=10)


def _edit(workspace_id: str, article_id: str, body: str, base: int = 1) -> Write:
    async def run(session: AsyncSession) -> Article:
        change = ArticleUpdate(body=body, base_version=base)
        return await service.update_article(
            session, workspace_id, article_id, change, None, publish_refusal=None
        )

    return run


@pytest.fixture
def postgres_only(database: Database) -> None:
    if database.dialect != "postgresql":
        pytest.skip("PostgreSQL only")


@pytest.mark.usefixtures("postgres_only")
async def test_two_edits_from_one_version_at_once_the_second_is_a_conflict(
    database: Database, tenant: Tenant
) -> None:
    ws = tenant.workspace_id
    article_id = await stored_article(database, ws, "# Shipping\n\nTwo days.")

    with pytest.raises(Conflict, match="version 2 of this article was saved after version 1"):
        await _second_waits_for_first(
            database, _edit(ws, article_id, "First."), _edit(ws, article_id, "Second.")
        )

    async with database.transaction() as session:
        saved = await service.read_article(session, ws, article_id)
    assert (saved.current_version, saved.body) == (2, "First.")


@pytest.mark.usefixtures("postgres_only")
async def test_a_publish_or_rollback_at_the_moment_of_an_edit_comes_after_it(
    database: Database, tenant: Tenant
) -> None:
    ws = tenant.workspace_id
    article_id = await stored_article(database, ws, "# Shipping\n\nTwo days.")

    async def publish_one(session: AsyncSession) -> Article:
        return await service.publish(session, ws, article_id, version=1)

    async def roll_back(session: AsyncSession) -> Article:
        return await service.rollback(session, ws, article_id, 1, None)

    with pytest.raises(Conflict, match="which your publish started from"):
        await _second_waits_for_first(database, _edit(ws, article_id, "Edited."), publish_one)
    rolled = await _second_waits_for_first(
        database, _edit(ws, article_id, "Edited again.", base=2), roll_back
    )

    async with database.transaction() as session:
        saved = await service.read_article(session, ws, article_id)
    assert rolled.current_version == 4
    assert (saved.current_version, saved.published_version, saved.body) == (
        4,
        4,
        "# Shipping\n\nTwo days.",
    )
