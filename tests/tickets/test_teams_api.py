"""The teams and availability API: CRUD, members, validation, roles."""

from __future__ import annotations

import httpx

from deskpilot.kit.db import Database
from deskpilot.kit.deps import Resources
from deskpilot.models import BusinessCalendar, Membership, Role, User
from tests.auth import sign_in
from tests.factories import Tenant, create_api_key, create_member
from tests.tickets.helpers import new_ticket


async def _user(database: Database, tenant: Tenant, email: str, role: Role = Role.AGENT) -> str:
    membership_id = await create_member(database, tenant.workspace_id, email, role)
    async with database.transaction() as session:
        membership = await session.get(Membership, membership_id)
        assert membership is not None
        return membership.user_id


async def _calendar(database: Database, tenant: Tenant) -> str:
    async with database.transaction() as session:
        calendar = BusinessCalendar(
            workspace_id=tenant.workspace_id, name="Office", hours={"mon": [["09:00", "17:00"]]}
        )
        session.add(calendar)
        await session.flush()
        return calendar.id


async def test_admins_manage_teams_and_viewers_read_them(
    client: httpx.AsyncClient, database: Database, tenant: Tenant
) -> None:
    calendar_id = await _calendar(database, tenant)
    response = await client.post(
        "/api/v1/teams",
        headers=tenant.headers,
        json={
            "name": "  Billing ",
            "skills": ["refund", "Refund", " "],
            "languages": ["en", "ru"],
            "categories": ["billing"],
            "assignment": "load_balanced",
            "max_open_per_agent": 5,
            "calendar_id": calendar_id,
        },
    )
    assert response.status_code == 201, response.text
    team = response.json()
    assert team["name"] == "Billing"
    assert team["skills"] == ["refund"]
    assert team["assignment"] == "load_balanced"
    assert team["calendar_id"] == calendar_id

    viewer_key = await create_api_key(database, tenant.workspace_id, Role.VIEWER)
    viewer = {"Authorization": f"Bearer {viewer_key}"}
    listed = await client.get("/api/v1/teams", headers=viewer)
    assert [t["id"] for t in listed.json()] == [team["id"]]
    refused = await client.post("/api/v1/teams", headers=viewer, json={"name": "Other"})
    assert refused.status_code == 403

    changed = await client.patch(
        f"/api/v1/teams/{team['id']}",
        headers=tenant.headers,
        json={"assignment": "manual", "calendar_id": None, "max_open_per_agent": None},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["assignment"] == "manual"
    assert changed.json()["calendar_id"] is None
    cleared = await client.patch(
        f"/api/v1/teams/{team['id']}", headers=tenant.headers, json={"name": None}
    )
    assert cleared.status_code == 422

    deleted = await client.delete(f"/api/v1/teams/{team['id']}", headers=tenant.headers)
    assert deleted.status_code == 204
    gone = await client.get(f"/api/v1/teams/{team['id']}", headers=tenant.headers)
    assert gone.status_code == 404


async def test_bad_team_input_is_a_clear_4xx(
    client: httpx.AsyncClient, database: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    first = await client.post("/api/v1/teams", headers=tenant.headers, json={"name": "Support"})
    assert first.status_code == 201
    duplicate = await client.post("/api/v1/teams", headers=tenant.headers, json={"name": "support"})
    assert duplicate.status_code == 409
    second = await client.post("/api/v1/teams", headers=tenant.headers, json={"name": "Sales"})
    renamed = await client.patch(
        f"/api/v1/teams/{second.json()['id']}", headers=tenant.headers, json={"name": "Support"}
    )
    assert renamed.status_code == 409

    foreign_calendar = await _calendar(database, other_tenant)
    for calendar_id in ("cal_nope", foreign_calendar):
        response = await client.post(
            "/api/v1/teams",
            headers=tenant.headers,
            json={"name": "Nights", "calendar_id": calendar_id},
        )
        assert response.status_code == 422
        assert response.json()["error"]["fields"][0]["field"] == "calendar_id"
    for body in (
        {"name": "X", "assignment": "random"},
        {"name": "X", "max_open_per_agent": 0},
        {"name": "   "},
        {"name": "X", "colour": "red"},
    ):
        response = await client.post("/api/v1/teams", headers=tenant.headers, json=body)
        assert response.status_code == 422, body


async def test_members_must_be_active_members_of_the_workspace(
    client: httpx.AsyncClient,
    database: Database,
    resources: Resources,
    tenant: Tenant,
    other_tenant: Tenant,
) -> None:
    team = (
        await client.post("/api/v1/teams", headers=tenant.headers, json={"name": "Support"})
    ).json()
    agent = await _user(database, tenant, "agent@acme.example.com")
    outsider = await _user(database, other_tenant, "agent@globex.example.com")
    url = f"/api/v1/teams/{team['id']}/members"

    added = await client.put(f"{url}/{agent}", headers=tenant.headers)
    assert added.status_code == 200, added.text
    again = await client.put(f"{url}/{agent}", headers=tenant.headers)
    assert [m["user_id"] for m in again.json()] == [agent]
    assert (await client.put(f"{url}/{outsider}", headers=tenant.headers)).status_code == 404
    assert (await client.put(f"{url}/usr_nope", headers=tenant.headers)).status_code == 404

    leaver = await _user(database, tenant, "leaver@acme.example.com")
    async with database.transaction() as session:
        user = await session.get(User, leaver)
        assert user is not None
        user.is_active = False
    inactive = await client.put(f"{url}/{leaver}", headers=tenant.headers)
    assert inactive.status_code == 422
    assert inactive.json()["error"]["fields"][0]["field"] == "user_id"

    await new_ticket(database, resources.bus, tenant.workspace_id)  # routed to the agent
    listed = (await client.get(url, headers=tenant.headers)).json()
    assert listed == [
        {
            "user_id": agent,
            "name": "agent@acme.example.com",
            "email": "agent@acme.example.com",
            "is_active": True,
            "availability": "online",
            "max_open_tickets": None,
            "open_tickets": 1,
            "joined_at": listed[0]["joined_at"],
        }
    ]
    busy = await client.delete(f"/api/v1/teams/{team['id']}", headers=tenant.headers)
    assert busy.status_code == 409

    assert (await client.delete(f"{url}/{agent}", headers=tenant.headers)).status_code == 204
    assert (await client.delete(f"{url}/{agent}", headers=tenant.headers)).status_code == 204
    assert (await client.get(url, headers=tenant.headers)).json() == []


async def test_members_set_their_availability_and_admins_set_anyones(
    client: httpx.AsyncClient, database: Database, tenant: Tenant
) -> None:
    csrf = await sign_in(client, tenant.owner_email)
    mine = await client.get("/api/v1/availability")
    assert mine.json() == {
        "user_id": tenant.owner_id,
        "availability": "online",
        "max_open_tickets": None,
        "open_tickets": 0,
    }
    away = await client.patch(
        "/api/v1/availability",
        json={"availability": "away", "max_open_tickets": 3},
        headers={"X-CSRF-Token": csrf},
    )
    assert away.status_code == 200, away.text
    assert (away.json()["availability"], away.json()["max_open_tickets"]) == ("away", 3)
    bad = await client.patch(
        "/api/v1/availability", json={"availability": "busy"}, headers={"X-CSRF-Token": csrf}
    )
    assert bad.status_code == 422
    client.cookies.clear()

    agent = await _user(database, tenant, "agent@acme.example.com")
    set_by_admin = await client.patch(
        f"/api/v1/availability/{agent}", headers=tenant.headers, json={"availability": "offline"}
    )
    assert set_by_admin.json()["availability"] == "offline"
    shown = await client.get(f"/api/v1/availability/{agent}", headers=tenant.headers)
    assert shown.json()["availability"] == "offline"
    # an API key is nobody: it has no availability of its own
    keyed = await client.get("/api/v1/availability", headers=tenant.headers)
    assert keyed.status_code == 400
    agent_key = await create_api_key(database, tenant.workspace_id, Role.AGENT)
    refused = await client.patch(
        f"/api/v1/availability/{agent}",
        headers={"Authorization": f"Bearer {agent_key}"},
        json={"availability": "online"},
    )
    assert refused.status_code == 403
