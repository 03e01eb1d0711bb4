"""The analytics figures on a crafted data set (tests/analytics/dataset.py), in the workspace's
time zone; the JSON endpoint and who may read it."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from deskpilot.analytics import service
from deskpilot.kit.clock import utcnow
from deskpilot.kit.db import Database
from deskpilot.models import Role
from tests.analytics.dataset import craft_messages, craft_tickets
from tests.factories import Tenant, create_api_key


async def test_the_figures_of_the_crafted_data_set(
    database: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    crafted = await craft_messages(database, tenant.workspace_id)
    await craft_messages(database, other_tenant.workspace_id)  # never counted for acme
    async with database.transaction() as session:
        overview = await service.overview(session, tenant.workspace_id, 14, now=crafted.now)

    assert overview.timezone == "Asia/Shanghai"
    assert overview.today == crafted.today
    volume = {
        (v.name, v.type): (v.conversations, v.inbound, v.outbound) for v in overview.volume_today
    }
    assert volume == {
        ("Web chat", "webchat"): (2, 2, 3),  # the private note is not a reply
        ("Email", "email"): (0, 1, 0),  # opened yesterday, local time
        ("Telegram", "telegram"): (0, 0, 0),
    }

    today = overview.automation_today
    assert (today.customer_messages, today.bot_resolved_messages) == (3, 2)
    assert today.message_rate == pytest.approx(2 / 3, abs=1e-4)
    assert (today.conversations, today.bot_resolved_conversations) == (3, 2)
    period = overview.automation_period
    assert (period.customer_messages, period.bot_resolved_messages) == (6, 2)
    assert (period.conversations, period.bot_resolved_conversations) == (4, 2)
    assert period.conversation_rate == 0.5

    assert len(overview.sentiment) == 14
    assert overview.sentiment[-1].day == crafted.today
    assert overview.sentiment[0].day == crafted.today - timedelta(days=13)
    last, yesterday = overview.sentiment[-1], overview.sentiment[-2]
    assert last.average == pytest.approx((0.5 - 0.8 - 0.2) / 3, abs=1e-3)
    assert (last.negative, last.neutral, last.positive) == (1, 1, 1)
    assert (yesterday.average, yesterday.neutral) == (0.0, 1)
    three_days = overview.sentiment[-4]
    assert (three_days.average, three_days.positive) == (0.9, 1)  # unannotated one left out
    assert overview.sentiment[-3].average is None
    assert sum(d.negative for d in overview.sentiment) == 1  # 20 days ago is outside

    assert [(c.key, c.count) for c in overview.top_intents] == [
        ("order_status", 3),
        ("billing", 1),
        ("complaint", 1),
    ]


async def test_a_short_period_and_an_empty_workspace(database: Database, tenant: Tenant) -> None:
    async with database.transaction() as session:
        empty = await service.overview(session, tenant.workspace_id, 1)
    assert empty.timezone == "UTC"
    assert [d.average for d in empty.sentiment] == [None]
    assert empty.automation_today.message_rate is None
    assert empty.volume_today == []
    assert empty.top_intents == []
    assert empty.open_tickets.total == 0
    assert (empty.sla.at_risk, empty.sla.breached) == (0, 0)


async def test_open_tickets_and_slas(database: Database, tenant: Tenant) -> None:
    await craft_tickets(database, tenant.workspace_id)
    async with database.transaction() as session:
        overview = await service.overview(session, tenant.workspace_id, 7, now=utcnow())
    tickets = overview.open_tickets
    assert tickets.total == 5
    assert {c.key: c.count for c in tickets.by_status} == {
        "new": 1,
        "open": 2,
        "pending_customer": 1,
        "on_hold": 1,
    }
    assert {c.key: c.count for c in tickets.by_priority} == {
        "low": 1,
        "normal": 2,
        "high": 1,
        "urgent": 1,
    }
    assert (overview.sla.at_risk, overview.sla.breached) == (1, 2)
    assert overview.sla.window_minutes == service.AT_RISK_MINUTES


async def test_the_overview_endpoint_for_viewers_and_up(
    client: httpx.AsyncClient, database: Database, tenant: Tenant
) -> None:
    await craft_messages(database, tenant.workspace_id)
    viewer = await create_api_key(database, tenant.workspace_id, Role.VIEWER)
    answer = await client.get(
        "/api/v1/analytics/overview",
        params={"days": 7},
        headers={"Authorization": f"Bearer {viewer}"},
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["days"] == 7
    assert len(body["sentiment"]) == 7
    assert body["timezone"] == "Asia/Shanghai"
    assert {v["name"] for v in body["volume_today"]} == {"Web chat", "Email", "Telegram"}

    too_long = await client.get(
        "/api/v1/analytics/overview", params={"days": 91}, headers=tenant.headers
    )
    assert too_long.status_code == 422
    assert "days" in too_long.text
    stranger = await client.get("/api/v1/analytics/overview")
    assert stranger.status_code == 401
