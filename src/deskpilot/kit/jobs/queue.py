"""Putting jobs in the table, and the queries an operator needs on it."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.clock import utcnow
from deskpilot.kit.db import on_commit
from deskpilot.kit.ids import new_id
from deskpilot.kit.jobs.registry import JobRegistry, default_registry
from deskpilot.kit.jobs.table import Job, JobState

# Workers of this process, woken after a commit that queued work so that they need not poll.
_local_wakeups: weakref.WeakSet[asyncio.Event] = weakref.WeakSet()


def register_wakeup(event: asyncio.Event) -> None:
    _local_wakeups.add(event)


async def _wake_local_workers() -> None:
    for event in list(_local_wakeups):
        event.set()


def enqueue(
    session: AsyncSession,
    name: str,
    payload: BaseModel | None = None,
    *,
    workspace_id: str | None = None,
    delay: timedelta | None = None,
    run_at: datetime | None = None,
    max_attempts: int | None = None,
    registry: JobRegistry = default_registry,
) -> Job:
    """Queue job ``name`` in ``session``'s transaction; workers see it only after the commit."""
    handler = registry.get(name)
    if handler is None:
        raise LookupError(f"no job handler is registered as {name!r}")
    if payload is not None and not isinstance(payload, handler.payload_type):
        raise TypeError(f"job {name!r} takes {handler.payload_type.__name__}")
    if payload is None:
        try:  # a job that could only fail is refused now, not found in the failed list later
            handler.payload_type.model_validate({})
        except ValidationError:
            raise TypeError(
                f"job {name!r} needs a {handler.payload_type.__name__} payload"
            ) from None
    when = run_at or (utcnow() + delay if delay else utcnow())
    job = Job(
        id=new_id("job"),  # known at once, before the session flushes
        name=name,
        workspace_id=workspace_id,
        payload=payload.model_dump(mode="json") if payload is not None else {},
        run_at=when,
        max_attempts=max_attempts or handler.max_attempts,
    )
    session.add(job)
    on_commit(session, _wake_local_workers)
    return job


async def enqueue_unique(
    session: AsyncSession, name: str, dedupe_key: str, *, run_at: datetime
) -> bool:
    """Insert a payload-less job unless one with ``dedupe_key`` exists; True when inserted."""
    values: dict[str, Any] = {
        "id": new_id("job"),
        "name": name,
        "payload": {},
        "state": JobState.QUEUED,
        "attempts": 0,
        "run_at": run_at,
        "dedupe_key": dedupe_key,
        "created_at": utcnow(),
    }
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(Job).values(**values).on_conflict_do_nothing(index_elements=["dedupe_key"])
    result = await session.execute(statement)
    inserted = bool(getattr(result, "rowcount", 0))
    if inserted:
        on_commit(session, _wake_local_workers)
    return inserted


class JobQueue:
    """Operator queries on the jobs of one workspace."""

    def __init__(self, session: AsyncSession, workspace_id: str) -> None:
        self._session = session
        self._workspace_id = workspace_id

    async def list(self, state: JobState | None, *, limit: int = 100) -> Sequence[Job]:
        query = select(Job).where(Job.workspace_id == self._workspace_id)
        if state is not None:
            query = query.where(Job.state == state)
        query = query.order_by(Job.created_at.desc(), Job.id.desc()).limit(limit)
        return (await self._session.scalars(query)).all()

    async def get(self, job_id: str) -> Job | None:
        query = select(Job).where(Job.id == job_id, Job.workspace_id == self._workspace_id)
        return (await self._session.scalars(query)).one_or_none()

    async def retry(self, job: Job) -> bool:
        """Queue a failed job again with a fresh set of attempts; False if it is not failed.

        The state is checked in the update itself: two retries at once must not reset a job
        that the first one already handed to a worker.
        """
        result = await self._session.execute(
            update(Job)
            .where(
                Job.id == job.id,
                Job.workspace_id == self._workspace_id,
                Job.state == JobState.FAILED,
            )
            .values(
                state=JobState.QUEUED,
                attempts=0,
                run_at=utcnow(),
                finished_at=None,
                locked_by=None,
                locked_until=None,
            )
            .execution_options(synchronize_session=False)
        )
        await self._session.refresh(job)
        if getattr(result, "rowcount", 0) != 1:
            return False
        on_commit(self._session, _wake_local_workers)
        return True


async def count_by_state(session: AsyncSession) -> dict[JobState, int]:
    rows = await session.execute(select(Job.state, func.count()).group_by(Job.state))
    counts = {state: 0 for state in JobState}
    for state, count in rows:
        counts[state] = count
    return counts
