"""Acceptance: the server is killed with SIGKILL while jobs are queued and running, and none is
lost: after a restart every job runs, and each one's work is kept exactly once.

The server is the real ``deskpilot serve`` in a subprocess (through tests/support/jobs_server.py,
which adds the test's job handler), on the test database: SQLite, or PostgreSQL when configured.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import IO

import httpx
import pytest
from sqlalchemy import select

from deskpilot.config import Settings
from deskpilot.kit.db import Database
from deskpilot.kit.jobs import Job, JobRegistry, JobState, enqueue
from tests.support.jobs_tasks import EFFECTS, EFFECTS_METADATA, JOB_NAME, Work, register

ROOT = Path(__file__).resolve().parent.parent
JOBS = 20
QUICK_FIRST = 4
SLOW = 1  # a job whose first attempt is still running when the server is killed
LEASE_SECONDS = 3


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _open_log(path: Path) -> IO[bytes]:
    return path.open("ab")


def _read_log(path: Path) -> str:
    return path.read_text(errors="replace")[-4000:] if path.exists() else ""


class Server:
    """``deskpilot serve`` with a worker inside, as a subprocess on a free port."""

    def __init__(self, settings: Settings, tmp_path: Path) -> None:
        self.port = _free_port()
        self.log_path = tmp_path / "server.log"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("DESKPILOT_")}
        self.env |= {
            "DESKPILOT_DATABASE_URL": settings.effective_database_url,
            "DESKPILOT_DATA_DIR": str(tmp_path / "data"),
            "DESKPILOT_SECRET_KEY": "x",
            "DESKPILOT_JOB_LEASE_SECONDS": str(LEASE_SECONDS),
            "DESKPILOT_WORKER_POLL_SECONDS": "0.2",
            "DESKPILOT_WORKER_CONCURRENCY": "4",
            "DESKPILOT_MIGRATE_ON_START": "false",
            "DESKPILOT_LOG_FORMAT": "text",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        }
        self.cwd = tmp_path
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        log = _open_log(self.log_path)
        try:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "tests.support.jobs_server",
                "serve",
                "--port",
                str(self.port),
                cwd=self.cwd,
                env=self.env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
        finally:
            log.close()
        await self._wait_until_healthy()

    async def _wait_until_healthy(self) -> None:
        assert self.process is not None
        deadline = asyncio.get_running_loop().time() + 30
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{self.port}") as http:
            while True:
                if self.process.returncode is not None:
                    raise AssertionError(f"the server exited:\n{self.log()}")
                try:
                    if (await http.get("/healthz", timeout=1)).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                if asyncio.get_running_loop().time() > deadline:
                    raise AssertionError(f"the server never got ready:\n{self.log()}")
                await asyncio.sleep(0.05)

    async def kill(self) -> None:
        """SIGKILL: no shutdown code runs, exactly like a crash or the OOM killer."""
        if self.process is not None and self.process.returncode is None:
            os.kill(self.process.pid, signal.SIGKILL)
            await self.process.wait()

    async def stop(self) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        self.process.terminate()
        try:
            await asyncio.wait_for(self.process.wait(), timeout=10)
        except TimeoutError:
            await self.kill()

    def log(self) -> str:
        return _read_log(self.log_path)


@pytest.fixture
async def effects(database: Database) -> AsyncIterator[None]:
    async with database.engine.begin() as connection:
        await connection.run_sync(EFFECTS_METADATA.create_all)
    yield
    async with database.engine.begin() as connection:
        await connection.run_sync(EFFECTS_METADATA.drop_all)


async def states(database: Database, job_ids: list[str]) -> dict[str, Job]:
    async with database.transaction() as session:
        jobs = (await session.scalars(select(Job).where(Job.id.in_(job_ids)))).all()
    return {job.id: job for job in jobs}


async def effects_by_job(database: Database) -> dict[str, list[int]]:
    kept: dict[str, list[int]] = {}
    async with database.transaction() as session:
        for job_id, attempt in await session.execute(select(EFFECTS.c.job_id, EFFECTS.c.attempt)):
            kept.setdefault(job_id, []).append(attempt)
    return kept


async def wait_for(check: Callable[[], Awaitable[bool]], what: str, server: Server) -> None:
    try:
        async with asyncio.timeout(30):
            while True:
                if await check():
                    return
                await asyncio.sleep(0.02)
    except TimeoutError:
        log = server.log()
        raise AssertionError(f"timed out waiting for {what}; server log:\n{log}") from None


async def test_jobs_survive_a_sigkilled_server_and_run_after_restart(
    settings: Settings, database: Database, effects: None, tmp_path: Path
) -> None:
    registry = JobRegistry()  # the server registers the same handler on its default registry
    register(registry)
    async with database.transaction() as session:
        # A few quick jobs, then a slow one (still running when the server is killed), then
        # the rest; a worker takes them in this order.
        enqueued = [
            enqueue(session, JOB_NAME, work, registry=registry)
            for work in [Work(seconds=0.2)] * QUICK_FIRST
            + [Work(seconds=0.05, first_attempt_seconds=60)] * SLOW
            + [Work(seconds=0.2)] * (JOBS - QUICK_FIRST - SLOW)
        ]
    job_ids = [job.id for job in enqueued]
    slow_ids = job_ids[QUICK_FIRST : QUICK_FIRST + SLOW]

    first = Server(settings, tmp_path)
    second = Server(settings, tmp_path)
    try:
        await first.start()

        async def mid_run() -> bool:
            jobs = await states(database, job_ids)
            done = sum(job.state == JobState.SUCCEEDED for job in jobs.values())
            slow_running = all(jobs[job_id].state == JobState.RUNNING for job_id in slow_ids)
            return slow_running and done >= 3

        await wait_for(mid_run, "some jobs to run while the slow one is mid-run", first)
        await first.kill()

        jobs = await states(database, job_ids)
        done = {job_id for job_id, job in jobs.items() if job.state == JobState.SUCCEEDED}
        assert 3 <= len(done) < JOBS - SLOW, "the kill came too late to prove anything"
        assert all(jobs[job_id].state == JobState.RUNNING for job_id in slow_ids)
        assert any(job.state == JobState.QUEUED for job in jobs.values())
        # What was kept is exactly the work of the jobs marked done: nothing half-written.
        assert set(await effects_by_job(database)) == done

        await second.start()

        async def all_done() -> bool:
            jobs = await states(database, job_ids)
            return all(job.state == JobState.SUCCEEDED for job in jobs.values())

        await wait_for(all_done, "every job to succeed after the restart", second)
    finally:
        await first.kill()
        await second.stop()

    kept = await effects_by_job(database)
    assert sorted(kept) == sorted(job_ids)  # every job's work happened ...
    assert all(len(attempts) == 1 for attempts in kept.values())  # ... exactly once
    # The killed server's running jobs were taken over once their lease ran out.
    assert [kept[job_id] for job_id in slow_ids] == [[2]] * SLOW
    jobs = await states(database, job_ids)
    assert [jobs[job_id].attempts for job_id in slow_ids] == [2] * SLOW
