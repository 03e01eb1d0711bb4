"""Every router of the application, in one list, and every module that registers jobs."""

from __future__ import annotations

from fastapi import APIRouter

# Importing a tasks module registers its job handlers, so that enqueue() and the workers know
# them in every process: the API, `deskpilot worker`, and the CLI.
import deskpilot.ai.tasks
import deskpilot.auth.tasks
import deskpilot.channels.email.tasks
import deskpilot.channels.tasks
import deskpilot.customers.tasks
import deskpilot.customers.traits
import deskpilot.kit.jobs.maintenance
import deskpilot.knowledge.tasks
import deskpilot.segments.tasks
import deskpilot.webhooks.tasks  # noqa: F401
from deskpilot.admin.endpoints import router as admin_router
from deskpilot.ai.endpoints import router as ai_router
from deskpilot.auth.endpoints import router as auth_router
from deskpilot.channels.endpoints import hooks as channel_hooks
from deskpilot.channels.endpoints import router as channels_router
from deskpilot.channels.webchat.endpoints import router as webchat_router
from deskpilot.conversations.endpoints import router as conversations_router
from deskpilot.customers.endpoints import events_router as customer_events_router
from deskpilot.customers.endpoints import router as customers_router
from deskpilot.demo.endpoints import router as demo_router
from deskpilot.imports.endpoints import router as imports_router
from deskpilot.knowledge.endpoints import router as knowledge_router
from deskpilot.knowledge.quality_endpoints import router as kb_quality_router
from deskpilot.knowledge.search_endpoints import router as kb_search_router
from deskpilot.ops.endpoints import router as ops_router
from deskpilot.orders.endpoints import router as orders_router
from deskpilot.realtime.endpoints import router as realtime_router
from deskpilot.segments.endpoints import router as segments_router
from deskpilot.web.help import router as help_router
from deskpilot.web.views import router as web_router
from deskpilot.webhooks.endpoints import router as webhooks_router
from deskpilot.workspaces.endpoints import router as workspaces_router

ROUTERS: list[APIRouter] = [
    ops_router,
    auth_router,
    workspaces_router,
    channels_router,
    channel_hooks,
    conversations_router,
    customers_router,
    customer_events_router,
    admin_router,
    realtime_router,
    webhooks_router,
    segments_router,
    webchat_router,
    imports_router,
    orders_router,
    kb_search_router,
    knowledge_router,
    kb_quality_router,
    ai_router,
    demo_router,
    web_router,
    help_router,
]
