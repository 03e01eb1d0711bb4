"""Job throughput: enqueue N jobs in batches, then drain them with W workers; print jobs/s.

    python bench/jobs_throughput.py [--jobs 2000] [--workers 2] [--database-url URL]

Without --database-url it uses a new SQLite file. Each job does one small write, so the figure
is the queue's own overhead (claim, run, mark succeeded) on this database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import update

from deskpilot.kit.db import Database
from deskpilot.kit.jobs import Job, JobContext, JobRegistry, Worker, enqueue
from deskpilot.migrations.runner import upgrade


class Touch(BaseModel):
    n: int


registry = JobRegistry()


@registry.handler("bench.touch", Touch)
async def touch(ctx: JobContext, payload: Touch) -> None:
    await ctx.session.execute(update(Job).where(Job.id == ctx.job_id).values(last_error=None))


async def run(jobs: int, workers: int, url: str) -> dict[str, object]:
    database = Database(url)
    await upgrade(database)
    started = time.perf_counter()
    for start in range(0, jobs, 500):
        async with database.transaction() as session:
            for n in range(start, min(start + 500, jobs)):
                enqueue(session, "bench.touch", Touch(n=n), registry=registry)
    enqueued = time.perf_counter() - started

    engines = [Database(url) for _ in range(workers)]
    pool = [Worker(db, registry=registry, concurrency=8) for db in engines]
    started = time.perf_counter()
    counts = await asyncio.gather(*(worker.run_until_idle() for worker in pool))
    drained = time.perf_counter() - started
    for db in [*engines, database]:
        await db.dispose()
    assert sum(counts) == jobs, counts
    return {
        "database": database.dialect,
        "jobs": jobs,
        "workers": workers,
        "enqueue_jobs_per_s": round(jobs / enqueued),
        "run_jobs_per_s": round(jobs / drained),
        "per_worker": counts,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        print(json.dumps(asyncio.run(run(args.jobs, args.workers, url))))


if __name__ == "__main__":
    main()
