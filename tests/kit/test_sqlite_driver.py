"""The SQLite driver's one trip a statement: the same answers as aiosqlite, in fewer trips to
the connection's thread."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from deskpilot.kit.db import Database
from deskpilot.kit.sqlite_driver import OneTripConnection


@pytest.fixture
async def sqlite(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    async with database.engine.begin() as connection:
        await connection.exec_driver_sql(
            "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, n INTEGER)"
        )
    yield database
    await database.dispose()


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the functions sent to a connection's thread, in order."""
    sent: list[str] = []
    original: Callable[..., Awaitable[Any]] = OneTripConnection._execute

    async def counted(self: OneTripConnection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(OneTripConnection, "_execute", counted)
    return sent


async def test_a_statement_is_one_trip_and_its_rows_are_all_there(
    sqlite: Database, trips: list[str]
) -> None:
    async with sqlite.transaction() as session:
        await session.execute(
            text("INSERT INTO item (name, n) VALUES (:name, :n)"),
            [{"name": f"item-{i}", "n": i} for i in range(5)],  # executemany
        )
        trips.clear()
        rows = (await session.execute(text("SELECT name, n FROM item ORDER BY n"))).all()
        assert trips == ["_run"]  # aiosqlite: cursor, execute, fetchall, close
        assert [tuple(row) for row in rows] == [(f"item-{i}", i) for i in range(5)]

        partial = await session.execute(text("SELECT n FROM item ORDER BY n"))
        assert partial.fetchone() == (0,)
        assert partial.fetchmany(2) == [(1,), (2,)]
        assert partial.fetchall() == [(3,), (4,)]

        updated = await session.execute(text("UPDATE item SET n = n + 10 WHERE n >= 3"))
        assert updated.rowcount == 2  # type: ignore[attr-defined]
        inserted = await session.execute(text("INSERT INTO item (name, n) VALUES ('x', 99)"))
        assert inserted.lastrowid == 6  # type: ignore[attr-defined]
        returned = await session.execute(
            text("INSERT INTO item (name, n) VALUES ('y', 100) RETURNING id, name")
        )
        assert tuple(returned.one()) == (7, "y")
        assert (await session.execute(text("SELECT n FROM item WHERE 0"))).all() == []


async def test_errors_reach_the_caller_and_the_connection_stays_usable(
    sqlite: Database,
) -> None:
    async with sqlite.transaction() as session:
        await session.execute(text("INSERT INTO item (name) VALUES ('same')"))
    with pytest.raises(IntegrityError):
        async with sqlite.transaction() as session:
            await session.execute(text("INSERT INTO item (name) VALUES ('same')"))
    async with sqlite.transaction() as session:
        names = (await session.execute(text("SELECT name FROM item"))).scalars().all()
    assert names == ["same"]


async def test_a_timeout_in_the_url_is_overridden_as_before(tmp_path: Path) -> None:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}?timeout=5")
    async with database.transaction() as session:
        assert (await session.execute(text("SELECT 1"))).scalar() == 1
    await database.dispose()
