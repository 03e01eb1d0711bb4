"""Durable jobs against the real test database (SQLite, or PostgreSQL when configured).

Handlers write into ``test_job_effects``, a table outside the app's metadata, in the job's own
transaction, so a test can see exactly which work was kept and which worker did it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from pydantic import BaseModel
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select, update

from deskpilot.config import Settings
from deskpilot.kit.clock import utcnow
from deskpilot.kit.db import Database, UTCDateTime
from deskpilot.kit.jobs import Job, JobContext, JobRegistry, JobState, Worker, enqueue
from deskpilot.kit.jobs.registry import NoPayload

EFFECTS_METADATA = MetaData()
EFFECTS = Table(
    "test_job_effects",
    EFFECTS_METADATA,
    Column("job_id", String(40), nullable=False),
    Column("worker", String(40), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("note", String(200), nullable=False),
    Column("ran_at", UTCDateTime(), nullable=False),
)


class Note(BaseModel):
    text: str


@dataclass(frozen=True, slots=True)
class WorkerTag:
    """Given to a worker as a resource so that a handler can record who ran it."""

    name: str


async def record_effect(ctx: JobContext, note: str) -> None:
    worker = ctx.resource(WorkerTag).name if WorkerTag in ctx.resources else "-"
    await ctx.session.execute(
        insert(EFFECTS).values(
            job_id=ctx.job_id, worker=worker, attempt=ctx.attempt, note=note, ran_at=utcnow()
        )
    )


@pytest.fixture
async def effects(database: Database) -> AsyncIterator[None]:
    async with database.engine.begin() as connection:
        await connection.run_sync(EFFECTS_METADATA.create_all)
    yield
    async with database.engine.begin() as connection:
        await connection.run_sync(EFFECTS_METADATA.drop_all)


@pytest.fixture
def registry() -> JobRegistry:
    """A registry of its own per test, with ``test.record`` (writes one effect row)."""
    jobs = JobRegistry()

    @jobs.handler("test.record", Note)
    async def record(ctx: JobContext, payload: Note) -> None:
        await record_effect(ctx, payload.text)

    return jobs


class Rollback(Exception):
    pass


async def load(database: Database, job_id: str) -> Job:
    async with database.transaction() as session:
        job = await session.get(Job, job_id)
    assert job is not None, f"job {job_id} does not exist"
    return job


async def all_jobs(database: Database) -> list[Job]:
    async with database.transaction() as session:
        return list((await session.scalars(select(Job).order_by(Job.id))).all())


async def effect_rows(database: Database) -> list[tuple[str, str, int, str]]:
    async with database.transaction() as session:
        rows = await session.execute(
            select(EFFECTS.c.job_id, EFFECTS.c.worker, EFFECTS.c.attempt, EFFECTS.c.note)
        )
        return [(job_id, worker, attempt, note) for job_id, worker, attempt, note in rows]


async def make_due(database: Database, job_id: str) -> None:
    """Stand-in for time passing: the job's retry time (or delay) is now in the past."""
    async with database.transaction() as session:
        await session.execute(
            update(Job).where(Job.id == job_id).values(run_at=utcnow() - timedelta(seconds=1))
        )


async def expire_lease(database: Database, job_id: str) -> None:
    """Stand-in for time passing: the lease of the worker that claimed the job has run out."""
    async with database.transaction() as session:
        await session.execute(
            update(Job).where(Job.id == job_id).values(locked_until=utcnow() - timedelta(seconds=1))
        )


async def eventually(check: Callable[[], Awaitable[bool]], what: str, seconds: float = 20) -> None:
    try:
        async with asyncio.timeout(seconds):  # the check itself may be what is stuck
            while True:
                if await check():
                    return
                await asyncio.sleep(0.02)
    except TimeoutError:
        raise AssertionError(f"timed out waiting for {what}") from None


async def enqueue_committed(
    database: Database,
    registry: JobRegistry,
    text: str,
    *,
    delay: timedelta | None = None,
    run_at: datetime | None = None,
) -> str:
    async with database.transaction() as session:
        job = enqueue(
            session, "test.record", Note(text=text), registry=registry, delay=delay, run_at=run_at
        )
    return job.id


# 1. transactional enqueue


