"""Out of scope by the energy of the in-scope scores (the scope score), and its fallbacks."""

from __future__ import annotations

import numpy as np
import pytest

from deskpilot.ai.understanding.intents import (
    OOS_CLASS,
    IntentClassifier,
    IntentConfig,
    _Model,
    _Scope,
)

EXAMPLES: list[tuple[str, str]] = [
    ("where is my order", "order_status"),
    ("has my parcel shipped yet", "order_status"),
    ("when will my package arrive", "order_status"),
    ("tracking number for my order please", "order_status"),
    ("где мой заказ", "order_status"),
    ("cancel my order", "cancellation"),
    ("I want to cancel the purchase", "cancellation"),
    ("please cancel it before it ships", "cancellation"),
    ("cancel the order I placed today", "cancellation"),
    ("отмените заказ", "cancellation"),
    ("I forgot my password", "account"),
    ("cannot log in to my account", "account"),
    ("reset my password please", "account"),
    ("my account is locked", "account"),
    ("забыл пароль", "account"),
]
OFF_TOPIC = [
    "what is the weather tomorrow",
    "tell me a joke",
    "who won the football game",
    "какая погода завтра",
    "recommend a good movie",
]
VALIDATION = [
    ("where's my parcel", "order_status"),
    ("I'd like to cancel my order", "cancellation"),
    ("I can't remember my password", "account"),
]
VALIDATION_OOS = ["will it rain on sunday", "sing me a song", "расскажи анекдот"]


def test_energy_is_a_smooth_maximum_of_the_in_scope_scores() -> None:
    model = _Model(IntentConfig(), None)
    model.classes = ["a", "b", OOS_CLASS]
    model.temperature = 0.5
    scores = np.array([[2.0, 0.0, 9.0], [0.0, 0.0, -9.0]])
    energy = model.energy(scores)
    # The out-of-scope column is left out; two equal scores add T*log(2).
    assert energy[0] == pytest.approx(0.5 * np.log(np.exp(4.0) + 1.0))
    assert energy[1] == pytest.approx(0.5 * np.log(2.0))
    assert energy[0] >= 2.0


def test_scope_maps_energies_into_zero_to_one_keeping_their_order() -> None:
    scope = _Scope.fitted(np.array([1.0, 2.0, 3.0, 4.0]))
    values = scope(np.array([-100.0, 0.0, 2.5, 5.0, 100.0]))
    assert np.all((values >= 0.0) & (values <= 1.0))
    assert np.all(np.diff(values) > 0)
    assert values[2] == pytest.approx(0.5)  # the median energy sits in the middle
    flat = _Scope.fitted(np.array([2.0, 2.0]))  # no spread: still a valid curve
    assert flat(np.array([1.0, 3.0])).tolist() == pytest.approx([0.0, 1.0], abs=1e-6)


def test_tuned_threshold_on_the_scope_score_flags_off_topic_messages() -> None:
    classifier = IntentClassifier(None)
    classifier.fit(EXAMPLES, OFF_TOPIC, validation=VALIDATION, validation_oos=VALIDATION_OOS)
    assert classifier.config.oos_score == "energy"
    assert 0.0 < classifier.threshold < 1.0
    for text, intent in VALIDATION:
        prediction = classifier.predict(text)
        assert prediction.intent == intent
        assert prediction.out_of_scope is False
    for text in ["what is the weather like", "tell me a funny joke"]:
        prediction = classifier.predict(text)
        assert prediction.out_of_scope is True
        assert prediction.intent is None
        assert 0.0 <= prediction.confidence <= 1.0  # confidence stays a probability


def test_held_out_split_also_tunes_the_scope_score() -> None:
    classifier = IntentClassifier(None)
    classifier.fit(EXAMPLES * 2, OFF_TOPIC * 2)  # no validation: a split of the training data
    assert classifier.threshold > 0.0
    assert classifier.predict("cancel my order please").intent == "cancellation"


def test_the_confidence_score_keeps_the_probability_threshold() -> None:
    """``oos_score="confidence"`` (and a fixed threshold) compare the best probability."""
    by_confidence = IntentClassifier(None, IntentConfig(oos_score="confidence"))
    by_confidence.fit(EXAMPLES, OFF_TOPIC, validation=VALIDATION, validation_oos=VALIDATION_OOS)
    assert 0.0 < by_confidence.threshold < 1.0
    for text in ["where is my order now", "cancel my order", "tell me a joke"]:
        prediction = by_confidence.predict(text)
        if prediction.confidence < by_confidence.threshold:
            assert prediction.out_of_scope is True
        if not prediction.out_of_scope:
            assert prediction.confidence >= by_confidence.threshold
    fixed = IntentClassifier(None, IntentConfig(oos_threshold=0.0))
    fixed.fit(EXAMPLES, OFF_TOPIC)
    assert fixed.threshold == 0.0
    assert fixed.predict("where is my order").intent == "order_status"
