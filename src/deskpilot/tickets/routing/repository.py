"""Teams, agent availability, and who gets a new ticket."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.repository import WorkspaceRepository
from deskpilot.models import (
    AssignmentMethod,
    BusinessCalendar,
    Membership,
    Team,
    TeamMember,
    Ticket,
    TicketStatus,
    User,
)

# a ticket in one of these counts towards its assignee's load, and may wait in a team's queue
OPEN_STATUSES = (
    TicketStatus.NEW,
    TicketStatus.OPEN,
    TicketStatus.PENDING_CUSTOMER,
    TicketStatus.ON_HOLD,
)


@dataclass(frozen=True, slots=True)
class Agent:
    """A team member as routing and the members list see them."""

    user_id: str
    name: str
    email: str
    is_active: bool  # the user can sign in
    availability: str
    max_open_tickets: int | None
    joined_at: datetime


class TeamRepository(WorkspaceRepository[Team]):
    model = Team
    label = "team"

    async def by_name(self, name: str) -> Team | None:
        query = self.select().where(func.lower(Team.name) == name.lower())
        return (await self.session.scalars(query)).first()

    async def ordered(self) -> Sequence[Team]:
        """Every team, oldest first: the stable order routing breaks ties in."""
        return await self.all(self.select().order_by(Team.created_at, Team.id))

    async def locked(self, team_id: str) -> Team | None:
        """The team, its row locked on PostgreSQL until commit, so that two tickets routed at
        once read and move the round-robin pointer one after the other."""
        query = self.select().where(Team.id == team_id).with_for_update()
        return (await self.session.scalars(query)).one_or_none()

    async def calendar(self, calendar_id: str) -> BusinessCalendar | None:
        query = select(BusinessCalendar).where(
            BusinessCalendar.workspace_id == self.workspace_id, BusinessCalendar.id == calendar_id
        )
        return (await self.session.scalars(query)).one_or_none()

    async def queued_tickets(self, team_id: str, limit: int) -> Sequence[Ticket]:
        """Open tickets of the team that nobody has, oldest first."""
        query = (
            select(Ticket)
            .where(
                Ticket.workspace_id == self.workspace_id,
                Ticket.team_id == team_id,
                Ticket.assignee_id.is_(None),
                Ticket.status.in_(OPEN_STATUSES),
            )
            .order_by(Ticket.created_at, Ticket.id)
            .limit(limit)
        )
        return (await self.session.scalars(query)).all()

    async def open_ticket_count(self, team_id: str) -> int:
        query = select(func.count()).where(
            Ticket.workspace_id == self.workspace_id,
            Ticket.team_id == team_id,
            Ticket.status.in_(OPEN_STATUSES),
        )
        return int((await self.session.scalar(query)) or 0)

    async def open_counts(self, user_ids: Sequence[str]) -> dict[str, int]:
        """Open tickets assigned to each user (0 for those with none)."""
        if not user_ids:
            return {}
        query = (
            select(Ticket.assignee_id, func.count())
            .where(
                Ticket.workspace_id == self.workspace_id,
                Ticket.assignee_id.in_(user_ids),
                Ticket.status.in_(OPEN_STATUSES),
            )
            .group_by(Ticket.assignee_id)
        )
        counts = {user_id: 0 for user_id in user_ids}
        for user_id, count in (await self.session.execute(query)).all():
            if user_id is not None:
                counts[user_id] = count
        return counts


class TeamMemberRepository(WorkspaceRepository[TeamMember]):
    model = TeamMember
    label = "team member"

    async def of(self, team_id: str, user_id: str) -> TeamMember | None:
        query = self.select().where(TeamMember.team_id == team_id, TeamMember.user_id == user_id)
        return (await self.session.scalars(query)).one_or_none()

    async def team_ids_of(self, user_id: str) -> list[str]:
        query = select(TeamMember.team_id).where(
            TeamMember.workspace_id == self.workspace_id, TeamMember.user_id == user_id
        )
        return list((await self.session.scalars(query)).all())

    async def agents(self, team_id: str) -> list[Agent]:
        """The team's members who still belong to the workspace, by user id (the stable order
        of round robin)."""
        query = (
            select(TeamMember, Membership, User)
            .join(
                Membership,
                (Membership.user_id == TeamMember.user_id)
                & (Membership.workspace_id == TeamMember.workspace_id),
            )
            .join(User, User.id == TeamMember.user_id)
            .where(TeamMember.workspace_id == self.workspace_id, TeamMember.team_id == team_id)
            .order_by(TeamMember.user_id)
        )
        return [
            Agent(
                user_id=user.id,
                name=user.name,
                email=user.email,
                is_active=user.is_active,
                availability=membership.availability,
                max_open_tickets=membership.max_open_tickets,
                joined_at=member.created_at,
            )
            for member, membership, user in (await self.session.execute(query)).all()
        ]


class AvailabilityRepository(WorkspaceRepository[Membership]):
    """Members' availability and load cap (kept on their membership)."""

    model = Membership
    label = "member"

    async def of_user(self, user_id: str) -> tuple[Membership, User] | None:
        query = (
            select(Membership, User)
            .join(User, User.id == Membership.user_id)
            .where(Membership.workspace_id == self.workspace_id, Membership.user_id == user_id)
        )
        row = (await self.session.execute(query)).one_or_none()
        return None if row is None else (row[0], row[1])


async def workspaces_with_queues(session: AsyncSession) -> list[str]:
    """Workspaces with an unassigned open ticket in a team that assigns automatically (the
    periodic sweep visits only these)."""
    query = (
        select(Ticket.workspace_id)
        .join(Team, Team.id == Ticket.team_id)
        .where(
            Ticket.assignee_id.is_(None),
            Ticket.status.in_(OPEN_STATUSES),
            Team.assignment != AssignmentMethod.MANUAL,
        )
        .distinct()
        .order_by(Ticket.workspace_id)
    )
    return list((await session.scalars(query)).all())
