"""The routing job: ``ticket.route_queued`` assigns the tickets waiting in team queues.

It runs every minute across all workspaces (each workspace with a queue gets its own job), and
for one workspace as soon as a member comes online, joins a team, or a team changes."""

from __future__ import annotations

from deskpilot.kit.deps import Resources
from deskpilot.kit.jobs import JobContext, enqueue
from deskpilot.kit.jobs.registry import NoPayload, default_registry
from deskpilot.tickets.routing.queue import assign_queued
from deskpilot.tickets.routing.repository import workspaces_with_queues
from deskpilot.tickets.routing.teams import ROUTE_EVERY_SECONDS, ROUTE_JOB


@default_registry.periodic(ROUTE_JOB, ROUTE_EVERY_SECONDS)
async def route_queued(ctx: JobContext, _: NoPayload) -> None:
    """Without a workspace (the periodic run): queue one run per workspace with a queue."""
    if ctx.workspace_id is None:
        for workspace_id in await workspaces_with_queues(ctx.session):
            enqueue(ctx.session, ROUTE_JOB, workspace_id=workspace_id)
        return
    await assign_queued(ctx.session, ctx.resource(Resources).bus, ctx.workspace_id)
