from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from deskpilot.kit.deps import ResourcesDep
from deskpilot.kit.jobs.queue import count_by_state
from deskpilot.kit.metrics import JOBS_BY_STATE
from deskpilot.migrations.runner import current_revision, head_revision

router = APIRouter(tags=["operations"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "Not ready"}})
async def readyz(resources: ResourcesDep) -> JSONResponse:
    """The database answers and its schema is at the newest migration."""
    checks: dict[str, Any] = {}
    ready = True
    try:
        await resources.database.ping()
        checks["database"] = "ok"
        revision, head = await current_revision(resources.database), head_revision()
        checks["migrations"] = "current" if revision == head else f"at {revision}, head is {head}"
        ready = revision == head
    except Exception as exc:
        checks["database"] = f"unreachable: {type(exc).__name__}"
        ready = False
    return JSONResponse(
        {"status": "ready" if ready else "not ready", **checks}, 200 if ready else 503
    )


@router.get("/metrics", response_class=Response)
async def metrics(resources: ResourcesDep) -> Response:
    """Prometheus metrics: requests and latency by route, jobs by state, job runs by outcome."""
    async with resources.database.transaction() as session:
        for state, count in (await count_by_state(session)).items():
            JOBS_BY_STATE.labels(state.value).set(count)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
