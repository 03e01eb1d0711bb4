"""Database engine, sessions, the declarative base and the after-commit hook.

The request or job boundary owns the transaction (``Database.transaction``): it commits on
success and rolls back otherwise. Work that must only happen once data is saved (sending jobs to
workers, publishing realtime events) is registered with ``on_commit`` and runs after the commit;
a rollback drops it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, MetaData, event, make_url, text
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, ORMExecuteState, Session, SessionTransaction
from sqlalchemy.types import TypeDecorator
from sqlalchemy.util import await_only

from deskpilot.kit.sqlite_driver import connector

log = logging.getLogger(__name__)

AfterCommit = Callable[[], Awaitable[None]]
_AFTER_COMMIT_KEY = "deskpilot.after_commit"
_WROTE = "deskpilot.wrote"  # the session's transaction has written (``end_read``)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always stored and read back as timezone-aware UTC (SQLite too)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored: use deskpilot.kit.clock.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[dict[str, Any]]: JSON,
        list[str]: JSON,
    }


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def on_commit(session: AsyncSession, callback: AfterCommit) -> None:
    """Run ``callback`` after ``session``'s transaction commits; drop it if it rolls back."""
    session.info.setdefault(_AFTER_COMMIT_KEY, []).append(callback)


async def end_read(session: AsyncSession) -> None:
    """End a caller's transaction before it waits on something outside the database (an HTTP
    endpoint, a model): on SQLite an open transaction holds the database's one writer, so every
    other request would wait too. The next statement opens a new transaction, which the
    request's or job's boundary commits as usual.

    Only a transaction that has written nothing is ended: one that has (a flush, an UPDATE, an
    object waiting to be flushed) goes on, holding what it holds, because committing half of a
    request's work would let a failure later leave the other half undone."""
    if session.info.get(_WROTE) or session.new or session.dirty or session.deleted:
        log.debug("end_read: the transaction has written; it stays open")
        return
    await session.commit()


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context: Any) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True


@event.listens_for(Session, "after_transaction_end")
def _transaction_ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_WROTE, None)


async def _run_after_commit(session: AsyncSession) -> None:
    callbacks: list[AfterCommit] = session.info.pop(_AFTER_COMMIT_KEY, [])
    for callback in callbacks:
        try:
            await callback()
        except Exception:  # the data is saved; a failed notification must not undo the request
            log.exception("after-commit callback failed")


_LOCK_HELD = "deskpilot.sqlite_write_lock"
_STATISTICS_SEEN = "deskpilot.sqlite_statistics_seen"


class _PlannerStatistics:
    """How many times this process has gathered SQLite's planner statistics: a connection that
    saw fewer rereads them (SQLite loads them only when a connection opens)."""

    generation = 0


async def _statistics_gathered() -> None:
    _PlannerStatistics.generation += 1


async def refresh_statistics(session: AsyncSession) -> None:
    """Gather the statistics SQLite's query planner chooses indexes by (``ANALYZE``, reading at
    most 1,000 rows of each index, so it stays quick on a large database).

    Without them SQLite guesses, and guesses badly where a unique index starts with
    ``workspace_id``: for "the identities of customer C in workspace W, by kind" it walked every
    identity of the workspace in index order (to skip a sort) instead of looking up C's. The
    worker runs this hourly (``db.refresh_statistics``). PostgreSQL's autovacuum gathers its
    own statistics; there this does nothing.
    """
    if session.get_bind().dialect.name != "sqlite":
        return
    await session.execute(text("PRAGMA analysis_limit=1000"))
    await session.execute(text("ANALYZE"))
    on_commit(session, _statistics_gathered)


def _lower(value: object) -> object:
    """SQL lower() as PostgreSQL has it: every script's letters; other values as they are."""
    return value.lower() if isinstance(value, str) else value


def _configure_sqlite(engine: AsyncEngine, lock: asyncio.Lock) -> None:
    """WAL, foreign keys, and one writer at a time.

    Every transaction starts with BEGIN IMMEDIATE, so SQLite never has to upgrade a reader to a
    writer (which fails under contention instead of waiting). Within this process, transactions
    first queue on ``lock``, in order, instead of sleeping and retrying in SQLite's busy handler.
    The lock is held exactly as long as SQLite's own write lock: from the transaction's first
    statement to its commit or rollback, so code that awaits something else before its first
    query (a job calling an API) holds nothing.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        # SQLite's own lower() folds only A-Z: "ИВАН" stayed "ИВАН", so a name search for
        # "иван" found nothing. PostgreSQL's lower() folds every script; now both do.
        dbapi_connection.create_function("lower", 1, _lower, deterministic=True)
        record.info[_STATISTICS_SEEN] = _PlannerStatistics.generation

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        await_only(lock.acquire())  # runs inside SQLAlchemy's greenlet: this awaits the lock
        connection.info[_LOCK_HELD] = True
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            if connection.info.get(_STATISTICS_SEEN) != _PlannerStatistics.generation:
                connection.exec_driver_sql("ANALYZE sqlite_schema")  # reread the statistics
                connection.info[_STATISTICS_SEEN] = _PlannerStatistics.generation
        except BaseException:
            _release(connection.info)
            raise

    def _release(info: dict[Any, Any]) -> None:
        if info.pop(_LOCK_HELD, False):
            lock.release()

    @event.listens_for(engine.sync_engine, "commit")
    @event.listens_for(engine.sync_engine, "rollback")
    def _on_end(connection: Any) -> None:
        # an invalidated connection has no info to read (reading it raises PendingRollbackError,
        # which hid the error that invalidated it); the pool's invalidate event released the lock
        if not connection.invalidated:
            _release(connection.info)

    # Backstops: a connection reset, invalidated or closed mid-transaction must not keep the lock.
    pool = engine.sync_engine.pool

    @event.listens_for(pool, "reset")
    def _on_reset(_dbapi_connection: Any, record: Any, _reset_state: Any) -> None:
        _release(record.info)

    @event.listens_for(pool, "invalidate")
    def _on_invalidate(_dbapi_connection: Any, record: Any, _exception: Any) -> None:
        _release(record.info)

    @event.listens_for(pool, "close")
    def _on_close(_dbapi_connection: Any, record: Any) -> None:
        _release(record.info)


class Database:
    """One engine and its session factory; built by the lifespan, never at import time."""

    def __init__(self, url: str, *, echo: bool = False, pool_size: int = 10) -> None:
        self.url = url
        if is_sqlite(url):
            args, options = SQLiteDialect_aiosqlite().create_connect_args(make_url(url))
            self.engine = create_async_engine(
                url, echo=echo, async_creator=connector(*args, **{**options, "timeout": 30})
            )
            _configure_sqlite(self.engine, asyncio.Lock())
        else:
            self.engine = create_async_engine(
                url, echo=echo, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True
            )
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session whose transaction commits when the block ends and rolls back on error."""
        async with self.sessionmaker() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                session.info.pop(_AFTER_COMMIT_KEY, None)
                await session.rollback()
                raise
        await _run_after_commit(session)

    async def ping(self) -> None:
        """Raise unless the database answers a trivial query."""
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()
