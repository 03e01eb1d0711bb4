"""A job handler for the durability test, run inside a real ``deskpilot serve`` process.

Its effect is a row in ``durability_effects`` (a table outside the app's metadata), written in
the job's own transaction: it is kept exactly when the job is marked succeeded.
"""

from __future__ import annotations

import asyncio

from pydantic import BaseModel
from sqlalchemy import Column, Integer, MetaData, String, Table, insert

from deskpilot.kit.jobs import JobContext, JobRegistry

JOB_NAME = "durability.record"

EFFECTS_METADATA = MetaData()
EFFECTS = Table(
    "durability_effects",
    EFFECTS_METADATA,
    Column("job_id", String(40), nullable=False),
    Column("attempt", Integer, nullable=False),
)


class Work(BaseModel):
    seconds: float
    """How long the work takes."""
    first_attempt_seconds: float | None = None
    """How long it takes on the first attempt, if that differs (to be caught mid-run)."""


def register(registry: JobRegistry) -> None:
    @registry.handler(JOB_NAME, Work)
    async def record(ctx: JobContext, work: Work) -> None:
        slow = work.first_attempt_seconds if ctx.attempt == 1 else None
        await asyncio.sleep(work.seconds if slow is None else slow)
        await ctx.session.execute(insert(EFFECTS).values(job_id=ctx.job_id, attempt=ctx.attempt))
