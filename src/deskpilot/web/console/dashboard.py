"""The dashboard: today's figures and the trends, with charts drawn on the server (no script).

Viewers and up. The figures come from the analytics service (docs/analytics.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from deskpilot.analytics import service as analytics
from deskpilot.analytics.schemas import Automation, Overview
from deskpilot.kit.deps import SessionDep
from deskpilot.web.console.charts import NO_VALUE, Point, bar_chart, line_chart, stacked_bar
from deskpilot.web.console.context import Console
from deskpilot.web.console.pages import member_of, render

router = APIRouter(include_in_schema=False)

PERIODS = (7, 14, 30)
WIDE = 960  # charts across the whole page; the others share a row


def percent(rate: float | None) -> str:
    return NO_VALUE if rate is None else f"{rate * 100:.0f}%"


def automation_note(ctx: Console, figures: Automation) -> str:
    return ctx.t(
        "dashboard.automation.note",
        resolved=figures.bot_resolved_messages,
        total=figures.customer_messages,
    )


def charts(ctx: Console, overview: Overview) -> dict[str, Markup]:
    t = ctx.t
    volume = [Point(row.name, row.inbound + row.outbound) for row in overview.volume_today]
    sentiment = [
        Point(
            day.day.strftime("%m-%d"),
            day.average,
            None if day.average is None else f"{day.average:+.2f}",
        )
        for day in overview.sentiment
    ]
    statuses = [
        Point(t(f"dashboard.status.{c.key}"), c.count) for c in overview.open_tickets.by_status
    ]
    intents = [Point(c.key, c.count) for c in overview.top_intents]
    return {
        "volume": bar_chart(
            volume,
            chart_id="chart-volume",
            title=t("dashboard.volume.title"),
            desc=t("dashboard.volume.desc"),
            empty=t("dashboard.no_data"),
        ),
        "sentiment": line_chart(
            sentiment,
            chart_id="chart-sentiment",
            title=t("dashboard.sentiment.title", days=overview.days),
            desc=t("dashboard.sentiment.desc"),
            empty=t("dashboard.no_data"),
            label_every=max(1, len(sentiment) // 7),
            width=WIDE,
        ),
        "tickets": stacked_bar(
            statuses,
            chart_id="chart-tickets",
            title=t("dashboard.tickets.title"),
            desc=t("dashboard.tickets.desc"),
            empty=t("dashboard.tickets.none"),
        ),
        "intents": bar_chart(
            intents,
            chart_id="chart-intents",
            title=t("dashboard.intents.title"),
            desc=t("dashboard.intents.desc"),
            empty=t("dashboard.no_data"),
            width=WIDE,
            label_width=200,
        ),
    }


@router.get("/dashboard", response_class=HTMLResponse)
async def dashboard(
    request: Request,
    session: SessionDep,
    days: Annotated[str | None, Query()] = None,
) -> Response:
    ctx = await member_of(request, session, "viewer")
    if isinstance(ctx, Response):
        return ctx
    # a hand-edited ?days= falls back to the default rather than an error page
    chosen = int(days) if days and days.isdigit() and int(days) in PERIODS else None
    period = chosen or analytics.DEFAULT_DAYS
    overview = await analytics.overview(session, ctx.workspace.id, period)
    return render(
        request,
        ctx,
        "console/dashboard.html",
        overview=overview,
        charts=charts(ctx, overview),
        periods=PERIODS,
        percent=percent,
        automation_note=automation_note(ctx, overview.automation_today),
        period_note=automation_note(ctx, overview.automation_period),
        conversations_today=sum(r.conversations for r in overview.volume_today),
        inbound_today=sum(r.inbound for r in overview.volume_today),
        outbound_today=sum(r.outbound for r in overview.volume_today),
    )
