"""Shared steps for channel tests: a channel over the API, a worker that drains the outbox."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from sqlalchemy import func, select

from deskpilot.kit.db import Database
from deskpilot.kit.deps import Resources
from deskpilot.kit.jobs import JobState, Worker
from deskpilot.kit.jobs.queue import count_by_state
from deskpilot.models import Message
from tests.factories import Tenant


async def create_channel(
    client: httpx.AsyncClient, tenant: Tenant, type_: str, **fields: Any
) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/channels", headers=tenant.headers, json={"type": type_, "name": type_, **fields}
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def worker_for(resources: Resources, *, max_attempts: int = 3) -> Worker:
    return Worker(
        resources.database,
        resources={Resources: resources},
        backoff_seconds=0.01,
        max_attempts=max_attempts,
        poll_seconds=0.01,
    )


async def drain(worker: Worker, within: float = 10.0) -> None:
    """Run jobs until none is queued or running (retries included), within ``timeout``."""

    async def until_settled() -> None:
        while True:
            await worker.run_until_idle()
            async with worker.db.transaction() as session:
                counts = await count_by_state(session)
            if counts[JobState.QUEUED] == 0 and counts[JobState.RUNNING] == 0:
                return
            await asyncio.sleep(0.02)

    await asyncio.wait_for(until_settled(), within)


async def stored_messages(database: Database) -> list[Message]:
    async with database.transaction() as session:
        return list((await session.scalars(select(Message).order_by(Message.created_at))).all())


async def message_count(database: Database) -> int:
    async with database.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(Message)) or 0)


async def reply(client: httpx.AsyncClient, tenant: Tenant, conversation_id: str, text: str) -> None:
    """An agent's reply in the conversation, queued for the outbox."""
    answer = await client.post(
        f"/api/v1/conversations/{conversation_id}/messages",
        headers=tenant.headers,
        json={"text": text},
    )
    assert answer.status_code == 201, answer.text
