"""aiosqlite with one trip to its thread a statement, for SQLAlchemy's ``sqlite+aiosqlite``.

aiosqlite runs every call on the connection's own thread, and SQLAlchemy's adapter makes four
calls a statement: open a cursor, execute, fetch the rows, close the cursor. Each trip hands the
call to that thread and the answer back to the event loop, so a trivial ``SELECT 1`` took
0.31 ms (``bench/db_statement.py``, 2-core server), and the 36 statements of one customer
message (``bench/pipeline.py``) about 11 ms. Here a cursor does all four in one trip:
``execute`` runs the statement, reads every row and closes the sqlite3 cursor in the
connection's thread, and the fetches and the close that follow are answered from memory.

Reading every row at once is what SQLAlchemy's adapter does anyway (it calls ``fetchall``
right after ``execute`` unless a server-side cursor is asked for, which DeskPilot never does).
The connection subclasses aiosqlite's and uses three of its private names (``_execute``,
``_conn``, ``_thread``), hence the pin to aiosqlite 0.22 in pyproject.toml; the tests in
tests/kit/test_sqlite_driver.py fail if they change.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

import aiosqlite

_Result = tuple[Any, int, int | None, list[Any]]  # description, rowcount, lastrowid, rows


def _run(connection: sqlite3.Connection, sql: str, parameters: Any, many: bool = False) -> _Result:
    """In the connection's thread: the statement, its rows, and the cursor closed."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(sql, parameters)
        else:
            cursor.execute(sql, () if parameters is None else parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class OneTripCursor:
    """The part of aiosqlite's cursor that SQLAlchemy's adapter uses."""

    arraysize = 1

    def __init__(self, connection: OneTripConnection) -> None:
        self._connection = connection
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self._rows: deque[Any] = deque()

    async def __aenter__(self) -> OneTripCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    async def _trip(self, sql: str, parameters: Any, many: bool) -> OneTripCursor:
        connection = self._connection
        in_its_thread: Callable[..., Awaitable[_Result]] = connection._execute  # untyped there
        result = await in_its_thread(_run, connection._conn, sql, parameters, many)
        self.description, self.rowcount, self.lastrowid, rows = result
        self._rows = deque(rows)
        return self

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> OneTripCursor:
        return await self._trip(sql, parameters, False)

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> OneTripCursor:
        return await self._trip(sql, list(parameters), True)

    async def fetchone(self) -> Any:
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        count = min(len(self._rows), self.arraysize if size is None else size)
        return [self._rows.popleft() for _ in range(count)]

    async def fetchall(self) -> list[Any]:
        rows = list(self._rows)
        self._rows.clear()
        return rows

    async def close(self) -> None:
        self._rows.clear()


class OneTripConnection(aiosqlite.Connection):
    """An aiosqlite connection whose cursors make one trip a statement."""

    def cursor(self) -> OneTripCursor:  # type: ignore[override]
        return OneTripCursor(self)


def connector(database: str, **options: Any) -> Callable[[], OneTripConnection]:
    """SQLAlchemy's ``async_creator``: a new connection to ``database`` (a path or
    ``file:`` URI), opened in its own thread like ``aiosqlite.connect``."""

    def create() -> OneTripConnection:
        connection = OneTripConnection(
            lambda: sqlite3.connect(database, **options), iter_chunk_size=64
        )
        connection._thread.daemon = True  # as SQLAlchemy does: never keeps the process alive
        return connection

    return create
