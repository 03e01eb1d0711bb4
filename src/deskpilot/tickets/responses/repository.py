"""The only SQL of canned responses."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, or_

from deskpilot.kit.repository import WorkspaceRepository
from deskpilot.models import CannedResponse


class CannedResponseRepository(WorkspaceRepository[CannedResponse]):
    model = CannedResponse
    label = "canned response"

    async def search(self, q: str | None, limit: int) -> Sequence[CannedResponse]:
        """By shortcut first, then title; ``q`` matches either, case-insensitively."""
        query = self.select()
        if q:
            pattern = (
                "%" + q.lower().replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "%"
            )
            query = query.where(
                or_(
                    func.lower(CannedResponse.shortcut).like(pattern, escape="\\"),
                    func.lower(CannedResponse.title).like(pattern, escape="\\"),
                )
            )
        return await self.all(query.order_by(CannedResponse.shortcut).limit(limit))

    async def by_shortcut(self, shortcut: str) -> CannedResponse | None:
        query = self.select().where(CannedResponse.shortcut == shortcut)
        return (await self.session.scalars(query)).one_or_none()
