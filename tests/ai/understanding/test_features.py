# ruff: noqa: RUF001 - Chinese and Russian texts, as customers write them
"""The understanding classifiers' prediction path computes what scikit-learn computes."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from deskpilot.ai.understanding.features import Tfidf, linear_scores, logistic_probabilities
from deskpilot.knowledge.retrieval.tokenize import tokens

TRAIN = [
    "Where is my order?",
    "I want to cancel my order",
    "How long does shipping take to Canada?",
    "The package arrived broken, I want a refund",
    "我的订单到哪了？",
    "我想取消订单",
    "Где мой заказ?",
    "Хочу вернуть товар, он сломан",
    "hello there",
    "Thanks, that was helpful!",
]
LABELS = [0, 1, 2, 3, 0, 1, 0, 3, 2, 2]
UNSEEN = [
    "where is the order I placed yesterday",
    "取消",
    "Сломан товар, верните деньги",
    "zzzz qqqq",  # no known word: only character n-grams, or nothing at all
    "!!!",
    "Where is my order? Where is my order? Where is my order?",  # repeated terms
]


@pytest.mark.parametrize(
    "vectorizer",
    [
        TfidfVectorizer(
            tokenizer=tokens,
            lowercase=False,
            token_pattern=None,
            ngram_range=(1, 2),
            sublinear_tf=True,
        ),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True),
        TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True),
        TfidfVectorizer(analyzer="char", ngram_range=(2, 3)),
    ],
    ids=["words", "char_wb", "chars", "raw-counts"],
)
def test_tfidf_equals_the_fitted_vectorizers_transform(vectorizer: TfidfVectorizer) -> None:
    vectorizer.fit(TRAIN)
    expected = vectorizer.transform(TRAIN + UNSEEN).toarray()
    got = Tfidf.of(vectorizer).transform(TRAIN + UNSEEN)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got.toarray(), expected, atol=1e-12)
    assert Tfidf.of(vectorizer).transform([]).shape == (0, expected.shape[1])


def test_tfidf_refuses_settings_it_does_not_compute() -> None:
    with pytest.raises(ValueError, match="l2"):
        Tfidf.of(TfidfVectorizer(norm="l1").fit(TRAIN))


@pytest.mark.parametrize("classes", [2, 4])
def test_linear_scores_and_probabilities_equal_scikit_learns(classes: int) -> None:
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3)).fit(TRAIN)
    features = vectorizer.transform(TRAIN)
    labels = [label % classes for label in LABELS]
    unseen = vectorizer.transform(UNSEEN)
    svm = LinearSVC().fit(features, labels)
    np.testing.assert_allclose(linear_scores(svm, unseen), svm.decision_function(unseen))
    logistic = LogisticRegression(C=4.0, max_iter=1000).fit(features, labels)
    np.testing.assert_allclose(
        logistic_probabilities(logistic, unseen), logistic.predict_proba(unseen), atol=1e-12
    )
