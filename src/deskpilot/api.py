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
import deskpilot.tickets.automation.tasks
import deskpilot.tickets.csat.tasks
import deskpilot.tickets.notifications.tasks
import deskpilot.tickets.routing.tasks
import deskpilot.tickets.sla.tasks
import deskpilot.tickets.tasks
import deskpilot.tickets.tracking.tasks
import deskpilot.webhooks.tasks  # noqa: F401
from deskpilot.admin.endpoints import router as admin_router
from deskpilot.ai.endpoints import router as ai_router
from deskpilot.analytics.endpoints import router as analytics_router
from deskpilot.auth.endpoints import router as auth_router
from deskpilot.channels.endpoints import hooks as channel_hooks
from deskpilot.channels.endpoints import router as channels_router
from deskpilot.channels.webchat.endpoints import router as webchat_router
from deskpilot.conversations.endpoints import router as conversations_router
from deskpilot.customers.endpoints import events_router as customer_events_router
from deskpilot.customers.endpoints import router as customers_router
from deskpilot.customers.merge_history import router as customer_merges_router
from deskpilot.demo.endpoints import router as demo_router
from deskpilot.feedback.endpoints import router as feedback_api_router
from deskpilot.imports.endpoints import router as imports_router
from deskpilot.knowledge.endpoints import router as knowledge_router
from deskpilot.knowledge.quality_endpoints import router as kb_quality_router
from deskpilot.knowledge.search_endpoints import router as kb_search_router
from deskpilot.ops.endpoints import router as ops_router
from deskpilot.orders.endpoints import router as orders_router
from deskpilot.realtime.endpoints import router as realtime_router
from deskpilot.segments.endpoints import router as segments_router
from deskpilot.tickets.automation.endpoints import macros_router
from deskpilot.tickets.automation.endpoints import router as automation_router
from deskpilot.tickets.csat.endpoints import public_router as survey_public_router
from deskpilot.tickets.csat.endpoints import router as satisfaction_router
from deskpilot.tickets.endpoints import conversation_router as conversation_tickets_router
from deskpilot.tickets.endpoints import router as tickets_router
from deskpilot.tickets.notifications.endpoints import router as notifications_router
from deskpilot.tickets.responses.endpoints import router as canned_responses_router
from deskpilot.tickets.routing.endpoints import availability_router
from deskpilot.tickets.routing.endpoints import router as teams_router
from deskpilot.tickets.sla.endpoints import routers as sla_routers
from deskpilot.tickets.tracking.endpoints import router as tracking_router
from deskpilot.web.console.account import router as account_page_router
from deskpilot.web.console.conversation import router as conversation_page_router
from deskpilot.web.console.customers import router as customer_pages_router
from deskpilot.web.console.dashboard import router as dashboard_page_router
from deskpilot.web.console.inbox import router as inbox_page_router
from deskpilot.web.console.knowledge import api_router as kb_preview_router
from deskpilot.web.console.knowledge import router as kb_pages_router
from deskpilot.web.console.pages import router as console_router
from deskpilot.web.console.settings import router as settings_pages_router
from deskpilot.web.console.tickets import router as ticket_pages_router
from deskpilot.web.feedback import router as feedback_router
from deskpilot.web.help import router as help_router
from deskpilot.web.track import router as track_pages_router
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
    conversation_tickets_router,
    tickets_router,
    customers_router,
    customer_events_router,
    customer_merges_router,
    admin_router,
    realtime_router,
    webhooks_router,
    segments_router,
    teams_router,
    availability_router,
    webchat_router,
    imports_router,
    orders_router,
    kb_search_router,
    knowledge_router,
    kb_quality_router,
    kb_preview_router,
    ai_router,
    analytics_router,
    demo_router,
    web_router,
    console_router,
    account_page_router,
    inbox_page_router,
    settings_pages_router,
    kb_pages_router,
    conversation_page_router,
    customer_pages_router,
    ticket_pages_router,
    dashboard_page_router,
    help_router,
    satisfaction_router,
    survey_public_router,
    tracking_router,
    track_pages_router,
    feedback_api_router,
    feedback_router,
    notifications_router,
    canned_responses_router,
    automation_router,
    macros_router,
    *sla_routers,
]