async def test_a_job_enqueued_in_a_rolled_back_transaction_never_exists(
    database: Database, registry: JobRegistry, effects: None
) -> None:
    with pytest.raises(Rollback):
        async with database.transaction() as session:
            enqueue(session, "test.record", Note(text="lost"), registry=registry)
            await session.flush()  # the row is really written inside the transaction
            assert await session.scalar(select(func.count()).select_from(Job)) == 1
            raise Rollback

    assert await all_jobs(database) == []
    assert await Worker(database, registry=registry).run_until_idle() == 0
    assert await effect_rows(database) == []


async def test_a_committed_job_is_run_by_a_running_worker(
    database: Database, registry: JobRegistry, effects: None
) -> None:
    worker = Worker(database, registry=registry, poll_seconds=0.05)
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    try:
        job_id = await enqueue_committed(database, registry, "hello")

        async def succeeded() -> bool:
            return (await load(database, job_id)).state == JobState.SUCCEEDED

        await eventually(succeeded, "the committed job to run")
    finally:
        stop.set()
        await running
    assert await effect_rows(database) == [(job_id, "-", 1, "hello")]


async def test_enqueue_refuses_unknown_names_and_wrong_payload_types(
    database: Database, registry: JobRegistry
) -> None:
    class Other(BaseModel):
        text: str

    async with database.transaction() as session:
        with pytest.raises(LookupError):
            enqueue(session, "test.unknown", Note(text="x"), registry=registry)
        with pytest.raises(TypeError):
            enqueue(session, "test.record", Other(text="x"), registry=registry)
        with pytest.raises(TypeError):
            enqueue(session, "test.record", registry=registry)  # Note has a required field
    assert await all_jobs(database) == []


# 2. the handler's writes, success, retries and failure


async def test_handler_writes_commit_together_with_the_job_success(
    database: Database, registry: JobRegistry, effects: None
) -> None:
    job_id = await enqueue_committed(database, registry, "kept")

    assert await Worker(database, registry=registry).run_until_idle() == 1

    job = await load(database, job_id)
    assert job.state == JobState.SUCCEEDED
    assert job.attempts == 1
    assert job.finished_at is not None
    assert job.locked_by is None
    assert job.locked_until is None
    assert await effect_rows(database) == [(job_id, "-", 1, "kept")]


async def test_a_failing_handler_keeps_no_writes_and_retries_with_backoff_then_fails(
    database: Database, effects: None
) -> None:
    registry = JobRegistry()

    @registry.handler("test.flaky", Note, max_attempts=3)
    async def flaky(ctx: JobContext, payload: Note) -> None:
        await record_effect(ctx, payload.text)
        raise RuntimeError(f"outage on attempt {ctx.attempt}")

    backoff = 10.0
    worker = Worker(database, registry=registry, backoff_seconds=backoff)
    async with database.transaction() as session:
        job_id = enqueue(session, "test.flaky", Note(text="never kept"), registry=registry).id

    for attempt in (1, 2):
        before = utcnow()
        assert await worker.run_until_idle() == 1  # the retry is not due yet: it ran once
        after = utcnow()
        job = await load(database, job_id)
        assert job.state == JobState.QUEUED
        assert job.attempts == attempt
        assert job.last_error == f"RuntimeError: outage on attempt {attempt}"
        assert job.locked_by is None
        assert job.finished_at is None
        delay = backoff * 2 ** (attempt - 1)
        assert before + timedelta(seconds=delay * 0.8) <= job.run_at
        assert job.run_at <= after + timedelta(seconds=delay * 1.2)
        assert await effect_rows(database) == []
        await make_due(database, job_id)

    assert await worker.run_until_idle() == 1
    job = await load(database, job_id)
    assert job.state == JobState.FAILED
    assert job.attempts == 3
    assert job.last_error == "RuntimeError: outage on attempt 3"
    assert job.finished_at is not None
    assert job.locked_by is None
    assert await effect_rows(database) == []
    assert await worker.run_until_idle() == 0  # a failed job stays failed


async def test_the_workers_max_attempts_applies_when_the_handler_sets_none(
    database: Database,
) -> None:
    registry = JobRegistry()

    @registry.handler("test.broken", Note)
    async def broken(ctx: JobContext, payload: Note) -> None:
        raise ValueError("bad data")

    worker = Worker(database, registry=registry, max_attempts=2, backoff_seconds=60)
    async with database.transaction() as session:
        job_id = enqueue(session, "test.broken", Note(text="x"), registry=registry).id

    assert await worker.run_until_idle() == 1
    assert (await load(database, job_id)).state == JobState.QUEUED
    await make_due(database, job_id)
    assert await worker.run_until_idle() == 1
    job = await load(database, job_id)
    assert (job.state, job.attempts, job.last_error) == (JobState.FAILED, 2, "ValueError: bad data")


