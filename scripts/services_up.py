"""Exit 0 when the PostgreSQL and Redis servers named on the command line answer, else 1."""

from __future__ import annotations

import asyncio
import sys

import asyncpg
import redis.asyncio as redis
from sqlalchemy.engine import make_url


async def reachable(database_url: str, redis_url: str) -> bool:
    try:
        url = make_url(database_url).set(drivername="postgresql")
        connection = await asyncio.wait_for(asyncpg.connect(url.render_as_string(False)), 5)
        await connection.close()
        client = redis.Redis.from_url(redis_url, socket_connect_timeout=5)
        await client.ping()
        await client.aclose()
    except Exception as exc:
        print(f"not reachable: {type(exc).__name__}: {exc}", file=sys.stderr)
        return False
    return True


if __name__ == "__main__":
    sys.exit(0 if asyncio.run(reachable(sys.argv[1], sys.argv[2])) else 1)
