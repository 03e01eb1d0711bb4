"""The dashboard page: who may open it, the figures and charts it shows, escaping, languages."""

from __future__ import annotations

import httpx

from deskpilot.kit.db import Database
from deskpilot.models import Role
from tests.analytics.dataset import craft_messages, craft_tickets
from tests.auth import sign_in
from tests.factories import Tenant, create_member

VIEWER = "viewer@acme.example.com"


async def test_strangers_go_to_sign_in(client: httpx.AsyncClient) -> None:
    page = await client.get("/dashboard")
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=%2Fdashboard"


async def test_a_viewer_sees_the_figures_and_the_charts(
    client: httpx.AsyncClient, database: Database, tenant: Tenant
) -> None:
    await craft_messages(database, tenant.workspace_id)
    await craft_tickets(database, tenant.workspace_id)
    await create_member(database, tenant.workspace_id, VIEWER, Role.VIEWER)
    await sign_in(client, VIEWER)
    start = await client.get("/", follow_redirects=False)
    assert start.headers["location"] == "/dashboard"
    page = await client.get("/dashboard")
    assert page.status_code == 200
    html = page.text
    assert "<h1>Dashboard</h1>" in html
    assert 'data-figure="open-tickets">5<' in html
    assert 'data-figure="at-risk">1<' in html
    assert 'data-figure="breached">2<' in html
    assert html.count('<svg class="chart') == 4
    for chart in ("chart-volume", "chart-sentiment", "chart-tickets", "chart-intents"):
        assert f'<title id="{chart}-title">' in html
        assert f'<desc id="{chart}-desc">' in html
    assert html.count("<details>") == 4  # a data table for every chart
    assert '<th scope="row">order_status</th><td>3</td>' in html
    assert "Waiting for customer: 1" in html  # the legend says it in words
    assert 'href="/static/console/dashboard.css"' in html


async def test_names_from_the_data_are_escaped(
    client: httpx.AsyncClient, database: Database, tenant: Tenant
) -> None:
    await craft_messages(database, tenant.workspace_id, hostile=True)
    await sign_in(client, tenant.owner_email)
    page = await client.get("/dashboard")
    assert page.status_code == 200
    assert "<script>alert" not in page.text
    assert "<script>x</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


async def test_the_period_and_the_language(
    client: httpx.AsyncClient, database: Database, tenant: Tenant
) -> None:
    await sign_in(client, tenant.owner_email)
    week = await client.get("/dashboard", params={"days": "7"})
    assert '<option value="7" selected>' in week.text
    assert "Customer sentiment, last 7 days" in week.text
    for odd in ("abc", "-3", "99999999999999999999"):
        fallback = await client.get("/dashboard", params={"days": odd})
        assert fallback.status_code == 200
        assert '<option value="14" selected>' in fallback.text
    client.cookies.set("deskpilot_console", "zh.dark.m")
    chinese = await client.get("/dashboard")
    assert "仪表板" in chinese.text
    assert "暂无数据" in chinese.text  # an empty workspace: the charts say so
    client.cookies.set("deskpilot_console", "ru.light.m")
    russian = await client.get("/dashboard")
    assert "Панель" in russian.text
