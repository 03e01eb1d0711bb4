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

from deskpilot.ai.llm import embeds_with_own_model
from deskpilot.ai.providers.openai_compatible import DEFAULT_BASE_URL
from deskpilot.kit.db import Database
from deskpilot.kit.deps import Resources
from deskpilot.kit.jobs import Job, enqueue
from deskpilot.knowledge.retrieval.embeddings import EmbeddingUnavailable, OpenAICompatible
from deskpilot.knowledge.schemas import REINDEX_WORKSPACE_JOB
from deskpilot.models import AISettings, KnowledgeChunk
from tests.ai.test_llm import API_KEY, use_fake_llm
from tests.ai.test_pipeline import Customer
from tests.channels.helpers import create_channel, drain, worker_for
from tests.factories import Tenant
from tests.knowledge.helpers import publish
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


def name_of(fake: FakeLLM, model: str = "fake-embed") -> str:
    """The name chunks carry when ``model`` at ``fake`` embedded them."""
    return OpenAICompatible(model, fake.base_url, api_key=None).name


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


@pytest.fixture
async def indexed(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources, fake: FakeLLM
) -> dict[str, Any]:
    """The workspace on its own model, both articles published and embedded: their ids."""
    await own_model(client, tenant, fake)
    ids = await articles(client, tenant)
    await drain(worker_for(resources))
    return ids


async def test_articles_and_searches_are_embedded_by_the_workspace_model(
    client: httpx.AsyncClient,
    tenant: Tenant,
    resources: Resources,
    fake: FakeLLM,
    indexed: dict[str, Any],
) -> None:
    ids = indexed

    assert await chunk_models(resources.database, tenant.workspace_id) == {name_of(fake)}
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


async def test_the_customers_own_details_never_reach_the_embedding_endpoint(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources, fake: FakeLLM
) -> None:
    """A name and a zip are found by no pattern: the ones the customer states are hidden
    from the endpoint as from the chat model."""
    await own_model(client, tenant, fake)
    await articles(client, tenant)
    channel = await create_channel(client, tenant, "api")

    await Customer(client, tenant, resources, channel, "visitor-2").say(
        "Hi, I am Johnathan Whitfield, zip 90210. When do refunds reach my card?"
    )

    sent = " ".join(text for r in fake.embedding_requests for text in r.texts)
    assert "When do refunds reach my card?" in sent
    assert "Whitfield" not in sent
    assert "90210" not in sent


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
    client: httpx.AsyncClient,
    tenant: Tenant,
    resources: Resources,
    fake: FakeLLM,
    indexed: dict[str, Any],
) -> None:
    await own_model(client, tenant, fake, model="fake-embed-2")
    await drain(worker_for(resources))
    assert await chunk_models(resources.database, tenant.workspace_id) == {
        name_of(fake, "fake-embed-2")
    }

    changed = await client.patch(
        "/api/v1/ai/settings", headers=tenant.headers, json={"provider": "builtin"}
    )
    assert changed.status_code == 200, changed.text
    await drain(worker_for(resources))
    assert await chunk_models(resources.database, tenant.workspace_id) == {None}


async def test_with_the_endpoint_down_search_ranks_by_words(
    client: httpx.AsyncClient,
    tenant: Tenant,
    resources: Resources,
    fake: FakeLLM,
    indexed: dict[str, Any],
) -> None:
    ids = indexed
    fake.embeddings_status = 503

    by_words = await search(client, tenant, q="refunds card")
    assert by_words.status_code == 200, by_words.text
    assert [hit["article_id"] for hit in by_words.json()["hits"]] == [ids["refunds"]]
    vector_only = await search(client, tenant, mode="vector")
    assert vector_only.status_code == 503
    assert vector_only.json()["error"]["code"] == "service_unavailable"
    assert API_KEY not in vector_only.text


async def test_changes_made_while_the_endpoint_is_down_reach_the_index_at_once(
    client: httpx.AsyncClient,
    tenant: Tenant,
    resources: Resources,
    fake: FakeLLM,
    indexed: dict[str, Any],
) -> None:
    """The passages follow the published version without vectors, and get their vectors
    back from ``knowledge.embed_missing`` once the endpoint answers."""
    ids = indexed
    fake.embeddings_status = 503

    corrected = REFUNDS.replace("five", "three")
    edited = await client.patch(
        f"/api/v1/kb/articles/{ids['refunds']}", headers=tenant.headers, json={"body": corrected}
    )
    assert edited.status_code == 200, edited.text
    url = f"/api/v1/kb/articles/{ids['refunds']}/publish"
    assert (await client.post(url, headers=tenant.headers)).status_code == 200
    hidden = await client.patch(
        f"/api/v1/kb/articles/{ids['shipping']}",
        headers=tenant.headers,
        json={"visibility": "internal"},
    )
    assert hidden.status_code == 200, hidden.text
    await drain(worker_for(resources, max_attempts=1))

    found = (await search(client, tenant, q="refunds card")).json()["hits"]
    assert [hit["text"] for hit in found] == [corrected]
    public = await search(client, tenant, q="parcels warehouse", visibility="public")
    assert public.json()["hits"] == []
    assert await chunk_models(resources.database, tenant.workspace_id) == {None}

    fake.embeddings_status = 200
    async with resources.database.transaction() as session:
        enqueue(session, "knowledge.embed_missing")
    await drain(worker_for(resources))
    assert await chunk_models(resources.database, tenant.workspace_id) == {name_of(fake)}
    again = await search(client, tenant, mode="vector")
    assert again.json()["hits"][0]["article_id"] == ids["refunds"]


