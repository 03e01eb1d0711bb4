# ruff: noqa: RUF001 (Cyrillic and Chinese questions on purpose)
"""Grouping unanswered questions by similarity: TF-IDF over the app's tokens, average link."""

from __future__ import annotations

import numpy as np

from deskpilot.knowledge.gaps import (
    THRESHOLD,
    cluster_questions,
    greedy_average_link,
    question_tokens,
    similarity_matrix,
    tfidf_matrix,
    top_terms,
)

QUESTIONS = [
    "How do I reset my password?",
    "Where is my order?",
    "I forgot my password, how can I reset it?",
    "Can I pay with PayPal?",
    "When will my order arrive?",
    "password reset link not working",
    "Do you accept PayPal payments?",
    "my order has not arrived yet",
    "如何重置密码",
    "忘记密码怎么办",
    "我的订单在哪里",
    "订单什么时候到",
    "Как сбросить пароль?",
    "Забыл пароль, как сбросить его?",
    "Где мой заказ?",
    "Когда придет мой заказ?",
    "Do you ship to Canada?",
]


def _as_texts(groups: list[list[int]]) -> list[set[str]]:
    return [{QUESTIONS[i] for i in group} for group in groups]


def test_questions_group_by_topic_in_each_language() -> None:
    groups = _as_texts(cluster_questions(QUESTIONS))

    assert groups[:3] == [
        {QUESTIONS[0], QUESTIONS[2], QUESTIONS[5]},
        {QUESTIONS[1], QUESTIONS[4], QUESTIONS[7]},
        {QUESTIONS[3], QUESTIONS[6]},
    ]
    assert {"如何重置密码", "忘记密码怎么办"} in groups
    assert {"我的订单在哪里", "订单什么时候到"} in groups
    assert {"Как сбросить пароль?", "Забыл пароль, как сбросить его?"} in groups
    assert {"Где мой заказ?", "Когда придет мой заказ?"} in groups
    assert {"Do you ship to Canada?"} in groups
    assert sorted(i for g in cluster_questions(QUESTIONS) for i in g) == list(range(17))


def test_question_words_say_nothing_about_the_topic() -> None:
    assert question_tokens("How do I reset my password?") == ["reset", "password"]
    assert question_tokens("Как сбросить пароль?") == ["сброс", "парол"]
    assert "我" not in question_tokens("我的订单在哪里")
    # Questions made only of question words are alike in nothing: each stands alone.
    assert cluster_questions(["How do I?", "How do I?", "what is it"]) == [[0], [1], [2]]
    assert cluster_questions([]) == []


def test_tfidf_rows_are_normalised_and_common_words_weigh_less() -> None:
    matrix, vocabulary = tfidf_matrix([["refund", "order"], ["order", "late"], ["order"], []])

    norms = np.linalg.norm(matrix, axis=1)
    assert np.allclose(norms[:3], 1.0)
    assert norms[3] == 0.0
    row = matrix[0]
    assert row[vocabulary.index("refund")] > row[vocabulary.index("order")]


def test_average_link_does_not_chain() -> None:
    # B is like A and like C, but A and C have nothing in common: C must not join {A, B}.
    similarity = np.array(
        [[1.0, 0.9, 0.0], [0.9, 1.0, 0.5], [0.0, 0.5, 1.0]],
        dtype=np.float32,
    )
    assert greedy_average_link(similarity, threshold=0.5) == [[0, 1], [2]]
    assert greedy_average_link(similarity, threshold=0.2) == [[0, 1, 2]]


def test_embeddings_group_questions_that_share_no_word() -> None:
    questions = ["How do I reset my password?", "Как сбросить пароль?", "Do you ship to Canada?"]
    embeddings = np.array(
        [[1.0, 0.0], [0.99, 0.141], [0.0, 1.0]],  # the first two point the same way
        dtype=np.float32,
    )
    embeddings /= np.linalg.norm(embeddings, axis=1, keepdims=True)

    without = cluster_questions(questions)
    with_vectors = cluster_questions(questions, embeddings)
    tfidf, _ = tfidf_matrix([question_tokens(q) for q in questions])
    combined = similarity_matrix(tfidf, embeddings)

    assert without == [[0], [1], [2]]
    assert with_vectors == [[0, 1], [2]]
    assert combined[0, 1] >= THRESHOLD
    assert combined[0, 2] == 0.0


def test_top_terms_are_the_words_most_questions_share() -> None:
    members = [0, 2, 5]
    assert set(top_terms(QUESTIONS, members, limit=2)) == {"reset", "password"}
