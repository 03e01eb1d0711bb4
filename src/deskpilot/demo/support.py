# ruff: noqa: RUF001 - Chinese and Russian text
"""The demo shop's support setup: office hours, SLA policies, a team, canned responses and a
rule, so that the console's tickets, SLA clocks and settings show something real. Loaded once:
a workspace that already has a team is left as it is."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.models import Priority
from deskpilot.tickets.automation import service as automation
from deskpilot.tickets.automation.schemas import RuleCreate
from deskpilot.tickets.responses import service as responses
from deskpilot.tickets.responses.schemas import CannedResponseCreate
from deskpilot.tickets.routing import teams
from deskpilot.tickets.routing.schemas import TeamCreate
from deskpilot.tickets.sla import policies
from deskpilot.tickets.sla.schemas import CalendarCreate, PolicyCreate

WEEKDAY_HOURS = {day: [["09:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}

# (priority, first response, resolution) in business minutes
TARGETS = (
    (Priority.URGENT, 30, 240),
    (Priority.HIGH, 60, 480),
    (None, 240, 1440),
)

CANNED = (
    (
        "hello",
        "Greeting",
        'Hello {{ customer.first_name | default: "there" }}, thanks for '
        "writing to {{ workspace.name }}. I am looking into it now.",
        "en",
    ),
    (
        "hello-zh",
        "问候",
        '{{ customer.name | default: "您好" }}，感谢您联系{{ workspace.name }}，我正在为您处理。',
        "zh",
    ),
    (
        "hello-ru",
        "Приветствие",
        'Здравствуйте, {{ customer.first_name | default: "" }}! '
        "Спасибо, что написали в {{ workspace.name }}, я уже разбираюсь.",
        "ru",
    ),
    (
        "order",
        "Last order status",
        "Your order {{ customer.last_order.number }} is {{ customer.last_order.status }}.",
        None,
    ),
)

SOLVE_SILENT = RuleCreate(
    name="Solve tickets the customer left for 72 hours",
    trigger="time",
    conditions=[
        {"field": "ticket.status", "op": "eq", "value": "pending_customer"},
        {"field": "ticket.hours_in_status", "op": "gte", "value": 72},
    ],
    actions=[
        {
            "type": "reply",
            "template": "We have not heard back, so we marked your request solved. "
            "Just reply to reopen it.",
        },
        {"type": "set_status", "value": "solved"},
    ],
)


async def load_support(session: AsyncSession, workspace_id: str, owner_id: str) -> None:
    if await teams.list_teams(session, workspace_id):
        return
    calendar = await policies.create_calendar(
        session,
        workspace_id,
        CalendarCreate(name="Office hours", timezone="UTC", hours=WEEKDAY_HOURS),
    )
    for position, (priority, first, resolution) in enumerate(TARGETS):
        name = f"{priority.value.title()} priority" if priority else "Everything else"
        await policies.create_policy(
            session,
            workspace_id,
            PolicyCreate(
                name=name,
                position=position,
                priority=priority,
                first_response_minutes=first,
                resolution_minutes=resolution,
                calendar_id=calendar.id,
            ),
        )
    team = await teams.create_team(
        session,
        workspace_id,
        TeamCreate(name="Support", calendar_id=calendar.id, max_open_per_agent=25),
    )
    await teams.add_member(session, workspace_id, team.id, owner_id)
    for shortcut, title, body, language in CANNED:
        await responses.create_response(
            session,
            workspace_id,
            CannedResponseCreate(shortcut=shortcut, title=title, body=body, language=language),
        )
    await automation.create_rule(session, workspace_id, SOLVE_SILENT)
