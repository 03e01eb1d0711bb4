"""Fixtures for the provider tests: a running FakeLLM, recorded sleeps, a manual clock."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.ai.providers.helpers import ManualClock, Sleeps
from tests.support.fakellm import FakeLLM


@pytest.fixture
async def fake() -> AsyncIterator[FakeLLM]:
    async with FakeLLM.running() as server:
        yield server


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()
