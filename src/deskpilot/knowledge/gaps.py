"""Grouping similar questions: pure functions, no database (input to the knowledge gaps report).

Each question becomes a TF-IDF vector over the app's own search tokens (Chinese segmented,
Russian and English stemmed; see ``retrieval.tokenize``), without a short list of question words
("how", "my", "как", "怎么"...) that say nothing about the topic. Two questions are as similar as
the cosine of their vectors. When embeddings are given too (one L2-normalised row per question),
the similarity is the larger of the TF-IDF cosine and the embedding cosine rescaled from
``EMBEDDING_FLOOR``..1 to 0..1: embeddings group paraphrases and other languages that share no
word, TF-IDF keeps working when there are none.

Clustering is greedy average-link: questions are taken in the order given; each joins the group
whose members it is most similar to on average, if that average reaches ``THRESHOLD``, or starts
a new group. Time and memory grow with the square of the number of questions, so callers cap it
(the service takes the newest ``MAX_GAP_QUESTIONS``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from deskpilot.knowledge.retrieval.tokenize import tokens

Matrix = npt.NDArray[np.float32]

THRESHOLD = 0.25
"""Least average similarity of a question to a group's members for it to join the group."""
EMBEDDING_FLOOR = 0.83
"""An embedding cosine at or below this counts as unrelated (multilingual-e5 puts even unrelated
short questions at about 0.75-0.8); 1.0 counts as identical."""

_QUESTION_WORDS = (
    "how do does did i my me mine we our you your can could would should will what where when why "
    "which who is are was were be been the a an to of for in on at and or it its this that there "
    "please hi hello thanks thank any some have has get got not no yes with about from if "
    "как где что почему когда можно ли я мне меня мой моя моё мои мы наш вы ваш в на "
    "и с у не это по для из за о а то же бы да нет здравствуйте привет пожалуйста "  # noqa: RUF001
    "спасибо есть 我 我的 的 了 吗 呢 吧 啊 怎么 怎么样 如何 什么 为什么 哪里 是 在 "
    "你 你们 您 可以 能 请问 有 要 和 就 都 也 还 请 谢谢 你好"
)
STOP_TOKENS: frozenset[str] = frozenset(t for word in _QUESTION_WORDS.split() for t in tokens(word))


def question_tokens(text: str) -> list[str]:
    """The topic words of a question: its search tokens without question words."""
    return [t for t in tokens(text) if t not in STOP_TOKENS]


def tfidf_matrix(documents: Sequence[Sequence[str]]) -> tuple[Matrix, list[str]]:
    """L2-normalised TF-IDF rows (sublinear tf, smoothed idf) and the vocabulary, in order.

    A document without tokens is a zero row: similar to nothing."""
    vocabulary: dict[str, int] = {}
    for document in documents:
        for token in document:
            vocabulary.setdefault(token, len(vocabulary))
    matrix = np.zeros((len(documents), len(vocabulary)), dtype=np.float32)
    for row, document in enumerate(documents):
        for token, count in Counter(document).items():
            matrix[row, vocabulary[token]] = 1.0 + math.log(count)
    if vocabulary:
        document_frequency = (matrix > 0).sum(axis=0)
        idf = np.log((1 + len(documents)) / (1 + document_frequency)) + 1.0
        matrix *= idf.astype(np.float32)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        matrix /= norms
    return matrix, list(vocabulary)


def similarity_matrix(tfidf: Matrix, embeddings: Matrix | None = None) -> Matrix:
    """Pairwise similarity in 0..1 (see the module's docstring)."""
    similarity: Matrix = np.clip(tfidf @ tfidf.T, 0.0, 1.0).astype(np.float32)
    if embeddings is not None:
        if embeddings.shape[0] != tfidf.shape[0]:
            raise ValueError("one embedding row per question")
        dense = (embeddings @ embeddings.T - EMBEDDING_FLOOR) / (1.0 - EMBEDDING_FLOOR)
        similarity = np.maximum(similarity, np.clip(dense, 0.0, 1.0)).astype(np.float32)
    return similarity


def greedy_average_link(similarity: Matrix, threshold: float = THRESHOLD) -> list[list[int]]:
    """Groups of row indices (see the module's docstring), largest first, then by first member.

    ``sums[:, g]`` holds, for every question, the sum of its similarities to group ``g``'s
    members, so each step costs one column update instead of rescanning the groups."""
    count = similarity.shape[0]
    groups: list[list[int]] = []
    sums = np.zeros((count, count), dtype=np.float32)  # at most one group per question
    sizes = np.zeros(count, dtype=np.float32)
    for index in range(count):
        best = -1
        if groups:
            averages = sums[index, : len(groups)] / sizes[: len(groups)]
            candidate = int(np.argmax(averages))
            if averages[candidate] >= threshold:
                best = candidate
        if best < 0:
            best = len(groups)
            groups.append([])
        groups[best].append(index)
        sums[:, best] += similarity[:, index]
        sizes[best] += 1
    return sorted(groups, key=lambda g: (-len(g), g[0]))


def cluster_questions(
    questions: Sequence[str],
    embeddings: Matrix | None = None,
    threshold: float = THRESHOLD,
) -> list[list[int]]:
    """Group ``questions`` (indices into it), largest group first."""
    if not questions:
        return []
    tfidf, _ = tfidf_matrix([question_tokens(q) for q in questions])
    return greedy_average_link(similarity_matrix(tfidf, embeddings), threshold)


def top_terms(questions: Sequence[str], members: Sequence[int], limit: int = 3) -> list[str]:
    """The words that occur in most of the group's questions (ties: first seen)."""
    counts: Counter[str] = Counter()
    for index in members:
        counts.update(dict.fromkeys(question_tokens(questions[index]), 1))
    return [term for term, _ in counts.most_common(limit)]
