"""Durable jobs: enqueued in the caller's transaction, run by workers after commit.

- ``enqueue(session, "domain.verb", payload)`` writes a row in the caller's transaction; the row
  is the job, so once the transaction commits the job cannot be lost.
- A ``Worker`` claims due rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, ``BEGIN IMMEDIATE`` on
  SQLite), runs the handler in a transaction of its own together with marking the job done, and
  retries failures with exponential backoff. A claim is a lease: a job whose worker died (even by
  SIGKILL) is claimed again once the lease runs out.
- Periodic jobs are one row per time slot, made unique by ``dedupe_key``, so several workers
  never run the same slot twice.
"""

from deskpilot.kit.jobs.queue import JobQueue, enqueue
from deskpilot.kit.jobs.registry import JobContext, JobRegistry, PeriodicJob
from deskpilot.kit.jobs.table import Job, JobState
from deskpilot.kit.jobs.worker import Worker

__all__ = [
    "Job",
    "JobContext",
    "JobQueue",
    "JobRegistry",
    "JobState",
    "PeriodicJob",
    "Worker",
    "enqueue",
]
