from __future__ import annotations

import pytest

from deskpilot.kit.db import Database
from tests.ai.actions.shop import Shop, create_shop
from tests.factories import Tenant


@pytest.fixture
async def shop(database: Database, tenant: Tenant) -> Shop:
    return await create_shop(database, tenant.workspace_id)
