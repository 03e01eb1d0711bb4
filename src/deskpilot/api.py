"""Every router of the application, in one list."""

from __future__ import annotations

from fastapi import APIRouter

from deskpilot.admin.endpoints import router as admin_router
from deskpilot.auth.endpoints import router as auth_router
from deskpilot.ops.endpoints import router as ops_router
from deskpilot.realtime.endpoints import router as realtime_router
from deskpilot.web.views import router as web_router
from deskpilot.workspaces.endpoints import router as workspaces_router

ROUTERS: list[APIRouter] = [
    ops_router,
    auth_router,
    workspaces_router,
    admin_router,
    realtime_router,
    web_router,
]

# Modules whose import registers job handlers on the default registry.
TASK_MODULES = ["deskpilot.auth.tasks", "deskpilot.kit.jobs.maintenance"]
