"""The worker loop: claim due jobs, run them, retry with backoff, recover lost leases."""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.clock import utcnow
from deskpilot.kit.db import Database
from deskpilot.kit.ids import new_id
from deskpilot.kit.jobs.queue import enqueue_unique, register_wakeup
from deskpilot.kit.jobs.registry import JobContext, JobHandler, JobRegistry, default_registry
from deskpilot.kit.jobs.table import Job, JobState
from deskpilot.kit.metrics import JOB_RUNS

log = logging.getLogger(__name__)


class _LeaseLost(Exception):
    """Another worker took the job over (our lease ran out): our work must not be kept."""


class Worker:
    def __init__(
        self,
        db: Database,
        *,
        registry: JobRegistry = default_registry,
        concurrency: int = 4,
        poll_seconds: float = 1.0,
        lease_seconds: int = 300,
        max_attempts: int = 5,
        backoff_seconds: float = 2.0,
        resources: dict[type, object] | None = None,
    ) -> None:
        self.db = db
        self.registry = registry
        self.concurrency = concurrency
        self.poll_seconds = poll_seconds
        self.lease_seconds = lease_seconds
        self.max_attempts = max_attempts
        self.backoff_seconds = backoff_seconds
        self.resources = resources or {}
        self.name = f"{socket.gethostname()}:{os.getpid()}:{new_id('w')[-6:]}"
        self._wakeup = asyncio.Event()
        self._periodic_slots: dict[str, int] = {}
        register_wakeup(self._wakeup)

    async def run(self, stop: asyncio.Event) -> None:
        """Run jobs until ``stop`` is set, then let the running ones finish."""
        log.info("worker started", extra={"worker": self.name})
        running: set[asyncio.Task[None]] = set()
        while not stop.is_set():
            try:
                await self.schedule_periodic()
                free = self.concurrency - len(running)
                jobs = await self.claim(free) if free > 0 else []
            except Exception:
                log.exception("worker could not reach the database; retrying")
                jobs = []
            for job in jobs:
                task = asyncio.create_task(self.execute(job))
                running.add(task)
                task.add_done_callback(running.discard)
            if jobs and len(running) < self.concurrency:
                continue  # there may be more due work
            self._wakeup.clear()
            waiters = {asyncio.create_task(stop.wait()), asyncio.create_task(self._wakeup.wait())}
            # A finished job frees a slot, so running jobs wake the loop too (never cancelled here).
            await asyncio.wait(
                waiters | running, timeout=self.poll_seconds, return_when=asyncio.FIRST_COMPLETED
            )
            for waiter in waiters:
                waiter.cancel()
        if running:
            await asyncio.gather(*running, return_exceptions=True)
        log.info("worker stopped", extra={"worker": self.name})

    async def run_until_idle(self) -> int:
        """Run every due job, one batch after another, until none is due. Returns how many ran."""
        total = 0
        await self.schedule_periodic()
        while jobs := await self.claim(self.concurrency):
            await asyncio.gather(*(self.execute(job) for job in jobs))
            total += len(jobs)
        return total

    async def schedule_periodic(self) -> None:
        now = utcnow()
        for periodic in self.registry.periodic_jobs:
            slot = int(now.timestamp()) // periodic.every_seconds
            if self._periodic_slots.get(periodic.name) == slot:
                continue
            slot_start = now.fromtimestamp(slot * periodic.every_seconds, tz=now.tzinfo)
            async with self.db.transaction() as session:
                await enqueue_unique(
                    session, periodic.name, f"periodic:{periodic.name}:{slot}", run_at=slot_start
                )
            self._periodic_slots[periodic.name] = slot

    async def claim(self, limit: int) -> list[Job]:
        """Take up to ``limit`` due jobs (queued and due, or running with an expired lease)."""
        now = utcnow()
        due = or_(
            and_(Job.state == JobState.QUEUED, Job.run_at <= now),
            and_(Job.state == JobState.RUNNING, Job.locked_until < now),
        )
        async with self.db.transaction() as session:
            query = (
                select(Job)
                .where(due)
                .order_by(Job.run_at, Job.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
            jobs = list((await session.scalars(query)).all())
            for job in jobs:
                if job.state == JobState.RUNNING:
                    log.warning("job lease expired, running again", extra={"job_id": job.id})
                job.state = JobState.RUNNING
                job.locked_by = self.name
                job.locked_until = now + timedelta(seconds=self.lease_seconds)
                job.attempts += 1
        return jobs

    async def execute(self, job: Job) -> None:
        limit = job.max_attempts or self.max_attempts
        handler = self.registry.get(job.name)
        if handler is None:
            await self._fail(job, f"no handler is registered for {job.name!r}", final=True)
            return
        try:
            payload = handler.payload_type.model_validate(job.payload)
        except ValidationError as exc:
            await self._fail(job, f"invalid payload: {exc}", final=True)
            return
        if job.attempts > limit:
            error = "gave up: the job's worker was lost too many times"
            await self._fail(job, error, final=True, give_up=_give_up(handler, payload, error))
            return
        # Past its lease the job may already be running elsewhere: this run must stop.
        deadline = asyncio.timeout(self.lease_seconds)
        try:
            async with deadline, self.db.transaction() as session:
                context = JobContext(
                    session, job.id, job.workspace_id, job.attempts, self.resources
                )
                await handler.run(context, payload)
                await self._finish(session, job)
        except _LeaseLost:
            # Not a failure of the job: another worker has it now, and its outcome counts.
            log.warning("job lease lost; this run was rolled back", extra={"job_id": job.id})
            return
        except Exception as exc:
            log.warning("job failed", extra={"job_id": job.id, "job": job.name}, exc_info=True)
            if isinstance(exc, TimeoutError) and deadline.expired():
                reason = f"timed out: still running when its {self.lease_seconds} s lease ran out"
                error = reason
            else:
                reason = str(exc) or type(exc).__name__  # for people: the message
                error = f"{type(exc).__name__}: {exc}"  # for operators: the type too
            final = job.attempts >= limit
            hook = _give_up(handler, payload, reason) if final else None
            await self._fail(job, error, final=final, give_up=hook)
            return
        JOB_RUNS.labels(job.name, "succeeded").inc()

    async def _finish(self, session: AsyncSession, job: Job) -> None:
        result = await session.execute(
            update(Job)
            .where(Job.id == job.id, Job.locked_by == self.name, Job.attempts == job.attempts)
            .values(
                state=JobState.SUCCEEDED,
                finished_at=utcnow(),
                locked_by=None,
                locked_until=None,
                last_error=None,
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise _LeaseLost(job.id)

    async def _fail(
        self,
        job: Job,
        error: str,
        *,
        final: bool,
        give_up: Callable[[JobContext], Awaitable[None]] | None = None,
    ) -> None:
        """Re-queue the job with backoff, or (``final``) mark it failed and run ``give_up``."""
        values: dict[str, object] = {
            "last_error": error[:4000],
            "locked_by": None,
            "locked_until": None,
        }
        if final:
            values |= {"state": JobState.FAILED, "finished_at": utcnow()}
        else:
            delay = self.backoff_seconds * 2 ** (job.attempts - 1) * random.uniform(0.8, 1.2)
            values |= {"state": JobState.QUEUED, "run_at": utcnow() + timedelta(seconds=delay)}
        outcome = "failed" if final else "retried"
        if give_up is not None:
            try:
                async with asyncio.timeout(self.lease_seconds), self.db.transaction() as session:
                    if await self._mark(session, job, values):
                        await give_up(
                            JobContext(
                                session, job.id, job.workspace_id, job.attempts, self.resources
                            )
                        )
                JOB_RUNS.labels(job.name, outcome).inc()
                return
            except Exception as exc:
                # The job must end failed all the same, or it would be claimed again forever.
                log.exception("a job's give-up hook failed", extra={"job_id": job.id})
                hook_error = f"{error}; then its give-up hook failed: {type(exc).__name__}: {exc}"
                values["last_error"] = hook_error[:4000]
        try:
            async with self.db.transaction() as session:
                await self._mark(session, job, values)
        except Exception:  # the lease runs out and the job is claimed again: nothing is lost
            log.exception("could not record a job failure", extra={"job_id": job.id})
        JOB_RUNS.labels(job.name, outcome).inc()

    async def _mark(self, session: AsyncSession, job: Job, values: dict[str, object]) -> bool:
        """Write ``values`` to the job if this worker still holds it; True if it did."""
        result = await session.execute(
            update(Job)
            .where(Job.id == job.id, Job.locked_by == self.name, Job.attempts == job.attempts)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0) == 1)


def _give_up(
    handler: JobHandler[Any], payload: BaseModel, error: str
) -> Callable[[JobContext], Awaitable[None]] | None:
    hook = handler.on_give_up
    if hook is None:
        return None

    async def run(context: JobContext) -> None:
        await hook(context, payload, error)

    return run
