"""Features of short texts for the understanding classifiers.

Three blocks, each L2-normalised per text and scaled by its weight, side by side in one sparse
matrix: the text's embedding (any ``Encoder``: texts in, normalised rows out), TF-IDF over the
app's own word tokens (``knowledge.retrieval.tokenize``: Chinese segmented, Russian and English
stemmed; unigrams and bigrams) and TF-IDF over character n-grams within word boundaries (they
catch spelling variants, inflections the stemmer misses and unsegmented Chinese).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

from deskpilot.knowledge.retrieval.embeddings import Matrix
from deskpilot.knowledge.retrieval.tokenize import tokens

Encoder = Callable[[Sequence[str]], Matrix]


@dataclass(frozen=True, slots=True)
class FeatureWeights:
    # Chosen on a validation split of Banking77's training data (full and 10 per intent): the
    # embedding block needs a larger weight than the sparse blocks to count as much.
    embedding: float = 4.0
    words: float = 1.0
    chars: float = 0.7
    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (1, 4)


@dataclass(frozen=True, slots=True)
class Tfidf:
    """What a fitted scikit-learn ``TfidfVectorizer`` computes (sublinear or raw term counts of
    its vocabulary, times the IDF, L2-normalised per row), without the input checks it runs on
    every call: those were most of the 4-5 ms a single message's prediction took."""

    analyse: Callable[[str], list[str]]
    vocabulary: dict[str, int]
    idf: npt.NDArray[np.float64]
    sublinear: bool

    @classmethod
    def of(cls, vectorizer: Any) -> Tfidf:
        """``vectorizer``: a fitted ``TfidfVectorizer`` with the default l2 norm and IDF."""
        if vectorizer.norm != "l2" or not vectorizer.use_idf or vectorizer.binary:
            raise ValueError("only l2-normalised TF-IDF with IDF weights is supported")
        return cls(
            vectorizer.build_analyzer(),
            vectorizer.vocabulary_,
            np.asarray(vectorizer.idf_, dtype=np.float64),
            bool(vectorizer.sublinear_tf),
        )

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        indptr, indices, values = [0], [], []
        for text in texts:
            counts = Counter(
                column
                for column in map(self.vocabulary.get, self.analyse(text))
                if column is not None
            )
            columns = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            weights = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
            if self.sublinear:
                weights = np.log(weights) + 1.0
            weights *= self.idf[columns]
            norm = float(np.sqrt(weights @ weights))
            if norm > 0:
                weights /= norm
            indices.append(columns)
            values.append(weights)
            indptr.append(indptr[-1] + len(columns))
        return sparse.csr_matrix(
            (
                np.concatenate(values) if values else np.zeros(0),
                np.concatenate(indices) if indices else np.zeros(0, dtype=np.int64),
                np.asarray(indptr, dtype=np.int64),
            ),
            shape=(len(texts), len(self.idf)),
        )


def linear_scores(model: Any, features: Any) -> npt.NDArray[np.float64]:
    """``model.decision_function(features)`` of a fitted linear model (``coef_``,
    ``intercept_``), without scikit-learn's per-call input checks; one column for two classes."""
    scores: npt.NDArray[np.float64] = (
        np.asarray(features @ model.coef_.T, dtype=np.float64) + model.intercept_
    )
    return scores.ravel() if scores.shape[1] == 1 else scores


def logistic_probabilities(model: Any, features: Any) -> npt.NDArray[np.float64]:
    """A fitted logistic regression's ``predict_proba(features)``, likewise without the checks:
    the logistic function of the one score for two classes, the softmax of the scores for more."""
    scores = linear_scores(model, features)
    if scores.ndim == 1:
        positive = 1.0 / (1.0 + np.exp(-scores))
        return np.stack([1.0 - positive, positive], axis=1)
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    result: npt.NDArray[np.float64] = shifted / shifted.sum(axis=1, keepdims=True)
    return result


class FeatureSpace:
    """Fitted on training texts; ``transform`` maps any texts into the same columns."""

    def __init__(self, weights: FeatureWeights, encoder: Encoder | None) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.weights = weights
        self.encoder = encoder
        self._words: Any = TfidfVectorizer(
            tokenizer=tokens,
            lowercase=False,
            token_pattern=None,
            ngram_range=weights.word_ngrams,
            sublinear_tf=True,
        )
        self._chars: Any = TfidfVectorizer(
            analyzer="char_wb", ngram_range=weights.char_ngrams, sublinear_tf=True, min_df=1
        )
        self._fitted: list[tuple[Tfidf, float]] | None = None  # the sparse blocks, once fitted

    def embeddings(self, texts: Sequence[str]) -> npt.NDArray[np.float64] | None:
        """The texts' embedding rows, or None when there is no embedding block."""
        if self.encoder is None or self.weights.embedding <= 0:
            return None
        return np.asarray(self.encoder(list(texts)), dtype=np.float64)

    def fit_transform(
        self, texts: Sequence[str], rows: npt.NDArray[np.float64] | None = None
    ) -> sparse.csr_matrix:
        """``rows``: the texts' ``embeddings`` when the caller already has them."""
        blocks, self._fitted = [], []
        for vectorizer, weight in (
            (self._words, self.weights.words),
            (self._chars, self.weights.chars),
        ):
            if weight > 0:
                blocks.append(vectorizer.fit_transform(texts) * weight)
                self._fitted.append((Tfidf.of(vectorizer), weight))
        return self._stack(blocks, texts, rows)

    def transform(
        self, texts: Sequence[str], rows: npt.NDArray[np.float64] | None = None
    ) -> sparse.csr_matrix:
        if self._fitted is None:
            raise RuntimeError("FeatureSpace.fit_transform first")
        blocks = [tfidf.transform(texts) * weight for tfidf, weight in self._fitted]
        return self._stack(blocks, texts, rows)

    def _stack(
        self, blocks: list[Any], texts: Sequence[str], rows: npt.NDArray[np.float64] | None
    ) -> sparse.csr_matrix:
        if rows is None:
            rows = self.embeddings(texts)
        if rows is not None:
            blocks.append(sparse.csr_matrix(rows * self.weights.embedding))
        stacked: sparse.csr_matrix = sparse.hstack(blocks, format="csr")
        return stacked
