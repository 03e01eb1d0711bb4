"""Rules for teams, their members, and members' availability."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.errors import Conflict, InvalidInput, NotFound
from deskpilot.kit.jobs import enqueue
from deskpilot.models import AssignmentMethod, Team, TeamMember
from deskpilot.tickets.routing.repository import (
    AvailabilityRepository,
    TeamMemberRepository,
    TeamRepository,
)
from deskpilot.tickets.routing.schemas import (
    AvailabilityRead,
    AvailabilityUpdate,
    TeamCreate,
    TeamMemberRead,
    TeamRead,
    TeamUpdate,
)

ROUTE_JOB = "ticket.route_queued"
ROUTE_EVERY_SECONDS = 60
# fields a PATCH may not clear with null
REQUIRED = ("name", "skills", "languages", "categories", "assignment")


async def list_teams(session: AsyncSession, workspace_id: str) -> list[TeamRead]:
    teams = await TeamRepository(session, workspace_id).ordered()
    return [TeamRead.model_validate(team) for team in teams]


async def get_team(session: AsyncSession, workspace_id: str, team_id: str) -> TeamRead:
    team = await TeamRepository(session, workspace_id).get_or_404(team_id)
    return TeamRead.model_validate(team)


async def create_team(session: AsyncSession, workspace_id: str, data: TeamCreate) -> TeamRead:
    repository = TeamRepository(session, workspace_id)
    given = data.model_dump(exclude_unset=True)
    await _check(repository, given, team_id=None)
    team = repository.add(
        Team(
            workspace_id=workspace_id,
            name=data.name,
            description=data.description,
            skills=data.skills or [],
            languages=data.languages or [],
            categories=data.categories or [],
            assignment=data.assignment or AssignmentMethod.ROUND_ROBIN,
            max_open_per_agent=data.max_open_per_agent,
            calendar_id=data.calendar_id,
        )
    )
    await session.flush()
    await session.refresh(team)
    return TeamRead.model_validate(team)


async def update_team(
    session: AsyncSession, workspace_id: str, team_id: str, data: TeamUpdate
) -> TeamRead:
    repository = TeamRepository(session, workspace_id)
    team = await repository.get_or_404(team_id)
    given = data.model_dump(exclude_unset=True)
    for field in REQUIRED:
        if field in given and given[field] is None:
            raise InvalidInput.field(field, "cannot be cleared")
    await _check(repository, given, team_id=team.id)
    for field, value in given.items():
        setattr(team, field, value)
    await session.flush()
    await session.refresh(team)
    if team.assignment != AssignmentMethod.MANUAL:
        _sweep_soon(session, workspace_id)  # a new method, cap or calendar may free the queue
    return TeamRead.model_validate(team)


async def delete_team(session: AsyncSession, workspace_id: str, team_id: str) -> None:
    """A team with open tickets cannot go: they would silently lose their queue."""
    repository = TeamRepository(session, workspace_id)
    team = await repository.get_or_404(team_id)
    if await repository.open_ticket_count(team.id):
        raise Conflict(f"team {team_id} still has open tickets; move them to another team first")
    await repository.delete(team)
    await session.flush()


async def members(session: AsyncSession, workspace_id: str, team_id: str) -> list[TeamMemberRead]:
    """The team's members, by user id, with their availability and open tickets."""
    teams = TeamRepository(session, workspace_id)
    team = await teams.get_or_404(team_id)
    agents = await TeamMemberRepository(session, workspace_id).agents(team.id)
    loads = await teams.open_counts([agent.user_id for agent in agents])
    return [
        TeamMemberRead(
            user_id=agent.user_id,
            name=agent.name,
            email=agent.email,
            is_active=agent.is_active,
            availability=agent.availability,
            max_open_tickets=agent.max_open_tickets,
            open_tickets=loads[agent.user_id],
            joined_at=agent.joined_at,
        )
        for agent in agents
    ]


async def add_member(
    session: AsyncSession, workspace_id: str, team_id: str, user_id: str
) -> list[TeamMemberRead]:
    """Put an active member of the workspace on the team (again: nothing changes)."""
    team = await TeamRepository(session, workspace_id).get_or_404(team_id)
    found = await AvailabilityRepository(session, workspace_id).of_user(user_id)
    if found is None:
        raise NotFound(f"user {user_id!r} is not a member of this workspace")
    if not found[1].is_active:
        raise InvalidInput.field("user_id", "is not an active member of this workspace")
    repository = TeamMemberRepository(session, workspace_id)
    if await repository.of(team.id, user_id) is None:
        repository.add(TeamMember(workspace_id=workspace_id, team_id=team.id, user_id=user_id))
        await session.flush()
        if team.assignment != AssignmentMethod.MANUAL:
            _sweep_soon(session, workspace_id)
    return await members(session, workspace_id, team.id)


async def remove_member(
    session: AsyncSession, workspace_id: str, team_id: str, user_id: str
) -> None:
    """Take the user off the team (not on it: nothing changes). Tickets they hold stay theirs."""
    team = await TeamRepository(session, workspace_id).get_or_404(team_id)
    repository = TeamMemberRepository(session, workspace_id)
    member = await repository.of(team.id, user_id)
    if member is not None:
        await repository.delete(member)
        await session.flush()


async def team_ids_of(session: AsyncSession, workspace_id: str, user_id: str) -> list[str]:
    """The teams a member is in (the console's "my teams" view)."""
    return await TeamMemberRepository(session, workspace_id).team_ids_of(user_id)


async def get_availability(
    session: AsyncSession, workspace_id: str, user_id: str
) -> AvailabilityRead:
    found = await AvailabilityRepository(session, workspace_id).of_user(user_id)
    if found is None:
        raise NotFound(f"user {user_id!r} is not a member of this workspace")
    membership = found[0]
    loads = await TeamRepository(session, workspace_id).open_counts([user_id])
    return AvailabilityRead(
        user_id=user_id,
        availability=membership.availability,
        max_open_tickets=membership.max_open_tickets,
        open_tickets=loads[user_id],
    )


async def set_availability(
    session: AsyncSession, workspace_id: str, user_id: str, data: AvailabilityUpdate
) -> AvailabilityRead:
    """Change a member's availability or own cap; an online member may take queued tickets at
    once (the queue sweep is queued)."""
    found = await AvailabilityRepository(session, workspace_id).of_user(user_id)
    if found is None:
        raise NotFound(f"user {user_id!r} is not a member of this workspace")
    membership = found[0]
    given = data.model_dump(exclude_unset=True)
    if "availability" in given and given["availability"] is None:
        raise InvalidInput.field("availability", "cannot be cleared")
    changed = False
    for field, value in given.items():
        if getattr(membership, field) != value:
            setattr(membership, field, value)
            changed = True
    await session.flush()
    if changed and membership.availability == "online":
        _sweep_soon(session, workspace_id)
    return await get_availability(session, workspace_id, user_id)


def _sweep_soon(session: AsyncSession, workspace_id: str) -> None:
    """Queue the sweep that assigns the workspace's queued tickets (it runs after commit)."""
    enqueue(session, ROUTE_JOB, workspace_id=workspace_id)


async def _check(repository: TeamRepository, given: dict[str, object], team_id: str | None) -> None:
    name = given.get("name")
    if isinstance(name, str):
        same = await repository.by_name(name)
        if same is not None and same.id != team_id:
            raise Conflict(f"a team named {name!r} already exists")
    calendar_id = given.get("calendar_id")
    if isinstance(calendar_id, str) and await repository.calendar(calendar_id) is None:
        raise InvalidInput.field("calendar_id", "is not a business calendar of this workspace")
