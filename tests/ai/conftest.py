"""What the AI tests share: the demo-like shop, a bot-enabled API channel, and customers who
write on it (``tests.ai.test_pipeline.Customer``). A module that needs another channel (a
scripted LLM, a channel that vouches for nobody) defines its own, which takes precedence."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from deskpilot.kit.db import Database
from deskpilot.kit.deps import Resources
from tests.ai.actions.shop import Shop, create_shop
from tests.channels.helpers import create_channel
from tests.factories import Tenant


@pytest.fixture
async def shop(database: Database, tenant: Tenant) -> Shop:
    return await create_shop(database, tenant.workspace_id)


@pytest.fixture
async def channel(client: httpx.AsyncClient, tenant: Tenant) -> dict[str, Any]:
    on = await client.patch(
        "/api/v1/ai/settings", headers=tenant.headers, json={"bot_enabled": True}
    )
    assert on.status_code == 200, on.text
    return await create_channel(client, tenant, "api")


@pytest.fixture
def customer(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources, channel: dict[str, Any]
) -> Any:
    """``customer(external_id, email=None)``: one customer writing on ``channel``."""
    from tests.ai.test_pipeline import Customer

    def make(external_id: str, email: str | None = None) -> Customer:
        return Customer(client, tenant, resources, channel, external_id, email)

    return make