async def test_another_endpoints_model_of_the_same_name_is_not_mixed_in(
    client: httpx.AsyncClient,
    tenant: Tenant,
    resources: Resources,
    fake: FakeLLM,
    indexed: dict[str, Any],
) -> None:
    ids = indexed
    async with FakeLLM.running() as elsewhere:  # "fake-embed" there is another model
        elsewhere.embed_with = lambda text: (
            [0.0, 0.0, 1.0] if "верн" in text or "Parcel" in text else [0.0, 1.0, 0.0]
        )
        await use_fake_llm(client, tenant, elsewhere, embedding_model="fake-embed")

        before = await search(client, tenant, mode="vector")
        assert before.json()["hits"] == []  # no query of its ranks the other endpoint's vectors
        await drain(worker_for(resources))
        models = await chunk_models(resources.database, tenant.workspace_id)
        assert models == {name_of(elsewhere)} != {name_of(fake)}
        after = await search(client, tenant, mode="vector")
        assert after.json()["hits"][0]["article_id"] == ids["shipping"]


async def test_a_slow_endpoint_holds_up_no_other_request(
    client: httpx.AsyncClient,
    tenant: Tenant,
    other_tenant: Tenant,
    resources: Resources,
    fake: FakeLLM,
    indexed: dict[str, Any],
) -> None:
    """On SQLite a transaction holds the database's one writer: a search waiting for the
    workspace's endpoint must not be inside one."""
    fake.embeddings_gate = asyncio.Event()
    fake.embedding_arrived.clear()
    searching = asyncio.create_task(search(client, tenant))
    await asyncio.wait_for(fake.embedding_arrived.wait(), 10)
    assert QUESTION in fake.embedding_requests[-1].texts

    other = await asyncio.wait_for(
        client.get("/api/v1/kb/articles", headers=other_tenant.headers), 10
    )
    help_page = await asyncio.wait_for(client.get(f"/help/{tenant.slug}"), 10)

    assert other.status_code == 200
    assert help_page.status_code == 200
    assert not searching.done()
    fake.embeddings_gate.set()
    assert (await searching).status_code == 200


async def test_a_change_that_keeps_the_embedder_re_embeds_nothing(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources, fake: FakeLLM
) -> None:
    """The chat model, the thresholds, a trailing slash, the key: the vectors stay valid."""
    await own_model(client, tenant, fake)
    await drain(worker_for(resources))
    changed = await client.patch(
        "/api/v1/ai/settings",
        headers=tenant.headers,
        json={
            "chat_model": "fake-llm-2",
            "handoff_confidence": 0.4,
            "base_url": fake.base_url + "/",
        },
    )
    assert changed.status_code == 200, changed.text
    rotated = await client.put(
        "/api/v1/workspace/secrets/llm_api_key", headers=tenant.headers, json={"value": "sk-2"}
    )
    assert rotated.status_code == 200, rotated.text
    async with resources.database.transaction() as session:
        queued = (await session.scalars(select(Job).where(Job.name == REINDEX_WORKSPACE_JOB))).all()
    assert len(queued) == 1  # the first setting only


async def test_a_failing_endpoint_is_left_alone_after_repeated_failures(
    client: httpx.AsyncClient,
    tenant: Tenant,
    resources: Resources,
    fake: FakeLLM,
    indexed: dict[str, Any],
) -> None:
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


def test_an_empty_base_url_is_the_providers_default_endpoint() -> None:
    """Writing out the default URL (or leaving it out again) re-embeds nothing."""

    def identity(base_url: str | None) -> str | None:
        settings = AISettings(provider="openai", base_url=base_url, embedding_model="m")
        return embeds_with_own_model(settings)

    assert identity(None) == identity(DEFAULT_BASE_URL) == identity(DEFAULT_BASE_URL + "/")
    assert identity("http://127.0.0.1:9/v1") != identity(None)
    assert embeds_with_own_model(AISettings(provider="builtin", embedding_model="m")) is None
