"""HTTP for operators: list the workspace's jobs, see why one failed, run it again."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from deskpilot.admin.schemas import JobRead
from deskpilot.auth.dependencies import AdminAuth
from deskpilot.kit.deps import SessionDep
from deskpilot.kit.errors import Conflict, NotFound
from deskpilot.kit.jobs import JobQueue, JobState

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])


async def _job_or_404(queue: JobQueue, job_id: str) -> JobRead:
    job = await queue.get(job_id)
    if job is None:
        raise NotFound.of("job", job_id)
    return JobRead.model_validate(job)


@router.get("/jobs")
async def list_jobs(
    principal: AdminAuth,
    session: SessionDep,
    state: JobState | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[JobRead]:
    """Newest jobs first; ``?state=failed`` lists the ones that gave up."""
    jobs = await JobQueue(session, principal.workspace_id).list(state, limit=limit)
    return [JobRead.model_validate(job) for job in jobs]


@router.get("/jobs/{job_id}")
async def get_job(job_id: str, principal: AdminAuth, session: SessionDep) -> JobRead:
    return await _job_or_404(JobQueue(session, principal.workspace_id), job_id)


@router.post("/jobs/{job_id}/retry")
async def retry_job(job_id: str, principal: AdminAuth, session: SessionDep) -> JobRead:
    """Queue a failed job again with a fresh set of attempts."""
    queue = JobQueue(session, principal.workspace_id)
    job = await queue.get(job_id)
    if job is None:
        raise NotFound.of("job", job_id)
    if job.state != JobState.FAILED or not await queue.retry(job):
        raise Conflict(f"only failed jobs can be retried; this one is {job.state}")
    return JobRead.model_validate(job)
