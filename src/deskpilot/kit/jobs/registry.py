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


GiveUpHook = Callable[[JobContext, P, str], Awaitable[None]]
"""``async def on_give_up(ctx, payload, reason)``: runs once when a job is failed for good, in the
transaction that marks it failed (e.g. to show an outbound message as undeliverable). ``reason``
is the last exception's message (``last_error`` also names its type)."""


@dataclass(frozen=True, slots=True)
class JobHandler(Generic[P]):
    name: str
    payload_type: type[P]
    run: Callable[[JobContext, P], Awaitable[None]]
    max_attempts: int | None
    on_give_up: GiveUpHook[P] | None = None


@dataclass(frozen=True, slots=True)
class PeriodicJob:
    name: str
    every_seconds: int


class JobRegistry:
    def __init__(self) -> None:
        self._handlers: dict[str, JobHandler[Any]] = {}
        self._periodic: dict[str, PeriodicJob] = {}

    def handler(
        self,
        name: str,
        payload_type: type[P],
        *,
        max_attempts: int | None = None,
        on_give_up: GiveUpHook[P] | None = None,
    ) -> Callable[
        [Callable[[JobContext, P], Awaitable[None]]], Callable[[JobContext, P], Awaitable[None]]
    ]:
        """Register ``async def run(ctx, payload)`` as the handler of jobs called ``name``.

        ``on_give_up(ctx, payload, reason)``, if given, runs when the job has failed for good
        (attempts used up, or its worker lost too often), in the transaction that marks it
        failed. It is not called for a payload that does not validate.
        """
        if not JOB_NAME.match(name):
            raise ValueError(f"job names are domain.verb in snake case, not {name!r}")

        def register(
            run: Callable[[JobContext, P], Awaitable[None]],
        ) -> Callable[[JobContext, P], Awaitable[None]]:
            if name in self._handlers:
                raise ValueError(f"job {name!r} is registered twice")
            self._handlers[name] = JobHandler(name, payload_type, run, max_attempts, on_give_up)
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
