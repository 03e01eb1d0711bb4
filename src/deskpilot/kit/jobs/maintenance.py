"""Housekeeping: finished jobs are deleted after a week; SQLite's planner statistics are
gathered again every hour."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete

from deskpilot.kit.clock import utcnow
from deskpilot.kit.db import refresh_statistics
from deskpilot.kit.jobs.registry import JobContext, NoPayload, default_registry
from deskpilot.kit.jobs.table import Job, JobState

KEEP_SUCCEEDED = timedelta(days=7)


@default_registry.periodic("jobs.purge_succeeded", every_seconds=3600)
async def purge_succeeded(ctx: JobContext, _: NoPayload) -> None:
    await ctx.session.execute(
        delete(Job).where(
            Job.state == JobState.SUCCEEDED, Job.finished_at < utcnow() - KEEP_SUCCEEDED
        )
    )


@default_registry.periodic("db.refresh_statistics", every_seconds=3600)
async def refresh_planner_statistics(ctx: JobContext, _: NoPayload) -> None:
    await refresh_statistics(ctx.session)
