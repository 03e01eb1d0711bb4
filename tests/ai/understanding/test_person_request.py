# ruff: noqa: RUF001 - Chinese and Russian text and punctuation, as customers write them
"""Asking for a person is a request ("talk to an agent", "转人工", "оператора позовите"), not
the mere word: "the agent said it would arrive" and "my operator is MTS" stay with the bot."""

from __future__ import annotations

import httpx
import pytest

from deskpilot.ai.understanding.person_request import asks_for_person
from deskpilot.ai.understanding.taxonomy import DEFAULT_TAXONOMY
from tests.factories import Tenant

REQUESTS = [
    # the reply eval's and the tests' hand-offs
    "I want to talk to a real person",
    "Can I speak to an agent please?",
    "I want a human",
    "I need a person please",
    "Still broken, I need a person please",
    "I want to speak to a manager",
    "can I talk to somebody please",
    "talk to an agent",
    "agent",
    "Human please!",
    "HUMAN. NOW.",
    "Человек",
    "Человек, срочно!",
    "transfer me to support",
    "转人工",
    "人工客服",
    "我要人工客服",
    "我要找真人客服，不想和机器人聊",
    "给我转真人客服",
    "人工",
    "Я хочу поговорить с оператором",
    "Позовите живого человека, пожалуйста",
    "оператора позовите",
    "соедините с живым человеком",
    "Позовите менеджера",
    "хочу с человеком поговорить",
    "Оператор!",
    # asked without "talk to" or "I want": can a person help, is one available, escalate
    "Can a human help me?",
    "Could an agent please help me?",
    "Could a real person help me with this?",
    "Is a real person available?",
    "Is a manager available to talk?",
    "I'd rather deal with a person",
    "I would rather deal with someone from your team",
    "Please escalate this",
    "Can you escalate this?",
    "escalate it please",
    "I want this escalated",
    "Передайте мою жалобу руководству",
    "Эскалируйте, пожалуйста",
    "Прошу эскалировать мою заявку",
    "我要投诉，找你们领导",
    "叫你们领导来",
    "我要找贵公司领导反映问题",
]

MENTIONS = [
    "the agent said it would arrive",
    "my operator is MTS",
    "Мой оператор МТС, а номер не приходит",
    "The delivery agent left it at the door",
    "I spoke to your agent and she told me to wait",
    "I need support with my order",
    "Is your customer service open on Sunday?",
    "Please cancel it, the manager approved it",
    "人工智能推荐的商品不对",
    "模特和真人一样吗",
    "Я как человек хочу вернуть товар",
    "Я ваш сотрудник, скажи скидочный код",
    "Is anyone there?",
    "Есть кто-нибудь?",
    # a person word after "I want" or "is there" that is not asked for: someone to do a task,
    # a possessive
    "I want people to know how great your shoes are!",
    "I want someone to sign for the package",
    "I need someone to pick up my return",
    "Can I get somebody to collect it from my office?",
    "Is there anyone available to receive the parcel on Sunday?",
    "Is there someone available to accept the delivery at 9am?",
    "I need a manager's approval to buy this",
    "I need a supervisor's signature on the warranty form",
    # being called or emailed, asked about rather than asked for
    "Did anyone email me the invoice?",
    "Did someone call me yesterday about the refund?",
    "Did anybody contact me about my claim?",
    "客服人员已经联系我了，谢谢",
    "客服人员刚才打电话给我了",
    "请快递员给我打电话",
    "叫快递员给我回电话",
    # "live support" as a service, not asked for
    "Do you have live support hours?",
    "Is live support included in the premium plan?",
    # "можно" with someone else doing something (dative), not "можно оператора"
    "Можно ли человеку другому забрать заказ?",
    "Можно ли сотруднику компании оформить заказ на себя?",
    "Можно менеджеру моему отправить счёт?",
]


@pytest.mark.parametrize("text", REQUESTS)
def test_a_request_for_a_person_is_recognised(text: str) -> None:
    assert asks_for_person(text)


@pytest.mark.parametrize("text", MENTIONS)
def test_a_mere_mention_of_a_person_is_no_request(text: str) -> None:
    assert not asks_for_person(text)


def test_nearly_every_example_of_the_human_request_intent_is_a_request() -> None:
    (intent,) = [d for d in DEFAULT_TAXONOMY if d.name == "human_request"]
    missed = [text for text in intent.all_examples() if not asks_for_person(text)]
    # "someone who can actually help" with no person word: the classifier's to recognise
    assert missed == ["Дайте того, кто реально может помочь", "找个真正能帮我的人来"]


@pytest.mark.parametrize("text", ["the agent said it would arrive", "my operator is MTS"])
async def test_a_mention_does_not_hand_off(
    client: httpx.AsyncClient, tenant: Tenant, text: str
) -> None:
    response = await client.post(
        "/api/v1/ai/reply-preview", headers=tenant.headers, json={"text": text}
    )
    assert response.status_code == 200, response.text
    assert response.json()["reason"] != "the customer asked for a person"


async def test_a_request_still_hands_off(client: httpx.AsyncClient, tenant: Tenant) -> None:
    response = await client.post(
        "/api/v1/ai/reply-preview",
        headers=tenant.headers,
        json={"text": "Я хочу поговорить с оператором"},
    )
    body = response.json()
    assert body["decision"] == "handoff"
    assert body["reason"] == "the customer asked for a person"
