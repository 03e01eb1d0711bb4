"""Features of short texts for the understanding classifiers.

Three blocks, each L2-normalised per text and scaled by its weight, side by side in one sparse
matrix: the text's embedding (any ``Encoder``: texts in, normalised rows out), TF-IDF over the
app's own word tokens (``knowledge.retrieval.tokenize``: Chinese segmented, Russian and English
stemmed; unigrams and bigrams) and TF-IDF over character n-grams within word boundaries (they
catch spelling variants, inflections the stemmer misses and unsegmented Chinese).
"""

from __future__ import annotations

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

    def embeddings(self, texts: Sequence[str]) -> npt.NDArray[np.float64] | None:
        """The texts' embedding rows, or None when there is no embedding block."""
        if self.encoder is None or self.weights.embedding <= 0:
            return None
        return np.asarray(self.encoder(list(texts)), dtype=np.float64)

    def fit_transform(
        self, texts: Sequence[str], rows: npt.NDArray[np.float64] | None = None
    ) -> sparse.csr_matrix:
        """``rows``: the texts' ``embeddings`` when the caller already has them."""
        blocks = []
        if self.weights.words > 0:
            blocks.append(self._words.fit_transform(texts) * self.weights.words)
        if self.weights.chars > 0:
            blocks.append(self._chars.fit_transform(texts) * self.weights.chars)
        return self._stack(blocks, texts, rows)

    def transform(
        self, texts: Sequence[str], rows: npt.NDArray[np.float64] | None = None
    ) -> sparse.csr_matrix:
        blocks = []
        if self.weights.words > 0:
            blocks.append(self._words.transform(texts) * self.weights.words)
        if self.weights.chars > 0:
            blocks.append(self._chars.transform(texts) * self.weights.chars)
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