def give_up_registry(*, hook_fails: bool) -> JobRegistry:
    """``test.doomed`` always fails; its give-up hook records the error, or fails too."""
    registry = JobRegistry()

    async def on_give_up(ctx: JobContext, payload: Note, reason: str) -> None:
        await record_effect(ctx, f"gave up on {payload.text}: {reason}")
        if hook_fails:
            raise RuntimeError("hook broke")

    @registry.handler("test.doomed", Note, max_attempts=2, on_give_up=on_give_up)
    async def doomed(ctx: JobContext, payload: Note) -> None:
        raise RuntimeError(f"attempt {ctx.attempt} failed")

    return registry


async def test_the_give_up_hook_runs_once_when_the_job_fails_for_good(
    database: Database, effects: None
) -> None:
    registry = give_up_registry(hook_fails=False)
    worker = Worker(database, registry=registry, backoff_seconds=60)
    async with database.transaction() as session:
        job_id = enqueue(session, "test.doomed", Note(text="x"), registry=registry).id

    assert await worker.run_until_idle() == 1
    assert (await load(database, job_id)).state == JobState.QUEUED
    assert await effect_rows(database) == []  # not on a retry

    await make_due(database, job_id)
    assert await worker.run_until_idle() == 1
    job = await load(database, job_id)
    assert (job.state, job.last_error) == (JobState.FAILED, "RuntimeError: attempt 2 failed")
    assert await effect_rows(database) == [(job_id, "-", 2, "gave up on x: attempt 2 failed")]


async def test_a_failing_give_up_hook_keeps_no_writes_and_the_job_still_ends_failed(
    database: Database, effects: None
) -> None:
    registry = give_up_registry(hook_fails=True)
    worker = Worker(database, registry=registry, max_attempts=1)
    async with database.transaction() as session:
        job = Job(name="test.doomed", payload={"text": "y"}, max_attempts=1)
        session.add(job)

    assert await worker.run_until_idle() == 1

    failed = await load(database, job.id)
    assert failed.state == JobState.FAILED
    assert failed.last_error == (
        "RuntimeError: attempt 1 failed; then its give-up hook failed: RuntimeError: hook broke"
    )
    assert await effect_rows(database) == []
    assert await worker.run_until_idle() == 0


async def test_a_job_without_a_registered_handler_fails_at_once(
    database: Database, registry: JobRegistry
) -> None:
    job_id = await enqueue_committed(database, registry, "orphan")
    worker = Worker(database, registry=JobRegistry(), max_attempts=5)  # knows no handlers

    assert await worker.run_until_idle() == 1

    job = await load(database, job_id)
    assert job.state == JobState.FAILED
    assert job.attempts == 1
    assert job.last_error == "no handler is registered for 'test.record'"
    assert job.finished_at is not None


async def test_a_job_with_an_invalid_payload_fails_at_once_without_running(
    database: Database, registry: JobRegistry, effects: None
) -> None:
    async with database.transaction() as session:
        job = Job(name="test.record", payload={"text": ["not", "a", "string"]})
        session.add(job)

    assert await Worker(database, registry=registry, max_attempts=5).run_until_idle() == 1

    failed = await load(database, job.id)
    assert failed.state == JobState.FAILED
    assert failed.attempts == 1
    assert failed.last_error is not None
    assert failed.last_error.startswith("invalid payload:")
    assert await effect_rows(database) == []


async def test_a_handler_still_running_when_its_lease_runs_out_is_stopped_and_retried(
    database: Database, effects: None
) -> None:
    registry = JobRegistry()

    @registry.handler("test.hang", Note)
    async def hang(ctx: JobContext, payload: Note) -> None:
        await record_effect(ctx, payload.text)
        await asyncio.Event().wait()  # never finishes

    worker = Worker(database, registry=registry, lease_seconds=1, backoff_seconds=60)
    async with database.transaction() as session:
        job_id = enqueue(session, "test.hang", Note(text="stuck"), registry=registry).id

    assert await worker.run_until_idle() == 1

    job = await load(database, job_id)
    assert (job.state, job.attempts) == (JobState.QUEUED, 1)
    assert job.last_error == "timed out: still running when its 1 s lease ran out"
    assert await effect_rows(database) == []


