"""A query sent to a remote embeddings endpoint carries no personal data."""

from __future__ import annotations

import asyncio

from deskpilot.knowledge.retrieval.embeddings import OpenAICompatible
from tests.support.fakellm import FakeLLM


async def test_queries_leave_with_placeholders_passages_as_written() -> None:
    async with FakeLLM.running() as fake:
        embedder = OpenAICompatible("multilingual-e5-small", fake.base_url, api_key=None)
        await asyncio.to_thread(
            embedder.query, "I am anna@example.com, call +1 415 555 2671 about order #W1234567"
        )
        await asyncio.to_thread(embedder.passages, ["Write to help@shop.example for returns"])
    [query, passages] = [r.body for r in fake.requests if r.path == "/v1/embeddings"]
    assert query["input"] == ["query: I am [EMAIL_1], call [PHONE_1] about order #W1234567"]
    assert passages["input"] == ["passage: Write to help@shop.example for returns"]
