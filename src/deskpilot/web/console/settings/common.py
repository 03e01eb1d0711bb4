"""What every settings page shares: admins only, and the settings sub-navigation."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response

from deskpilot.web.console.context import Console
from deskpilot.web.console.pages import render

# (area, key of its name in the catalog); each is a page at /settings/<area>
AREAS: tuple[tuple[str, str], ...] = (
    ("channels", "settings.nav.channels"),
    ("ai", "settings.nav.ai"),
    ("team", "settings.nav.team"),
    ("sla", "settings.nav.sla"),
    ("rules", "settings.nav.rules"),
    ("webhooks", "settings.nav.webhooks"),
    ("keys", "settings.nav.keys"),
)


def settings_page(request: Request, ctx: Console, area: str, **data: Any) -> Response:
    """The area's template (``console/settings/<area>.html``) with the sub-navigation."""
    return render(request, ctx, f"console/settings/{area}.html", areas=AREAS, area=area, **data)
