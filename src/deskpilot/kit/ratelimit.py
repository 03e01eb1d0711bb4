"""Rate limits on a moving window, in process or shared through Redis (the ``limits`` package)."""

from __future__ import annotations

import math
import time

import redis.asyncio as redis
from limits import RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter


class RateLimiter:
    """``amount`` events per ``window_seconds`` for each key.

    With Redis it holds connections: whoever builds it calls ``aclose()`` when done.
    """

    def __init__(self, amount: int, window_seconds: int, redis_url: str | None = None) -> None:
        self._item = RateLimitItemPerSecond(amount, window_seconds)
        # Our own pool, so that aclose() can release its connections (limits never does); limits
        # types its options as scalars, hence the ignore below.
        self._pool = redis.ConnectionPool.from_url(redis_url) if redis_url else None
        storage: Storage = (
            RedisStorage(
                "async+" + str(redis_url),
                implementation="redispy",
                key_prefix="deskpilot:rl",
                connection_pool=self._pool,  # type: ignore[arg-type]
            )
            if self._pool is not None
            else MemoryStorage()
        )
        self._limiter = MovingWindowRateLimiter(storage)

    async def allowed(self, *key: str) -> bool:
        """Whether one more event fits in the window (does not count one)."""
        return bool(await self._limiter.test(self._item, *key))

    async def hit(self, *key: str) -> None:
        await self._limiter.hit(self._item, *key)

    async def retry_after(self, *key: str) -> int:
        stats = await self._limiter.get_window_stats(self._item, *key)
        return max(1, math.ceil(stats.reset_time - time.time()))

    async def clear(self, *key: str) -> None:
        await self._limiter.clear(self._item, *key)

    async def aclose(self) -> None:
        """Close the Redis connections, if any; the in-process limiter holds none."""
        if self._pool is not None:
            await self._pool.aclose()
