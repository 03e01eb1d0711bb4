"""A workspace's own embedding model (its AI settings' ``embedding_model`` on the ``openai``
provider) embeds its articles and ranks its searches, against FakeLLM over real HTTP.

The deployment's embedder is ``none`` in tests, so any vector ranking seen here comes from the
workspace's endpoint. FakeLLM embeds by topic (refunds, shipping), in any language, so a
Russian question finds an English article only through those vectors.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from deskpilot.kit.db import Database
from deskpilot.kit.deps import Resources
from deskpilot.kit.jobs import Job
from deskpilot.knowledge.retrieval.embeddings import EmbeddingUnavailable, OpenAICompatible
from deskpilot.knowledge.schemas import REINDEX_WORKSPACE_JOB
from deskpilot.models import KnowledgeChunk
from tests.ai.test_llm import API_KEY, use_fake_llm
from tests.ai.test_pipeline import Customer, publish
from tests.channels.helpers import create_channel, drain, worker_for
from tests.factories import Tenant
from tests.support.fakellm import FakeLLM

REFUNDS = "Refunds reach your card within five business days of the return."
SHIPPING = "Parcels leave the warehouse within one business day."
QUESTION = "Когда вернут деньги за возврат?"  # no word in common with either article


def by_topic(text: str) -> list[float]:
    lowered = text.lower()
    if "refund" in lowered or "верн" in lowered:
        return [1.0, 0.0, 0.0]
    if "parcel" in lowered or "посылк" in lowered:
        return [0.0, 1.0, 0.0]
    return [0.0, 0.0, 1.0]


@pytest.fixture
async def fake() -> AsyncIterator[FakeLLM]:
    async with FakeLLM.running() as running:
        running.embed_with = by_topic
        yield running


async def own_model(
    client: httpx.AsyncClient, tenant: Tenant, fake: FakeLLM, model: str = "fake-embed"
) -> None:
    await use_fake_llm(client, tenant, fake, embedding_model=model)


async def chunk_models(database: Database, workspace_id: str) -> set[str | None]:
    async with database.transaction() as session:
        found = await session.scalars(
            select(KnowledgeChunk.embedding_model).where(
                KnowledgeChunk.workspace_id == workspace_id
            )
        )
        return set(found)


async def search(
    client: httpx.AsyncClient, tenant: Tenant, q: str = QUESTION, **params: str
) -> httpx.Response:
    return await client.get("/api/v1/kb/search", params={"q": q, **params}, headers=tenant.headers)


async def articles(client: httpx.AsyncClient, tenant: Tenant) -> dict[str, Any]:
    refunds = await publish(client, tenant, title="Refunds", body=REFUNDS)
    shipping = await publish(client, tenant, title="Parcels", body=SHIPPING)
    return {"refunds": refunds["id"], "shipping": shipping["id"]}


async def test_articles_and_searches_are_embedded_by_the_workspace_model(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources, fake: FakeLLM
) -> None:
    await own_model(client, tenant, fake)
    ids = await articles(client, tenant)
    await drain(worker_for(resources))

    assert await chunk_models(resources.database, tenant.workspace_id) == {"openai/fake-embed"}
    passages = [r for r in fake.embedding_requests if REFUNDS in " ".join(r.texts)]
    assert passages
    assert passages[0].headers["authorization"] == f"Bearer {API_KEY}"
    assert passages[0].body["model"] == "fake-embed"

    for mode in ("hybrid", "vector"):
        found = await search(client, tenant, mode=mode)
        assert found.status_code == 200, found.text
        assert found.json()["hits"][0]["article_id"] == ids["refunds"]
    assert any(QUESTION in " ".join(r.texts) for r in fake.embedding_requests)


async def test_the_bot_retrieves_with_the_workspace_model(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources, fake: FakeLLM
) -> None:
    await own_model(client, tenant, fake)
    await articles(client, tenant)
    channel = await create_channel(client, tenant, "api")
    question = "How fast do refunds reach my card?"

    await Customer(client, tenant, resources, channel, "visitor-1").say(question)

    assert any(question in r.texts for r in fake.embedding_requests)


async def test_without_its_own_model_a_cross_lingual_question_finds_nothing(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources, fake: FakeLLM
) -> None:
    """The control: the same articles and question, embedded by the deployment (none here)."""
    await use_fake_llm(client, tenant, fake)  # openai for chat, no embedding model
    await articles(client, tenant)
    await drain(worker_for(resources))

    assert await chunk_models(resources.database, tenant.workspace_id) == {None}
    assert (await search(client, tenant)).json()["hits"] == []
    assert fake.embedding_requests == []


async def test_a_new_model_embeds_every_article_again_and_builtin_goes_back(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources, fake: FakeLLM
) -> None:
    await own_model(client, tenant, fake)
    await articles(client, tenant)
    await drain(worker_for(resources))

    await own_model(client, tenant, fake, model="fake-embed-2")
    await drain(worker_for(resources))
    assert await chunk_models(resources.database, tenant.workspace_id) == {"openai/fake-embed-2"}

    changed = await client.patch(
        "/api/v1/ai/settings", headers=tenant.headers, json={"provider": "builtin"}
    )
    assert changed.status_code == 200, changed.text
    await drain(worker_for(resources))
    assert await chunk_models(resources.database, tenant.workspace_id) == {None}


async def test_a_change_that_keeps_the_model_queues_no_reindex(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources, fake: FakeLLM
) -> None:
    await own_model(client, tenant, fake)
    await drain(worker_for(resources))
    changed = await client.patch(
        "/api/v1/ai/settings",
        headers=tenant.headers,
        json={"chat_model": "fake-llm-2", "handoff_confidence": 0.4},
    )
    assert changed.status_code == 200, changed.text
    async with resources.database.transaction() as session:
        queued = (await session.scalars(select(Job).where(Job.name == REINDEX_WORKSPACE_JOB))).all()
    assert len(queued) == 1  # the first setting only


async def test_with_the_endpoint_down_search_ranks_by_words_and_nothing_is_lost(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources, fake: FakeLLM
) -> None:
    await own_model(client, tenant, fake)
    ids = await articles(client, tenant)
    await drain(worker_for(resources))
    fake.embeddings_status = 503

    by_words = await search(client, tenant, q="refunds card")
    assert by_words.status_code == 200, by_words.text
    assert [hit["article_id"] for hit in by_words.json()["hits"]] == [ids["refunds"]]
    vector_only = await search(client, tenant, mode="vector")
    assert vector_only.status_code == 503
    assert vector_only.json()["error"]["code"] == "service_unavailable"

    # an edit cannot be embedded: its job fails, the published passages stay searchable
    edited = await client.patch(
        f"/api/v1/kb/articles/{ids['refunds']}",
        headers=tenant.headers,
        json={"body": REFUNDS + " Store credit is instant."},
    )
    assert edited.status_code == 200, edited.text
    published = await client.post(
        f"/api/v1/kb/articles/{ids['refunds']}/publish", headers=tenant.headers
    )
    assert published.status_code == 200, published.text
    await drain(worker_for(resources, max_attempts=1))
    assert await chunk_models(resources.database, tenant.workspace_id) == {"openai/fake-embed"}
    again = await search(client, tenant, q="refunds card")
    assert [hit["article_id"] for hit in again.json()["hits"]] == [ids["refunds"]]


async def test_a_failing_endpoint_is_left_alone_after_repeated_failures(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources, fake: FakeLLM
) -> None:
    await own_model(client, tenant, fake)
    await articles(client, tenant)
    await drain(worker_for(resources))
    fake.embeddings_status = 500

    for _ in range(8):
        assert (await search(client, tenant, q="refunds card")).status_code == 200
    # five failures open the breaker; the later searches do not call the endpoint
    queries = [r for r in fake.embedding_requests if "refunds card" in r.texts]
    assert len(queries) == 5


@pytest.mark.parametrize("failure", ["error status", "rows of two widths", "no such host"])
async def test_an_endpoint_that_cannot_embed_raises_embedding_unavailable(
    fake: FakeLLM, failure: str
) -> None:
    url = fake.base_url
    if failure == "error status":
        fake.embeddings_status = 502
    elif failure == "rows of two widths":
        fake.embed_with = lambda text: [1.0] * len(text)
    else:
        url = "http://127.0.0.1:9/v1"  # the discard port: nothing listens
    embedder = OpenAICompatible("fake-embed", url, api_key=None, timeout_seconds=5)

    with pytest.raises(EmbeddingUnavailable):
        await asyncio.to_thread(embedder.passages, ["a refund", "a longer refund"])
