"""Who gets a ticket: the team that fits it best, then, unless the team assigns by hand, the
next available agent (round robin) or the least loaded one (load balancing).

``route`` only sets fields on the ticket it is given (and moves the team's round-robin pointer);
the caller (``tickets.service.create_ticket`` or the queue sweep through ``update_ticket``)
records the history and publishes the events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.clock import utcnow
from deskpilot.models import AssignmentMethod, Team, Ticket
from deskpilot.tickets.routing.repository import Agent, TeamMemberRepository, TeamRepository
from deskpilot.tickets.sla.calendar import BusinessHours

ONLINE = "online"


async def route(session: AsyncSession, ticket: Ticket) -> None:
    """Give a new ticket without an assignee a team and, when the team's method says so, an
    available agent."""
    teams = TeamRepository(session, ticket.workspace_id)
    if ticket.team_id is None:
        team = choose_team(await teams.ordered(), ticket)
        if team is None:
            return  # no team fits: the ticket waits in the workspace's unassigned view
        ticket.team_id = team.id
    if ticket.assignee_id is None:
        ticket.assignee_id = await next_agent(session, ticket.workspace_id, ticket.team_id)


def choose_team(teams: Sequence[Team], ticket: Ticket) -> Team | None:
    """The team that fits the ticket best, from ``teams`` in their stable order.

    A team fits when its categories name the ticket's category (or are empty: any category) and
    its languages name the ticket's language (or are empty). Among fitting teams one that names
    the category beats a catch-all, then one whose skills meet the ticket's labels, then one that
    names the language; remaining ties go to the first team."""
    best: Team | None = None
    best_score: tuple[bool, bool, bool] | None = None
    labels = {label.casefold() for label in ticket.labels or []}
    for team in teams:
        names_category = _named(team.categories, ticket.category)
        names_language = _language_named(team.languages, ticket.language)
        if (team.categories and not names_category) or (team.languages and not names_language):
            continue
        skilled = bool(labels & {skill.casefold() for skill in team.skills or []})
        score = (names_category, skilled, names_language)
        if best_score is None or score > best_score:
            best, best_score = team, score
    return best


async def next_agent(
    session: AsyncSession, workspace_id: str, team_id: str, now: datetime | None = None
) -> str | None:
    """The agent the team's method picks now (moving its round-robin pointer), or None: the
    method is manual, the team's hours are closed, or nobody is available under capacity."""
    teams = TeamRepository(session, workspace_id)
    team = await teams.locked(team_id)
    if team is None or team.assignment == AssignmentMethod.MANUAL:
        return None
    calendar = await teams.calendar(team.calendar_id) if team.calendar_id else None
    if not BusinessHours.of(calendar).is_open(now or utcnow()):
        return None
    agents = await TeamMemberRepository(session, workspace_id).agents(team.id)
    loads = await teams.open_counts([agent.user_id for agent in agents])
    chosen = choose_agent(team, agents, loads)
    if chosen is not None:
        team.last_assigned_user_id = chosen
    return chosen


def choose_agent(team: Team, agents: Sequence[Agent], loads: dict[str, int]) -> str | None:
    """Pure choice among ``agents`` with their open-ticket ``loads``.

    Eligible: active, online, and under capacity (the lower of the team's and the member's
    caps; no cap: unlimited). Round robin takes the first eligible user id after the team's
    last assignee (wrapping round); load balancing takes the least loaded, ties round robin."""
    eligible = sorted(
        agent.user_id
        for agent in agents
        if agent.is_active
        and agent.availability == ONLINE
        and _under_capacity(loads.get(agent.user_id, 0), team.max_open_per_agent, agent)
    )
    if not eligible:
        return None
    if team.assignment == AssignmentMethod.LOAD_BALANCED:
        fewest = min(loads.get(user_id, 0) for user_id in eligible)
        eligible = [user_id for user_id in eligible if loads.get(user_id, 0) == fewest]
    last = team.last_assigned_user_id
    after = [user_id for user_id in eligible if last is None or user_id > last]
    return (after or eligible)[0]


def capacity(team_cap: int | None, member_cap: int | None) -> int | None:
    """The lower of the two caps; None when neither is set (unlimited)."""
    caps = [cap for cap in (team_cap, member_cap) if cap is not None]
    return min(caps) if caps else None


def _under_capacity(load: int, team_cap: int | None, agent: Agent) -> bool:
    cap = capacity(team_cap, agent.max_open_tickets)
    return cap is None or load < cap


def _named(values: Sequence[str] | None, value: str | None) -> bool:
    return value is not None and value.casefold() in {v.casefold() for v in values or []}


def _language_named(languages: Sequence[str] | None, language: str | None) -> bool:
    """``en`` names ``en`` and ``en-GB``; ``en-GB`` names only ``en-GB``."""
    if language is None:
        return False
    language = language.casefold().replace("_", "-")
    for named in languages or []:
        named = named.casefold().replace("_", "-")
        if language == named or language.startswith(named + "-"):
            return True
    return False
