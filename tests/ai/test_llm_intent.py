"""The LLM's second opinion on the intent, against FakeLLM over real HTTP: asked only when the
classifier is unsure and a provider is configured, with redacted text; its valid answer
decides, anything else leaves the classifier's answer."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from deskpilot.ai.llm_intent import INTENT_PROMPT, LLMIntentResolver, parse_answer, spread_examples
from deskpilot.ai.providers import ChatRequest, ChatResponse, CircuitOpen
from deskpilot.ai.understanding.annotate import IntentOption, ResolvedIntent
from deskpilot.kit.deps import Resources
from deskpilot.kit.pii import Redactor
from tests.ai.test_llm import use_fake_llm
from tests.ai.test_pipeline import Customer
from tests.channels.helpers import create_channel
from tests.factories import Tenant
from tests.support.fakellm import FakeLLM, Reply

# the classifier reads this as out of scope (confidence about 0.15)
UNSURE = "About that thing from last week: write to jo.smith@example.com or +1 415 555 0100"
SURE = "Hello there!"  # greeting, confidence above 0.99


@pytest.fixture
async def fake() -> AsyncIterator[FakeLLM]:
    async with FakeLLM.running() as running:
        yield running


async def visitor(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources, name: str
) -> Customer:
    channel = await create_channel(client, tenant, "api")
    return Customer(client, tenant, resources, channel, name)


async def inbound_annotations(customer: Customer) -> dict[str, Any]:
    listed = await customer.client.get(
        f"/api/v1/conversations/{customer.conversation_id}/messages",
        headers=customer.tenant.headers,
    )
    inbound = [m for m in listed.json()["items"] if m["sender_type"] == "customer"]
    annotations: dict[str, Any] = inbound[-1]["annotations"]
    return annotations


def intent_requests(fake: FakeLLM) -> list[list[dict[str, Any]]]:
    """The messages of every intent request the server saw."""
    found = []
    for request in fake.chat_requests:
        assert isinstance(request.body, dict)
        messages: list[dict[str, Any]] = request.body["messages"]
        if messages[0]["content"] == INTENT_PROMPT:
            found.append(messages)
    return found


async def test_an_unsure_classifier_asks_the_llm_with_redacted_text_and_uses_its_intent(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources, fake: FakeLLM
) -> None:
    await use_fake_llm(client, tenant, fake)
    fake.script(Reply.text(json.dumps({"intent": "delivery_problem", "confidence": 0.9})))
    customer = await visitor(client, tenant, resources, "unsure-1")
    replies = await customer.say(UNSURE)
    (messages,) = intent_requests(fake)
    sent = " ".join(fake.chat_requests[0].texts)
    assert "jo.smith@example.com" not in sent
    assert "555 0100" not in sent
    assert messages[-1] == {
        "role": "user",
        "content": "About that thing from last week: write to [EMAIL_1] or [PHONE_1]",
    }
    taxonomy = messages[1]["content"]
    assert "- billing: " in taxonomy
    assert "- order_status: " in taxonomy
    assert taxonomy.count("e.g.") == 12 * 3
    # the LLM's intent decided: delivery problems are handled by people
    (run,) = await customer.runs()
    assert run["intent"] == "delivery_problem"
    assert run["confidence"] == pytest.approx(0.9)
    assert run["decision"] == "handoff"
    assert run["reason"].startswith("intent delivery_problem is handled by people")
    assert "[intent from the LLM; classifier: out of scope]" in run["reason"]
    assert "jo.smith@example.com" not in run["input_redacted"]
    annotations = await inbound_annotations(customer)
    assert annotations["intent"] == "delivery_problem"
    assert annotations["intent_source"] == "llm"
    assert annotations["classifier_intent"] is None
    assert annotations["out_of_scope"] is False
    assert replies  # the hand-off notice
    assert fake.unscripted == 0


async def test_a_confident_classifier_does_not_ask(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources, fake: FakeLLM
) -> None:
    await use_fake_llm(client, tenant, fake)
    customer = await visitor(client, tenant, resources, "sure-1")
    await customer.say(SURE)
    assert fake.chat_requests == []
    (run,) = await customer.runs()
    assert run["intent"] == "greeting"
    assert "LLM" not in run["reason"]
    assert (await inbound_annotations(customer))["intent_source"] == "classifier"


@pytest.mark.parametrize(
    "failure",
    [
        Reply.text("billing, I think"),
        Reply.text(json.dumps({"intent": "loyalty_points", "confidence": 0.9})),
        Reply.text(json.dumps({"intent": "billing", "confidence": "high"})),
        Reply.malformed(),
        Reply.text(json.dumps({"intent": "billing", "confidence": 0.9})).after(30),
    ],
    ids=["not-json", "unknown-intent", "bad-confidence", "malformed", "timeout"],
)
async def test_an_unusable_answer_keeps_the_classifiers_intent(
    client: httpx.AsyncClient,
    tenant: Tenant,
    resources: Resources,
    fake: FakeLLM,
    failure: Reply,
) -> None:
    await use_fake_llm(client, tenant, fake, timeout_seconds=0.3)
    fake.script(failure)
    customer = await visitor(client, tenant, resources, "fail-1")
    replies = await customer.say(UNSURE)
    assert len(intent_requests(fake)) == 1
    (run,) = await customer.runs()
    assert run["intent"] is None  # the classifier's: out of scope
    assert "LLM" not in run["reason"]
    assert replies  # the message was still handled
    annotations = await inbound_annotations(customer)
    assert annotations["intent_source"] == "classifier"
    assert annotations["out_of_scope"] is True


async def test_the_builtin_provider_never_asks(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources, fake: FakeLLM
) -> None:
    await use_fake_llm(client, tenant, fake)
    changed = await client.patch(
        "/api/v1/ai/settings", headers=tenant.headers, json={"provider": "builtin"}
    )
    assert changed.status_code == 200, changed.text
    customer = await visitor(client, tenant, resources, "builtin-1")
    await customer.say(UNSURE)
    assert fake.chat_requests == []
    (run,) = await customer.runs()
    assert run["intent"] is None
    assert run["provider"] == "builtin"


async def test_the_preview_shows_where_the_intent_came_from(
    client: httpx.AsyncClient, tenant: Tenant, fake: FakeLLM
) -> None:
    await use_fake_llm(client, tenant, fake)
    fake.script(Reply.text('```json\n{"intent": "human_request", "confidence": 0.8}\n```'))
    response = await client.post(
        "/api/v1/ai/reply-preview", headers=tenant.headers, json={"text": UNSURE}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["intent"] == "human_request"
    assert body["decision"] == "handoff"
    assert body["annotations"]["intent_source"] == "llm"
    assert len(intent_requests(fake)) == 1


# --- the resolver on its own ---------------------------------------------------------------

OPTIONS = (
    IntentOption("billing", "Charges and invoices.", ("charged twice", "扣了两次", "дважды")),
    IntentOption("greeting", "", ("hi",)),
)


class OpenBreaker:
    slug = "openai"
    generates_text = True

    def __init__(self) -> None:
        self.calls = 0

    async def complete(self, request: ChatRequest) -> ChatResponse:
        self.calls += 1
        raise CircuitOpen("circuit open", provider=self.slug)


async def test_an_open_breaker_gives_no_answer() -> None:
    provider = OpenBreaker()
    resolver = LLMIntentResolver(provider, Redactor())
    assert await resolver.resolve("charged twice?", [], OPTIONS) is None
    assert provider.calls == 1


def test_the_request_sends_the_last_turns_redacted_and_the_taxonomy() -> None:
    redactor = Redactor()
    resolver = LLMIntentResolver(OpenBreaker(), redactor)
    history = ["one", "two", "mail anna@example.com", "four", "five"]
    request = resolver.request("again anna@example.com", history, OPTIONS)
    system, taxonomy, *turns = request.messages
    assert system.content == INTENT_PROMPT
    assert taxonomy.content == (
        'Intents:\n- billing: Charges and invoices.\n    e.g. "charged twice"\n'
        '    e.g. "扣了两次"\n    e.g. "дважды"\n- greeting\n    e.g. "hi"'
    )
    assert [m.content for m in turns] == [
        "two",
        "mail [EMAIL_1]",
        "four",
        "five",
        "again [EMAIL_1]",
    ]
    assert request.temperature == 0.0


def test_answers_are_parsed_strictly() -> None:
    names = ["billing", "greeting"]
    assert parse_answer('{"intent": "billing", "confidence": 0.7}', names) == ResolvedIntent(
        "billing", 0.7
    )
    assert parse_answer('{"intent": null, "confidence": 2}', names) == ResolvedIntent(None, 1.0)
    assert parse_answer('```\n{"intent": "greeting", "confidence": 1}\n```', names) is not None
    for bad in (
        None,
        "",
        "[]",
        '{"confidence": 0.5}',
        '{"intent": "refund", "confidence": 0.5}',
        '{"intent": 3, "confidence": 0.5}',
        '{"intent": "billing", "confidence": true}',
        '{"intent": "billing"}',
        '{"intent": "billing", "confidence": NaN}',
    ):
        assert parse_answer(bad, names) is None, bad
    assert spread_examples([str(i) for i in range(36)]) == ("0", "12", "24")
    assert spread_examples(["a", "b"]) == ("a", "b")
