from __future__ import annotations

from deskpilot.kit.repository import WorkspaceRepository
from deskpilot.models import Team, TeamMember


class TeamRepository(WorkspaceRepository[Team]):
    model = Team
    label = "team"


class TeamMemberRepository(WorkspaceRepository[TeamMember]):
    model = TeamMember
    label = "team member"
