"""Reply templates with variables (to be written by the canned responses work)."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.models import Ticket


def render(template: str, variables: Mapping[str, object]) -> str:
    """``Hello {{ customer.name }}`` with ``{"customer": {"name": "Ann"}}`` -> ``Hello Ann``;
    an unknown variable renders empty, never raises."""
    return template


async def ticket_variables(session: AsyncSession, ticket: Ticket) -> dict[str, object]:
    """The variables a template about ``ticket`` may use: ``customer`` (name, email, phone,
    traits, recent orders...), ``ticket`` (reference, subject, status...), ``agent``."""
    return {}
