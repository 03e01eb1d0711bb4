"""Job handlers and periodic jobs, registered by name (``domain.verb``)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

P = TypeVar("P", bound=BaseModel)
T = TypeVar("T")

JOB_NAME = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")


class NoPayload(BaseModel):
    """Payload of jobs that need none (periodic jobs)."""


@dataclass(frozen=True, slots=True)
class JobContext:
    """What a handler gets besides its payload: its own transaction and the app's resources."""

    session: AsyncSession
    job_id: str
    workspace_id: str | None
    attempt: int
    resources: dict[type, object] = field(default_factory=dict)

    def resource(self, kind: type[T]) -> T:
        """The app resource of this type (settings, bus, ...) that the worker was given."""
        value = self.resources.get(kind)
        if not isinstance(value, kind):
            raise LookupError(f"no {kind.__name__} was given to the worker")
        return value


@dataclass(frozen=True, slots=True)
class JobHandler(Generic[P]):
    name: str
    payload_type: type[P]
    run: Callable[[JobContext, P], Awaitable[None]]
    max_attempts: int | None


@dataclass(frozen=True, slots=True)
class PeriodicJob:
    name: str
    every_seconds: int


class JobRegistry:
    def __init__(self) -> None:
        self._handlers: dict[str, JobHandler[Any]] = {}
        self._periodic: dict[str, PeriodicJob] = {}

    def handler(
        self, name: str, payload_type: type[P], *, max_attempts: int | None = None
    ) -> Callable[
        [Callable[[JobContext, P], Awaitable[None]]], Callable[[JobContext, P], Awaitable[None]]
    ]:
        """Register ``async def run(ctx, payload)`` as the handler of jobs called ``name``."""
        if not JOB_NAME.match(name):
            raise ValueError(f"job names are domain.verb in snake case, not {name!r}")

        def register(
            run: Callable[[JobContext, P], Awaitable[None]],
        ) -> Callable[[JobContext, P], Awaitable[None]]:
            if name in self._handlers:
                raise ValueError(f"job {name!r} is registered twice")
            self._handlers[name] = JobHandler(name, payload_type, run, max_attempts)
            return run

        return register

    def periodic(
        self, name: str, every_seconds: int
    ) -> Callable[
        [Callable[[JobContext, NoPayload], Awaitable[None]]],
        Callable[[JobContext, NoPayload], Awaitable[None]],
    ]:
        """Register a handler that runs once every ``every_seconds`` across all workers."""
        if every_seconds < 1:
            raise ValueError("every_seconds must be at least 1")
        register = self.handler(name, NoPayload)

        def register_periodic(
            run: Callable[[JobContext, NoPayload], Awaitable[None]],
        ) -> Callable[[JobContext, NoPayload], Awaitable[None]]:
            self._periodic[name] = PeriodicJob(name, every_seconds)
            return register(run)

        return register_periodic

    def get(self, name: str) -> JobHandler[Any] | None:
        return self._handlers.get(name)

    @property
    def periodic_jobs(self) -> list[PeriodicJob]:
        return list(self._periodic.values())


default_registry = JobRegistry()
"""The registry that domain ``tasks.py`` modules register into and ``deskpilot serve`` runs."""
