"""The rules API: strict validation, roles, the run log, and dry runs that write nothing."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select

from deskpilot.kit.db import Database
from deskpilot.kit.deps import Resources
from deskpilot.kit.jobs import Job
from deskpilot.models import Role, RuleRun, TicketChange
from tests.factories import Tenant, create_api_key
from tests.tickets.helpers import new_ticket

RULES = "/api/v1/automation/rules"
RULE: dict[str, Any] = {
    "name": "Urgent refunds",
    "trigger": "ticket.created",
    "conditions": [{"field": "ticket.subject", "op": "contains", "value": "refund"}],
    "actions": [{"type": "set_priority", "value": "urgent"}],
}


async def test_crud_and_roles(
    client: httpx.AsyncClient, database: Database, tenant: Tenant
) -> None:
    viewer_key = await create_api_key(database, tenant.workspace_id, Role.VIEWER)
    viewer = {"Authorization": f"Bearer {viewer_key}"}
    assert (await client.post(RULES, headers=viewer, json=RULE)).status_code == 403
    created = await client.post(RULES, headers=tenant.headers, json=RULE)
    assert created.status_code == 201, created.text
    rule = created.json()
    assert rule["is_active"]
    assert rule["position"] == 0
    again = await client.post(RULES, headers=tenant.headers, json=RULE)
    assert again.status_code == 409
    listed = await client.get(RULES, headers=viewer)
    assert [r["id"] for r in listed.json()] == [rule["id"]]
    changed = await client.patch(
        f"{RULES}/{rule['id']}", headers=tenant.headers, json={"is_active": False, "position": 3}
    )
    assert changed.status_code == 200
    assert changed.json()["is_active"] is False
    bad = await client.patch(
        f"{RULES}/{rule['id']}", headers=tenant.headers, json={"conditions": [{"field": "x"}]}
    )
    assert bad.status_code == 422
    assert (await client.get(f"{RULES}/{rule['id']}", headers=viewer)).json()["position"] == 3
    assert (await client.delete(f"{RULES}/{rule['id']}", headers=tenant.headers)).status_code == 204
    assert (await client.get(f"{RULES}/{rule['id']}", headers=viewer)).status_code == 404


async def test_validation_names_the_field(client: httpx.AsyncClient, tenant: Tenant) -> None:
    body = RULE | {
        "trigger": "ticket.exploded",
        "conditions": [
            {"field": "ticket.priority", "op": "eq", "value": "high"},
            {"field": "ticket.priority", "op": "resembles", "value": "high"},
        ],
        "actions": [{"type": "set_priority", "value": "extreme"}, {"type": "launch"}],
    }
    answer = await client.post(RULES, headers=tenant.headers, json=body)
    assert answer.status_code == 422
    fields = [f["field"] for f in answer.json()["error"]["fields"]]
    assert fields == ["trigger", "conditions[1].op", "actions[0].value", "actions[1].type"]
    unknown = await client.post(RULES, headers=tenant.headers, json=RULE | {"colour": "red"})
    assert unknown.status_code == 422
    assert unknown.json()["error"]["fields"][0]["field"] == "body.colour"
    no_actions = await client.post(RULES, headers=tenant.headers, json=RULE | {"actions": []})
    assert no_actions.status_code == 422


async def _count(database: Database, model: type[Any]) -> int:
    async with database.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_dry_run_evaluates_past_tickets_and_writes_nothing(
    client: httpx.AsyncClient, database: Database, resources: Resources, tenant: Tenant
) -> None:
    refund = await new_ticket(database, resources.bus, tenant.workspace_id, "A refund please")
    await new_ticket(database, resources.bus, tenant.workspace_id, "Where is my parcel")
    before = [await _count(database, m) for m in (Job, RuleRun, TicketChange)]
    answer = await client.post(
        f"{RULES}/dry-run", headers=tenant.headers, json=RULE | {"limit": 10}
    )
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert (result["evaluated"], result["matched"]) == (2, 1)
    (hit,) = [t for t in result["tickets"] if t["matched"]]
    assert hit["ticket_id"] == refund.ticket.id
    assert hit["actions"] == RULE["actions"]
    assert [await _count(database, m) for m in (Job, RuleRun, TicketChange)] == before
    saved = (await client.post(RULES, headers=tenant.headers, json=RULE)).json()
    before = [await _count(database, m) for m in (Job, RuleRun, TicketChange)]
    again = await client.post(
        f"{RULES}/{saved['id']}/dry-run", headers=tenant.headers, json={"limit": 1}
    )
    assert again.status_code == 200
    assert again.json()["evaluated"] == 1
    no_body = await client.post(f"{RULES}/{saved['id']}/dry-run", headers=tenant.headers)
    assert no_body.status_code == 200
    assert no_body.json()["evaluated"] == 2
    assert [await _count(database, m) for m in (Job, RuleRun, TicketChange)] == before
    bad = await client.post(f"{RULES}/dry-run", headers=tenant.headers, json=RULE | {"limit": 0})
    assert bad.status_code == 422


async def test_the_run_log_pages_newest_first(
    client: httpx.AsyncClient, database: Database, tenant: Tenant
) -> None:
    rule = (await client.post(RULES, headers=tenant.headers, json=RULE)).json()
    async with database.transaction() as session:
        for matched in (True, False, True):
            session.add(
                RuleRun(
                    workspace_id=tenant.workspace_id,
                    rule_id=rule["id"],
                    trigger="ticket.created",
                    matched=matched,
                )
            )
            await session.flush()
    first = await client.get(f"{RULES}/{rule['id']}/runs?limit=2", headers=tenant.headers)
    assert first.status_code == 200
    page = first.json()
    assert len(page["items"]) == 2
    assert page["next_cursor"]
    rest = await client.get(
        f"{RULES}/{rule['id']}/runs", headers=tenant.headers, params={"cursor": page["next_cursor"]}
    )
    assert len(rest.json()["items"]) == 1
    assert rest.json()["next_cursor"] is None
    ids = [r["id"] for r in page["items"] + rest.json()["items"]]
    assert len(set(ids)) == 3
    garbage = await client.get(f"{RULES}/{rule['id']}/runs?cursor=zzz", headers=tenant.headers)
    assert garbage.status_code == 422
