"""HTTP for the analytics overview (viewers and up)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from deskpilot.analytics import service
from deskpilot.analytics.schemas import Overview
from deskpilot.auth.dependencies import ViewerAuth
from deskpilot.kit.deps import SessionDep

router = APIRouter(prefix="/api/v1/analytics", tags=["analytics"])


@router.get("/overview")
async def overview(
    principal: ViewerAuth,
    session: SessionDep,
    days: Annotated[
        int,
        Query(ge=1, le=service.MAX_DAYS, description="Days of the sentiment trend and period."),
    ] = service.DEFAULT_DAYS,
) -> Overview:
    """Today's volume by channel, the automation rate (today and over ``days``), open tickets
    by status and priority, SLAs at risk and breached, the daily sentiment trend and the top
    intents of the last 7 days, in the workspace's time zone."""
    return await service.overview(session, principal.workspace_id, days)
