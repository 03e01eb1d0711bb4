"""The Redis bus: every process publishes to Redis and delivers what Redis sends back.

One reader task per process holds a pattern subscription and fans events out to the local
subscribers, so a WebSocket on one server sees events published by any other.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import redis.asyncio as redis
from pydantic import ValidationError

from deskpilot.kit.bus.base import BusEvent, Subscription
from deskpilot.kit.bus.memory import Fanout

log = logging.getLogger(__name__)

CHANNEL_PREFIX = "deskpilot:events:"
START_TIMEOUT_SECONDS = 10.0


class RedisBus:
    def __init__(self, url: str) -> None:
        self._client = redis.Redis.from_url(url)
        self._fanout = Fanout()
        self._reader: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    async def start(self) -> None:
        """Return once Redis has confirmed the subscription, so no later event is missed."""
        self._reader = asyncio.create_task(self._read_forever())
        try:
            await asyncio.wait_for(self._ready.wait(), timeout=START_TIMEOUT_SECONDS)
        except BaseException:
            await self.close()
            raise

    async def publish(self, event: BusEvent) -> None:
        await self._client.publish(CHANNEL_PREFIX + event.workspace_id, event.model_dump_json())

    def subscribe(self, workspace_id: str) -> Subscription:
        return self._fanout.add(workspace_id)

    def unsubscribe(self, subscription: Subscription) -> None:
        self._fanout.remove(subscription)

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
            self._reader = None
        await self._client.aclose()

    async def _read_forever(self) -> None:
        while True:
            try:
                async with self._client.pubsub() as pubsub:
                    await pubsub.psubscribe(CHANNEL_PREFIX + "*")
                    async for message in pubsub.listen():
                        self._handle(message)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("redis bus connection lost; reconnecting")
                await asyncio.sleep(1)

    def _handle(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "psubscribe":
            # Sending PSUBSCRIBE is not enough: until Redis confirms it, a PUBLISH from another
            # connection may be processed first and never reach us.
            self._ready.set()
        elif kind == "pmessage":
            try:
                event = BusEvent.model_validate_json(message["data"])
            except ValidationError:  # one bad message must not cost a reconnect (and lost events)
                log.warning("ignored a malformed event on %r", message.get("channel"))
                return
            self._fanout.deliver(event)