# 3. delayed and scheduled jobs


async def test_a_delayed_or_scheduled_job_is_not_claimed_before_its_run_at(
    database: Database, registry: JobRegistry, effects: None
) -> None:
    delayed = await enqueue_committed(database, registry, "delayed", delay=timedelta(hours=1))
    scheduled = await enqueue_committed(
        database, registry, "scheduled", run_at=utcnow() + timedelta(minutes=5)
    )
    worker = Worker(database, registry=registry)

    assert await worker.run_until_idle() == 0
    for job_id in (delayed, scheduled):
        job = await load(database, job_id)
        assert (job.state, job.attempts) == (JobState.QUEUED, 0)
    assert await effect_rows(database) == []

    await make_due(database, delayed)
    assert await worker.run_until_idle() == 1
    assert [row[0] for row in await effect_rows(database)] == [delayed]
    assert (await load(database, scheduled)).state == JobState.QUEUED


async def test_a_running_worker_runs_a_delayed_job_only_once_its_time_has_come(
    database: Database, registry: JobRegistry, effects: None
) -> None:
    worker = Worker(database, registry=registry, poll_seconds=0.05)
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    try:
        job_id = await enqueue_committed(
            database, registry, "soon", delay=timedelta(milliseconds=500)
        )

        async def succeeded() -> bool:
            return (await load(database, job_id)).state == JobState.SUCCEEDED

        await eventually(succeeded, "the delayed job to run")
    finally:
        stop.set()
        await running
    job = await load(database, job_id)
    async with database.transaction() as session:
        ran_at = await session.scalar(select(EFFECTS.c.ran_at))
    assert ran_at is not None
    assert ran_at >= job.run_at


async def test_a_slow_job_does_not_hold_up_the_other_jobs_of_its_worker(
    database: Database, registry: JobRegistry, effects: None
) -> None:
    release = asyncio.Event()

    @registry.handler("test.slow", Note)
    async def slow(ctx: JobContext, payload: Note) -> None:
        await release.wait()  # e.g. waiting for an LLM or a channel's API
        await record_effect(ctx, payload.text)

    worker = Worker(database, registry=registry, concurrency=2, poll_seconds=0.05)
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    try:
        async with database.transaction() as session:
            slow_id = enqueue(session, "test.slow", Note(text="slow"), registry=registry).id
            quick_id = enqueue(session, "test.record", Note(text="quick"), registry=registry).id

        async def quick_done() -> bool:
            return (await load(database, quick_id)).state == JobState.SUCCEEDED

        await eventually(quick_done, "the quick job to run beside the slow one", seconds=3)
        assert (await load(database, slow_id)).state == JobState.RUNNING
    finally:
        release.set()
        stop.set()
        await running
    assert (await load(database, slow_id)).state == JobState.SUCCEEDED


# 4. lost workers


async def test_a_job_whose_lease_expired_is_claimed_again_and_the_late_worker_keeps_nothing(
    database: Database, registry: JobRegistry, effects: None
) -> None:
    lost = Worker(database, registry=registry, resources={WorkerTag: WorkerTag("lost")})
    other = Worker(database, registry=registry, resources={WorkerTag: WorkerTag("other")})
    job_id = await enqueue_committed(database, registry, "work")

    [claimed] = await lost.claim(10)  # ... and then the worker dies without running it
    job = await load(database, job_id)
    assert (job.state, job.locked_by, job.attempts) == (JobState.RUNNING, lost.name, 1)
    assert await other.run_until_idle() == 0  # the lease still holds

    await expire_lease(database, job_id)
    assert await other.run_until_idle() == 1

    job = await load(database, job_id)
    assert (job.state, job.attempts, job.locked_by) == (JobState.SUCCEEDED, 2, None)
    assert await effect_rows(database) == [(job_id, "other", 2, "work")]

    # The first worker was only slow: when it finally runs its stale claim, nothing is kept.
    await lost.execute(claimed)
    assert await effect_rows(database) == [(job_id, "other", 2, "work")]
    assert (await load(database, job_id)).state == JobState.SUCCEEDED


