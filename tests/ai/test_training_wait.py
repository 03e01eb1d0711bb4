"""A message that arrives while its workspace's classifier retrains waits for it without
holding the database: other writes go on meanwhile (on SQLite one transaction holds the only
write lock from its first statement)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from deskpilot.ai import service
from deskpilot.ai.pipeline import handle_message
from deskpilot.kit.db import Database
from deskpilot.kit.deps import Resources
from deskpilot.models import Message, Workspace
from tests.channels.helpers import create_channel
from tests.factories import Tenant

INTENT = "umbrella_loans"  # a taxonomy no other test trains: trained ones are remembered


async def test_a_message_waits_for_a_retraining_outside_its_transaction(
    client: httpx.AsyncClient,
    tenant: Tenant,
    database: Database,
    resources: Resources,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fitting, release = threading.Event(), threading.Event()
    fit = service._fit

    def slow_fit(intents: Sequence[Any]) -> service.Taxonomy:
        if any(i.name == INTENT for i in intents):
            fitting.set()
            assert release.wait(30)
        return fit(intents)

    monkeypatch.setattr(service, "_fit", slow_fit)
    channel = await create_channel(client, tenant, "api")
    sent = await client.post(
        f"/api/v1/channels/{channel['id']}/inbound",
        headers=tenant.headers,
        json={"external_id": "m-1", "sender": {"external_id": "c-1"}, "text": "Hello"},
    )
    assert sent.status_code in (200, 201, 202), sent.text
    edited = await client.post(
        "/api/v1/ai/intents",
        headers=tenant.headers,
        json={"name": INTENT, "handling": "handoff", "examples": ["lend me an umbrella"]},
    )
    assert edited.status_code == 201, edited.text
    assert await asyncio.to_thread(fitting.wait, 30)  # the retraining is under way
    async with database.transaction() as session:
        message_id = await session.scalar(select(Message.id).where(Message.text == "Hello"))
    assert message_id is not None

    async def run_pipeline() -> Any:
        async with database.transaction() as session:
            return await handle_message(session, resources, tenant.workspace_id, message_id)

    pipeline = asyncio.create_task(run_pipeline())
    try:
        await asyncio.sleep(0.2)  # the pipeline is waiting for the training by now
        async with asyncio.timeout(10), database.transaction() as session:
            session.add(Workspace(slug="meanwhile", name="Meanwhile"))  # not blocked
        assert not pipeline.done()
    finally:
        release.set()
    handled = await asyncio.wait_for(pipeline, 60)
    assert handled is not None
    assert handled.understanding.intent is not None or handled.understanding.out_of_scope
