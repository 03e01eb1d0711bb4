"""A delivery exists iff the data behind its event committed: the fan-out is a durable job
written in the same transaction, not a reaction to the (non-durable) realtime bus."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.channels import service as channels
from deskpilot.conversations.intake import InboundMessage, receive
from deskpilot.customers.service import SenderHandle
from deskpilot.kit.bus import (
    BusEvent,
    InProcessBus,
    add_transactional_listener,
    publish_on_commit,
    remove_transactional_listener,
)
from deskpilot.kit.db import Base, Database
from deskpilot.kit.deps import Resources
from deskpilot.kit.jobs import Job
from deskpilot.models import WebhookDelivery
from deskpilot.webhooks.service import DISPATCH_JOB
from tests.channels.helpers import create_channel, drain, worker_for
from tests.factories import Tenant
from tests.webhooks.helpers import Receiver, create_webhook


async def _count(database: Database, table: type[Base]) -> int:
    async with database.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(table)) or 0)


async def _receive(
    resources: Resources, session: AsyncSession, tenant: Tenant, channel_id: str
) -> None:
    channel = await channels.get_channel(session, tenant.workspace_id, channel_id)
    await receive(
        session,
        resources.bus,
        resources.files,
        channel,
        InboundMessage(sender=SenderHandle("crm-1", name="Ada"), text="hi", external_id="x-1"),
    )


async def test_a_rolled_back_transaction_sends_nothing_and_a_committed_one_does(
    client: httpx.AsyncClient,
    tenant: Tenant,
    resources: Resources,
    database: Database,
    receiver: Receiver,
) -> None:
    await create_webhook(client, tenant, receiver.url("crm"), events=["message.created"])
    channel = await create_channel(client, tenant, "api")

    with pytest.raises(RuntimeError, match="changed my mind"):
        async with database.transaction() as session:
            await _receive(resources, session, tenant, channel["id"])
            raise RuntimeError("changed my mind")
    await drain(worker_for(resources))
    assert receiver.requests == []
    assert await _count(database, WebhookDelivery) == 0
    async with database.transaction() as session:
        dispatches = await session.scalar(
            select(func.count()).select_from(Job).where(Job.name == DISPATCH_JOB)
        )
    assert dispatches == 0

    async with database.transaction() as session:
        await _receive(resources, session, tenant, channel["id"])
    await drain(worker_for(resources))
    assert [r.event for r in receiver.requests] == ["message.created"]
    assert await _count(database, WebhookDelivery) == 1


async def test_the_fan_out_is_queued_in_the_transaction_before_the_bus_sees_the_event(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources, database: Database
) -> None:
    """Published after commit, the realtime event could be lost with the process; the job
    cannot: it is already a row when the transaction commits."""
    silent = InProcessBus()  # a bus that no one listens to: webhooks must not depend on it
    async with database.transaction() as session:
        publish_on_commit(
            session,
            silent,
            BusEvent(name="workspace.updated", workspace_id=tenant.workspace_id),
        )
        pending = [o for o in session.new if isinstance(o, Job)]
        assert [job.name for job in pending] == [DISPATCH_JOB]
    async with database.transaction() as session:
        stored = (await session.scalars(select(Job).where(Job.name == DISPATCH_JOB))).one()
    assert stored.workspace_id == tenant.workspace_id
    assert stored.payload["event"]["name"] == "workspace.updated"


@pytest.fixture
def seen() -> Iterator[list[tuple[AsyncSession, BusEvent]]]:
    calls: list[tuple[AsyncSession, BusEvent]] = []

    def listener(session: AsyncSession, event: BusEvent) -> None:
        calls.append((session, event))

    add_transactional_listener(listener)
    add_transactional_listener(listener)  # added twice, called once
    try:
        yield calls
    finally:
        remove_transactional_listener(listener)


async def test_transactional_listeners_are_called_in_the_publishers_transaction(
    database: Database, tenant: Tenant, seen: list[tuple[AsyncSession, BusEvent]]
) -> None:
    event = BusEvent(name="test.happened", workspace_id=tenant.workspace_id)
    async with database.transaction() as session:
        publish_on_commit(session, InProcessBus(), event)
        assert seen == [(session, event)]
