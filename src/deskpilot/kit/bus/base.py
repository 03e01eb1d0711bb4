"""The bus protocol and the event envelope."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, Protocol

from pydantic import BaseModel, Field, field_validator
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.clock import utcnow
from deskpilot.kit.db import on_commit
from deskpilot.kit.ids import new_id

EVENT_NAME = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")


class BusEvent(BaseModel):
    """One realtime event, named ``domain.verb``, for the clients of one workspace."""

    id: str = Field(default_factory=lambda: new_id("evt"))
    name: str
    workspace_id: str
    data: dict[str, Any] = Field(default_factory=dict)
    occurred_at: datetime = Field(default_factory=utcnow)

    @field_validator("name")
    @classmethod
    def _domain_verb(cls, value: str) -> str:
        if not EVENT_NAME.match(value):
            raise ValueError("event names are domain.verb in snake case")
        return value


class Subscription:
    """Events of one workspace, delivered in order, from ``Bus.subscribe``.

    Iterate it to receive; hand it back to ``Bus.unsubscribe`` when done (in a ``finally``).
    """

    def __init__(self, workspace_id: str, maxsize: int = 1000) -> None:
        self.workspace_id = workspace_id
        self.queue: asyncio.Queue[BusEvent] = asyncio.Queue(maxsize)

    def deliver(self, event: BusEvent) -> None:
        if self.queue.full():  # a client that stopped reading loses the oldest, not the newest
            self.queue.get_nowait()
        self.queue.put_nowait(event)

    async def __aiter__(self) -> AsyncIterator[BusEvent]:
        while True:
            yield await self.queue.get()


class Bus(Protocol):
    async def start(self) -> None: ...

    async def publish(self, event: BusEvent) -> None: ...

    def subscribe(self, workspace_id: str) -> Subscription: ...

    def unsubscribe(self, subscription: Subscription) -> None: ...

    async def close(self) -> None: ...


def publish_on_commit(session: AsyncSession, bus: Bus, event: BusEvent) -> None:
    """Publish ``event`` once ``session`` commits; never if it rolls back."""

    async def publish() -> None:
        await bus.publish(event)

    on_commit(session, publish)
