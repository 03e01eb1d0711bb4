"""The bus protocol and the event envelope."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
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


TransactionalListener = Callable[[AsyncSession, BusEvent], None]
"""``listener(session, event)``: called by ``publish_on_commit`` inside the caller's transaction.

The realtime bus is not durable (an event published after commit is lost if the process dies
first). A listener that needs every event for sure writes what it needs (say, a durable job) in
``session``, so that it exists exactly when the data that caused the event committed. Listeners
run synchronously and must not do I/O; whatever they raise propagates to the caller.
"""

_transactional_listeners: list[TransactionalListener] = []


def add_transactional_listener(listener: TransactionalListener) -> None:
    """Call ``listener`` for every event given to ``publish_on_commit`` (once, if added twice)."""
    if listener not in _transactional_listeners:
        _transactional_listeners.append(listener)


def remove_transactional_listener(listener: TransactionalListener) -> None:
    if listener in _transactional_listeners:
        _transactional_listeners.remove(listener)


def publish_on_commit(session: AsyncSession, bus: Bus, event: BusEvent) -> None:
    """Publish ``event`` once ``session`` commits; never if it rolls back.

    Transactional listeners (``add_transactional_listener``) see the event now, in the
    transaction.
    """
    for listener in tuple(_transactional_listeners):
        listener(session, event)

    async def publish() -> None:
        await bus.publish(event)

    on_commit(session, publish)
