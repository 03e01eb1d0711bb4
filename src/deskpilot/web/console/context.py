"""Who is looking at a console page, in which workspace, and how they like it shown."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.auth import users
from deskpilot.auth.dependencies import identify
from deskpilot.kit.languages import from_accept_language
from deskpilot.models import Role, User, Workspace
from deskpilot.web.console.i18n import DEFAULT, LANGUAGES, Translator, translator
from deskpilot.workspaces.service import get_workspace

PREFERENCES_COOKIE = "deskpilot_console"
THEMES = ("system", "light", "dark")
FONT_SIZES = ("s", "m", "l", "xl")


@dataclass(frozen=True, slots=True)
class Preferences:
    """The agent's choices, kept in a cookie: ``language.theme.font`` (``zh.dark.l``)."""

    language: str = DEFAULT
    theme: str = "system"
    font: str = "m"

    @classmethod
    def parse(cls, cookie: str | None, accept_language: str | None = None) -> Preferences:
        parts = (cookie or "").split(".")
        if len(parts) == 3:
            language, theme, font = parts
            if language in LANGUAGES and theme in THEMES and font in FONT_SIZES:
                return cls(language, theme, font)
        return cls(language=from_accept_language(accept_language, LANGUAGES) or DEFAULT)

    def cookie(self) -> str:
        return f"{self.language}.{self.theme}.{self.font}"


@dataclass(frozen=True, slots=True)
class Console:
    """Everything a console page needs about its viewer (``ctx`` in the templates)."""

    user: User
    workspace: Workspace
    role: Role
    csrf_token: str
    preferences: Preferences
    t: Translator = field(repr=False)

    @property
    def language(self) -> str:
        return self.preferences.language

    def can(self, role: str) -> bool:
        """Whether the viewer's role is at least ``role`` (``agent``, ``admin``...)."""
        return self.role.at_least(Role(role))


async def console_of(request: Request, session: AsyncSession) -> Console | None:
    """The signed-in member looking at this page, or None (the page sends them to /login).

    Only a browser session counts: an API key is not someone looking at a page."""
    principal = await identify(request, session)
    if principal is None or principal.via != "session" or principal.user_id is None:
        return None
    user = await users.get_user(session, principal.user_id)
    if user is None or principal.csrf_token is None:
        return None
    workspace = await get_workspace(session, principal.workspace_id)
    preferences = Preferences.parse(
        request.cookies.get(PREFERENCES_COOKIE), request.headers.get("accept-language")
    )
    return Console(
        user=user,
        workspace=workspace,
        role=principal.role,
        csrf_token=principal.csrf_token,
        preferences=preferences,
        t=translator(preferences.language),
    )
