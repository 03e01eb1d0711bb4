"""The demo's support setup: loaded once, and working (a ticket gets its SLA and its team)."""

from __future__ import annotations

from deskpilot.demo.support import load_support
from deskpilot.kit.db import Database
from deskpilot.kit.deps import Resources
from deskpilot.models import Priority
from deskpilot.tickets.automation import service as automation
from deskpilot.tickets.responses import service as responses
from deskpilot.tickets.routing import teams
from deskpilot.tickets.sla import policies
from tests.factories import Tenant
from tests.tickets.helpers import new_ticket


async def test_the_demo_support_setup_loads_once_and_tickets_use_it(
    database: Database, resources: Resources, tenant: Tenant
) -> None:
    for _ in range(2):
        async with database.transaction() as session:
            await load_support(session, tenant.workspace_id, tenant.owner_id)
    async with database.transaction() as session:
        [team] = await teams.list_teams(session, tenant.workspace_id)
        found = await policies.list_policies(session, tenant.workspace_id)
        canned = await responses.list_responses(session, tenant.workspace_id, None, 50)
        rules = await automation.list_rules(session, tenant.workspace_id)
    assert team.name == "Support"
    assert [p.priority for p in found] == [Priority.URGENT, Priority.HIGH, None]
    assert {c.shortcut for c in canned} == {"hello", "hello-zh", "hello-ru", "order"}
    assert [r.trigger for r in rules] == ["time"]

    urgent = await new_ticket(
        database, resources.bus, tenant.workspace_id, priority=Priority.URGENT
    )
    assert urgent.ticket.sla_policy_id == found[0].id
    assert urgent.ticket.first_response_due_at is not None
    assert urgent.ticket.team_id == team.id
