from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.servers import serve_app
from tests.webhooks.helpers import Receiver


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    """The business's endpoint: a real HTTP server on loopback."""
    stand_in = Receiver()
    async with serve_app(stand_in.app) as address:
        stand_in.base = f"http://{address}"
        yield stand_in
