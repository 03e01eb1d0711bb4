"""Who is calling: a signed-in user or an API key, in one workspace, with one role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from deskpilot.models import Role


@dataclass(frozen=True, slots=True)
class Principal:
    workspace_id: str
    role: Role
    via: Literal["session", "api_key"]
    user_id: str | None = None
    api_key_id: str | None = None
    web_session_id: str | None = None
    csrf_token: str | None = None

    @property
    def actor(self) -> str:
        """What the audit trail names: the user, or the API key."""
        return self.user_id or self.api_key_id or "unknown"
