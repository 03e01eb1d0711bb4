"""FastAPI dependencies of the kit: the request's session and the app's resources.

The lifespan puts one ``Resources`` on ``app.state.resources``; nothing connects at import time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

import httpx
from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import HTTPConnection

from deskpilot.kit.bus import Bus
from deskpilot.kit.crypto import SecretBox
from deskpilot.kit.db import Database
from deskpilot.kit.ratelimit import RateLimiter
from deskpilot.kit.storage import FileStore


@dataclass(slots=True)
class Resources:
    database: Database
    bus: Bus
    secret_box: SecretBox
    login_limiter: RateLimiter
    files: FileStore
    http: httpx.AsyncClient  # outbound calls: channel APIs, callbacks, webhooks
    public_url: str = "http://127.0.0.1:8000"  # where customers reach us: links we send them


def get_resources(connection: HTTPConnection) -> Resources:
    resources: Resources = connection.app.state.resources
    return resources


async def get_session(connection: HTTPConnection) -> AsyncIterator[AsyncSession]:
    """The request's transaction: committed when the endpoint returns, rolled back if it raises."""
    async with get_resources(connection).database.transaction() as session:
        yield session


ResourcesDep = Annotated[Resources, Depends(get_resources)]
# scope="function": the transaction commits before the response is sent, so a client never
# gets a 2xx for data that failed to commit (the default scope closes after sending).
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
