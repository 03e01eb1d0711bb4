"""The realtime bus: after-commit publishing, workspace isolation, unsubscribe, back-pressure.

Every behaviour is checked on the in-process bus and on the Redis bus (when Redis is up).
Where an event must *not* arrive, a marker event is published afterwards on the same path and
must be the next thing received: that proves the absence without waiting for a timeout.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as redis
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from deskpilot.kit.bus import Bus, BusEvent, InProcessBus, RedisBus, Subscription, publish_on_commit
from deskpilot.kit.bus.redis import CHANNEL_PREFIX
from deskpilot.kit.db import Database
from deskpilot.kit.ids import new_id
from deskpilot.models import Workspace

TIMEOUT = 5.0


def make_event(workspace_id: str, name: str = "test.happened", **data: object) -> BusEvent:
    return BusEvent(name=name, workspace_id=workspace_id, data=dict(data))


async def received(subscription: Subscription) -> BusEvent:
    return await asyncio.wait_for(subscription.queue.get(), TIMEOUT)


@pytest.fixture(params=["memory", "redis"])
async def bus(request: pytest.FixtureRequest, redis_url: str | None) -> AsyncIterator[Bus]:
    instance: Bus
    if request.param == "memory":
        instance = InProcessBus()
    else:
        if redis_url is None:
            pytest.skip("runs with DESKPILOT_TEST_REDIS_URL (make test sets it when Redis is up)")
        instance = RedisBus(redis_url)
    await instance.start()
    try:
        yield instance
    finally:
        await instance.close()


@pytest.fixture
def workspace_id() -> str:
    # Fresh ids: the Redis bus sees every test's (and every other run's) events on this Redis.
    return new_id("ws")


async def test_publish_on_commit_sends_the_event_after_the_commit_not_when_registered(
    bus: Bus, database: Database, workspace_id: str
) -> None:
    subscription = bus.subscribe(workspace_id)
    committed = make_event(workspace_id, "test.committed")
    marker = make_event(workspace_id, "test.marker")
    async with database.transaction() as session:
        publish_on_commit(session, bus, committed)
        await session.execute(text("SELECT 1"))
        await bus.publish(marker)  # sent directly while the transaction is still open

    assert (await received(subscription)).id == marker.id
    assert (await received(subscription)).id == committed.id


async def test_publish_on_commit_never_sends_when_the_transaction_rolls_back(
    bus: Bus, database: Database, workspace_id: str
) -> None:
    subscription = bus.subscribe(workspace_id)
    dropped = make_event(workspace_id, "test.dropped")
    with pytest.raises(RuntimeError, match="undo"):
        async with database.transaction() as session:
            publish_on_commit(session, bus, dropped)
            raise RuntimeError("undo")

    marker = make_event(workspace_id, "test.marker")
    await bus.publish(marker)
    assert (await received(subscription)).id == marker.id
    assert subscription.queue.empty()


async def test_publish_on_commit_never_sends_when_the_commit_itself_fails(
    bus: Bus, database: Database, workspace_id: str
) -> None:
    subscription = bus.subscribe(workspace_id)
    dropped = make_event(workspace_id, "test.dropped")
    slug = f"dup-{new_id('x')[-8:].lower()}"
    with pytest.raises(IntegrityError):
        async with database.transaction() as session:
            # Not flushed here: the unique violation only surfaces inside commit().
            session.add_all([Workspace(slug=slug, name="One"), Workspace(slug=slug, name="Two")])
            publish_on_commit(session, bus, dropped)

    marker = make_event(workspace_id, "test.marker")
    await bus.publish(marker)
    assert (await received(subscription)).id == marker.id
    assert subscription.queue.empty()


async def test_a_subscription_gets_only_its_own_workspaces_events(bus: Bus) -> None:
    ours, theirs = new_id("ws"), new_id("ws")
    our_subscription = bus.subscribe(ours)
    their_subscription = bus.subscribe(theirs)

    their_event = make_event(theirs)
    our_event = make_event(ours)
    await bus.publish(their_event)
    await bus.publish(our_event)

    assert (await received(their_subscription)).id == their_event.id
    # Theirs was published first, so had it leaked it would be first in our queue.
    assert (await received(our_subscription)).id == our_event.id
    assert our_subscription.queue.empty()
    assert their_subscription.queue.empty()


async def test_every_subscriber_of_a_workspace_gets_each_event_in_order(
    bus: Bus, workspace_id: str
) -> None:
    first, second = bus.subscribe(workspace_id), bus.subscribe(workspace_id)
    events = [make_event(workspace_id, n=n) for n in range(3)]
    for event in events:
        await bus.publish(event)

    for subscription in (first, second):
        assert [(await received(subscription)).id for _ in events] == [e.id for e in events]


async def test_unsubscribe_stops_delivery(bus: Bus, workspace_id: str) -> None:
    leaving = bus.subscribe(workspace_id)
    staying = bus.subscribe(workspace_id)
    bus.unsubscribe(leaving)

    event = make_event(workspace_id)
    await bus.publish(event)

    assert (await received(staying)).id == event.id  # delivered to this process's subscribers
    assert leaving.queue.empty()
    bus.unsubscribe(staying)
    bus.unsubscribe(staying)  # a second unsubscribe is harmless


async def test_a_slow_subscribers_full_queue_drops_the_oldest_events_not_the_newest(
    bus: Bus, workspace_id: str
) -> None:
    slow = bus.subscribe(workspace_id)
    capacity = slow.queue.maxsize
    assert capacity > 0
    events = [make_event(workspace_id, n=n) for n in range(capacity + 2)]
    for event in events:
        await bus.publish(event)

    # The bus delivers in order, so once a later event of another workspace has arrived, every
    # event above has been delivered to (or dropped from) the slow subscriber.
    other = new_id("ws")
    witness = bus.subscribe(other)
    done = make_event(other, "test.done")
    await bus.publish(done)
    assert (await received(witness)).id == done.id

    kept = []
    while not slow.queue.empty():
        kept.append(slow.queue.get_nowait())
    assert [e.data["n"] for e in kept] == list(range(2, capacity + 2))


async def test_redis_bus_delivers_events_published_by_another_bus_instance(
    needs_redis: str, workspace_id: str
) -> None:
    publisher, listener = RedisBus(needs_redis), RedisBus(needs_redis)
    await publisher.start()
    await listener.start()
    try:
        subscription = listener.subscribe(workspace_id)
        event = make_event(workspace_id, "test.crossed", text="héllo 你好")
        await publisher.publish(event)

        got = await received(subscription)
        assert got == event
    finally:
        await publisher.close()
        await listener.close()


async def test_redis_bus_skips_a_malformed_message_and_keeps_delivering(
    needs_redis: str, workspace_id: str
) -> None:
    bus = RedisBus(needs_redis)
    await bus.start()
    raw = redis.Redis.from_url(needs_redis)
    try:
        subscription = bus.subscribe(workspace_id)
        await raw.publish(CHANNEL_PREFIX + workspace_id, b"not an event")
        event = make_event(workspace_id)
        await bus.publish(event)

        assert (await received(subscription)).id == event.id
    finally:
        await raw.aclose()
        await bus.close()


def test_event_names_are_domain_dot_verb() -> None:
    assert make_event("ws_1", "conversation.message_received").name == (
        "conversation.message_received"
    )
    for bad in ("updated", "Workspace.Updated", "workspace.updated.twice", "workspace-updated"):
        with pytest.raises(ValidationError):
            make_event("ws_1", bad)
