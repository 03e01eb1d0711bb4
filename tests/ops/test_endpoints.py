from __future__ import annotations

import httpx

from deskpilot.kit.deps import Resources
from deskpilot.kit.jobs import Job, JobState
from tests.factories import Tenant


async def test_healthz(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_reports_database_and_migrations(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "database": "ok", "migrations": "current"}


async def test_metrics_count_requests_by_route_template_and_jobs_by_state(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources
) -> None:
    async with resources.database.transaction() as session:
        session.add(
            Job(name="test.failed", state=JobState.FAILED, workspace_id=tenant.workspace_id)
        )
    await client.get("/api/v1/admin/jobs/job_unknown", headers=tenant.headers)
    body = (await client.get("/metrics")).text
    assert 'route="/api/v1/admin/jobs/{job_id}",status="404"' in body
    assert 'deskpilot_jobs{state="failed"} 1.0' in body
    assert "deskpilot_http_request_duration_seconds_bucket" in body


async def test_every_response_carries_a_request_id_and_keeps_a_safe_incoming_one(
    client: httpx.AsyncClient,
) -> None:
    generated = await client.get("/healthz")
    assert generated.headers["x-request-id"].startswith("req_")
    kept = await client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert kept.headers["x-request-id"] == "abc-123"
    replaced = await client.get("/healthz", headers={"X-Request-ID": "bad id\nwith newline"})
    assert replaced.headers["x-request-id"].startswith("req_")


async def test_openapi_and_interactive_docs_are_served(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/api/openapi.json")).json()
    assert "/api/v1/workspace" in spec["paths"]
    docs = await client.get("/api/docs")
    assert docs.status_code == 200
    assert "swagger" in docs.text.lower()


async def test_unknown_route_is_a_json_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
