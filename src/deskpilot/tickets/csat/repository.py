from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, func, select

from deskpilot.kit.repository import WorkspaceRepository
from deskpilot.models import SatisfactionSurvey


class SurveyRepository(WorkspaceRepository[SatisfactionSurvey]):
    model = SatisfactionSurvey
    label = "survey"

    def _ordered(self, query: Select[SatisfactionSurvey]) -> Select[SatisfactionSurvey]:
        return query.order_by(SatisfactionSurvey.sent_at.desc(), SatisfactionSurvey.id.desc())

    async def of_ticket(self, ticket_id: str) -> Sequence[SatisfactionSurvey]:
        query = self.select().where(SatisfactionSurvey.ticket_id == ticket_id)
        return (await self.session.scalars(self._ordered(query))).all()

    async def sent_since(self, ticket_id: str, since: datetime) -> SatisfactionSurvey | None:
        query = self.select().where(
            SatisfactionSurvey.ticket_id == ticket_id, SatisfactionSurvey.sent_at >= since
        )
        return (await self.session.scalars(query.limit(1))).first()

    async def of_customer(self, customer_id: str, limit: int) -> Sequence[SatisfactionSurvey]:
        query = self.select().where(SatisfactionSurvey.customer_id == customer_id)
        return (await self.session.scalars(self._ordered(query).limit(limit))).all()

    async def answered_since(
        self, since: datetime, agent_id: str | None
    ) -> Sequence[SatisfactionSurvey]:
        query = self.select().where(
            SatisfactionSurvey.answered_at >= since, SatisfactionSurvey.score.is_not(None)
        )
        if agent_id is not None:
            query = query.where(SatisfactionSurvey.agent_id == agent_id)
        return (await self.session.scalars(query)).all()

    async def sent_count_since(self, since: datetime, agent_id: str | None) -> int:
        query = select(func.count()).where(
            SatisfactionSurvey.workspace_id == self.workspace_id,
            SatisfactionSurvey.sent_at >= since,
        )
        if agent_id is not None:
            query = query.where(SatisfactionSurvey.agent_id == agent_id)
        return int(await self.session.scalar(query) or 0)
