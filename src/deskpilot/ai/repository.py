"""All the SQL of the AI engine: settings, intents, conversation state and runs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select

from deskpilot.kit.repository import WorkspaceRepository
from deskpilot.models import AIConversationState, AIIntent, AIRun, AISettings


class SettingsRepository(WorkspaceRepository[AISettings]):
    model = AISettings
    label = "AI settings"

    async def current(self) -> AISettings | None:
        return (await self.session.scalars(self.select())).one_or_none()


class IntentRepository(WorkspaceRepository[AIIntent]):
    model = AIIntent
    label = "intent"

    async def ordered(self) -> Sequence[AIIntent]:
        return (await self.session.scalars(self.select().order_by(AIIntent.name))).all()

    async def by_name(self, name: str) -> AIIntent | None:
        query = self.select().where(AIIntent.name == name)
        return (await self.session.scalars(query)).one_or_none()

    async def fingerprint(self) -> tuple[int, datetime | None]:
        """Changes whenever an intent is added, edited or deleted (for the classifier cache)."""
        query = select(func.count(), func.max(AIIntent.updated_at)).where(
            AIIntent.workspace_id == self.workspace_id
        )
        count, newest = (await self.session.execute(query)).one()
        return int(count), newest


class StateRepository(WorkspaceRepository[AIConversationState]):
    model = AIConversationState

    async def of_conversation(self, conversation_id: str) -> AIConversationState | None:
        query = self.select().where(AIConversationState.conversation_id == conversation_id)
        return (await self.session.scalars(query)).one_or_none()


class RunRepository(WorkspaceRepository[AIRun]):
    model = AIRun
    label = "AI run"

    async def of_message(self, message_id: str) -> Sequence[AIRun]:
        query = self.select().where(AIRun.message_id == message_id).order_by(AIRun.created_at)
        return (await self.session.scalars(query)).all()

    async def of_conversation(self, conversation_id: str, limit: int) -> Sequence[AIRun]:
        query = (
            self.select()
            .where(AIRun.conversation_id == conversation_id)
            .order_by(AIRun.created_at.desc(), AIRun.id.desc())
            .limit(limit)
        )
        return (await self.session.scalars(query)).all()
