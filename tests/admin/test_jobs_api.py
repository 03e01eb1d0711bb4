"""The operator's job API: list failed jobs, read one, retry it; scoped to the workspace."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from pydantic import BaseModel

from deskpilot.kit.clock import utcnow
from deskpilot.kit.db import Database
from deskpilot.kit.jobs import Job, JobContext, JobQueue, JobRegistry, JobState, Worker
from deskpilot.models import Role
from tests.factories import Tenant, create_api_key


class Ping(BaseModel):
    text: str


@pytest.fixture
def ran() -> list[str]:
    """Ids of the jobs that ``admin_test.ping`` ran."""
    return []


@pytest.fixture
def registry(ran: list[str]) -> JobRegistry:
    jobs = JobRegistry()

    @jobs.handler("admin_test.ping", Ping)
    async def ping(ctx: JobContext, payload: Ping) -> None:
        ran.append(ctx.job_id)

    return jobs


async def add_job(database: Database, workspace_id: str | None, state: JobState) -> str:
    finished = state in (JobState.SUCCEEDED, JobState.FAILED)
    async with database.transaction() as session:
        job = Job(
            name="admin_test.ping",
            workspace_id=workspace_id,
            payload={"text": "hi"},
            state=state,
            attempts=3 if state == JobState.FAILED else 1,
            max_attempts=3,
            last_error="RuntimeError: upstream down" if state == JobState.FAILED else None,
            finished_at=utcnow() if finished else None,
            locked_by="host:1:w" if state == JobState.RUNNING else None,
            locked_until=utcnow() + timedelta(minutes=5) if state == JobState.RUNNING else None,
        )
        session.add(job)
        await session.flush()
        return job.id


async def load(database: Database, job_id: str) -> Job:
    async with database.transaction() as session:
        job = await session.get(Job, job_id)
    assert job is not None
    return job


async def test_failed_filter_lists_only_the_failed_jobs_of_the_callers_workspace(
    client: httpx.AsyncClient, database: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    failed = await add_job(database, tenant.workspace_id, JobState.FAILED)
    queued = await add_job(database, tenant.workspace_id, JobState.QUEUED)
    succeeded = await add_job(database, tenant.workspace_id, JobState.SUCCEEDED)
    await add_job(database, other_tenant.workspace_id, JobState.FAILED)
    await add_job(database, None, JobState.FAILED)  # a system job belongs to no workspace

    response = await client.get("/api/v1/admin/jobs?state=failed", headers=tenant.headers)
    assert response.status_code == 200
    [job] = response.json()
    assert job["id"] == failed
    assert job["state"] == "failed"
    assert job["last_error"] == "RuntimeError: upstream down"
    assert job["attempts"] == 3

    everything = await client.get("/api/v1/admin/jobs", headers=tenant.headers)
    assert everything.status_code == 200
    assert {item["id"] for item in everything.json()} == {failed, queued, succeeded}

    bad = await client.get("/api/v1/admin/jobs?state=exploded", headers=tenant.headers)
    assert bad.status_code == 422


async def test_a_job_is_read_with_its_error(
    client: httpx.AsyncClient, database: Database, tenant: Tenant
) -> None:
    job_id = await add_job(database, tenant.workspace_id, JobState.FAILED)

    response = await client.get(f"/api/v1/admin/jobs/{job_id}", headers=tenant.headers)

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["name"], body["state"]) == (job_id, "admin_test.ping", "failed")
    assert body["payload"] == {"text": "hi"}
    assert body["last_error"] == "RuntimeError: upstream down"
    assert body["finished_at"] is not None


async def test_retry_requeues_a_failed_job_and_a_worker_then_runs_it(
    client: httpx.AsyncClient,
    database: Database,
    tenant: Tenant,
    registry: JobRegistry,
    ran: list[str],
) -> None:
    job_id = await add_job(database, tenant.workspace_id, JobState.FAILED)
    worker = Worker(database, registry=registry)
    assert await worker.run_until_idle() == 0  # failed jobs are not picked up on their own

    response = await client.post(f"/api/v1/admin/jobs/{job_id}/retry", headers=tenant.headers)

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["state"], body["attempts"]) == (job_id, "queued", 0)
    assert body["finished_at"] is None
    job = await load(database, job_id)
    assert (job.state, job.attempts, job.finished_at) == (JobState.QUEUED, 0, None)

    assert await worker.run_until_idle() == 1
    assert ran == [job_id]
    job = await load(database, job_id)
    assert (job.state, job.attempts) == (JobState.SUCCEEDED, 1)


@pytest.mark.parametrize("state", [JobState.QUEUED, JobState.RUNNING, JobState.SUCCEEDED])
async def test_only_a_failed_job_can_be_retried(
    client: httpx.AsyncClient, database: Database, tenant: Tenant, state: JobState
) -> None:
    job_id = await add_job(database, tenant.workspace_id, state)
    before = await load(database, job_id)

    response = await client.post(f"/api/v1/admin/jobs/{job_id}/retry", headers=tenant.headers)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    after = await load(database, job_id)
    assert (after.state, after.attempts, after.locked_by) == (
        before.state,
        before.attempts,
        before.locked_by,
    )


async def test_retry_checks_the_state_in_the_update_itself(
    database: Database, tenant: Tenant
) -> None:
    """A job seen as failed but re-queued (and claimed) meanwhile is not reset again."""
    job_id = await add_job(database, tenant.workspace_id, JobState.FAILED)
    async with database.transaction() as session:
        queue = JobQueue(session, tenant.workspace_id)
        seen = await queue.get(job_id)
        assert seen is not None
        assert await queue.retry(seen)
        assert not await queue.retry(seen)  # the second of two retries at once
        assert seen.state == JobState.QUEUED


async def test_an_agent_key_may_not_see_or_retry_jobs(
    client: httpx.AsyncClient, database: Database, tenant: Tenant
) -> None:
    job_id = await add_job(database, tenant.workspace_id, JobState.FAILED)
    agent = {
        "Authorization": f"Bearer {await create_api_key(database, tenant.workspace_id, Role.AGENT)}"
    }

    for response in (
        await client.get("/api/v1/admin/jobs?state=failed", headers=agent),
        await client.get(f"/api/v1/admin/jobs/{job_id}", headers=agent),
        await client.post(f"/api/v1/admin/jobs/{job_id}/retry", headers=agent),
    ):
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"
    assert (await load(database, job_id)).state == JobState.FAILED

    anonymous = await client.get("/api/v1/admin/jobs")
    assert anonymous.status_code == 401


async def test_a_job_of_another_workspace_is_not_found(
    client: httpx.AsyncClient, database: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    theirs = await add_job(database, other_tenant.workspace_id, JobState.FAILED)

    read = await client.get(f"/api/v1/admin/jobs/{theirs}", headers=tenant.headers)
    retry = await client.post(f"/api/v1/admin/jobs/{theirs}/retry", headers=tenant.headers)

    assert read.status_code == 404
    assert retry.status_code == 404
    assert read.json()["error"]["code"] == "not_found"
    job = await load(database, theirs)
    assert (job.state, job.attempts) == (JobState.FAILED, 3)
    missing = await client.get("/api/v1/admin/jobs/job_nothing", headers=tenant.headers)
    assert missing.status_code == 404