async def test_a_job_that_keeps_losing_its_worker_fails_after_max_attempts(
    database: Database, effects: None
) -> None:
    registry = give_up_registry(hook_fails=False)  # max_attempts=2
    worker = Worker(database, registry=registry)
    async with database.transaction() as session:
        job_id = enqueue(session, "test.doomed", Note(text="z"), registry=registry).id
    for _ in range(2):
        assert len(await worker.claim(10)) == 1  # ... and the worker dies
        await expire_lease(database, job_id)

    assert await worker.run_until_idle() == 1

    job = await load(database, job_id)
    assert job.state == JobState.FAILED
    assert job.attempts == 3
    assert job.last_error == "gave up: the job's worker was lost too many times"
    # The handler did not run again; the give-up hook did.
    assert await effect_rows(database) == [
        (job_id, "-", 3, "gave up on z: gave up: the job's worker was lost too many times")
    ]


# 5. many workers, one run per job


async def test_concurrent_workers_on_separate_engines_run_every_job_exactly_once(
    settings: Settings, database: Database, effects: None
) -> None:
    registry = JobRegistry()
    started: list[str] = []  # every run of a handler, kept or not

    @registry.handler("test.record", Note)
    async def record(ctx: JobContext, payload: Note) -> None:
        started.append(ctx.job_id)
        await asyncio.sleep(0.005)  # let the other workers claim meanwhile
        await record_effect(ctx, payload.text)

    engines = [Database(settings.effective_database_url) for _ in range(4)]
    workers = [
        Worker(
            engine,
            registry=registry,
            concurrency=4,
            poll_seconds=0.05,
            resources={WorkerTag: WorkerTag(f"worker-{index}")},
        )
        for index, engine in enumerate(engines)
    ]
    stop = asyncio.Event()
    runs = [asyncio.create_task(worker.run(stop)) for worker in workers]
    try:
        async with database.transaction() as session:
            job_ids = {
                enqueue(session, "test.record", Note(text=str(n)), registry=registry).id
                for n in range(60)
            }

        async def all_succeeded() -> bool:
            async with database.transaction() as session:
                done = await session.scalar(
                    select(func.count()).where(Job.state == JobState.SUCCEEDED)
                )
            return done == len(job_ids)

        await eventually(all_succeeded, "60 jobs to succeed", seconds=60)
    finally:
        stop.set()
        await asyncio.gather(*runs)
        for engine in engines:
            await engine.dispose()

    assert sorted(started) == sorted(job_ids)  # each job ran once: never claimed twice
    rows = await effect_rows(database)
    assert sorted(row[0] for row in rows) == sorted(job_ids)  # and its work was kept once
    assert {job.attempts for job in await all_jobs(database)} == {1}  # each claimed once
    assert len({row[1] for row in rows}) > 1, "the workers did not share the work"


# 6. periodic jobs


async def test_workers_scheduling_the_same_periodic_slot_create_one_job(
    settings: Settings, database: Database, effects: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry = JobRegistry()

    @registry.periodic("test.tick", every_seconds=3600)
    async def tick(ctx: JobContext, _: NoPayload) -> None:
        await record_effect(ctx, "tick")

    now = utcnow()
    monkeypatch.setattr("deskpilot.kit.jobs.worker.utcnow", lambda: now)
    engines = [Database(settings.effective_database_url) for _ in range(2)]
    try:
        workers = [Worker(engine, registry=registry) for engine in engines]
        await asyncio.gather(*(worker.schedule_periodic() for worker in workers))
        # A worker that starts later (a restart, another process) in the same slot adds nothing.
        await Worker(database, registry=registry).schedule_periodic()

        slot = int(now.timestamp()) // 3600
        jobs = await all_jobs(database)
        assert [(job.name, job.dedupe_key) for job in jobs] == [
            ("test.tick", f"periodic:test.tick:{slot}")
        ]
        assert jobs[0].run_at <= now

        ran = await asyncio.gather(*(worker.run_until_idle() for worker in workers))
        assert sum(ran) == 1
        assert len(await effect_rows(database)) == 1

        now += timedelta(hours=1)  # the next slot
        await asyncio.gather(*(worker.schedule_periodic() for worker in workers))
        assert sorted(str(job.dedupe_key) for job in await all_jobs(database)) == [
            f"periodic:test.tick:{slot}",
            f"periodic:test.tick:{slot + 1}",
        ]
    finally:
        for engine in engines:
            await engine.dispose()
