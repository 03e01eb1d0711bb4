"""``deskpilot eval sentiment``: accuracy of the sentiment model on a labelled data set.

A data set is a CSV with a ``label`` column and a ``text`` column (``review`` is accepted too,
as in waimai_10k). Labels 0/1 are negative/positive; -1/0/1 add neutral. The bare name
``waimai_10k`` is ``../shared/datasets/sentiment_zh/waimai_10k.csv``.

Protocol: a seeded shuffle; the first ``train_fraction`` (at most half) is the training part,
the rest the test part. Hyper-parameters (regularisation ``c``, the weight of the embedding
block, and a bias between the classes) are chosen on a validation split carved from the
training part only; the model is then trained on the whole training part with the chosen
setting and scored once on the test part. Embeddings come from the configured embedder through
the on-disk evaluation cache, so a rerun does not embed again.
"""

from __future__ import annotations

import csv
import itertools
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from deskpilot.ai.understanding.sentiment import LABELS, SentimentLabel, SentimentModel
from deskpilot.evals.embedding_cache import embed_cached
from deskpilot.kit.errors import DeskPilotError
from deskpilot.knowledge.retrieval.embeddings import Embedder, Matrix, get_embedder

REPO_ROOT = Path(__file__).resolve().parents[3]
DATASETS = Path("..") / "shared" / "datasets"
NAMED = {"waimai_10k": Path("sentiment_zh") / "waimai_10k.csv"}
MAX_TRAIN_FRACTION = 0.5
VALIDATION_FRACTION = 0.2
C_GRID = (2.0, 8.0)
EMBEDDING_WEIGHT_GRID = (1.0, 2.0)
BIAS_GRID = tuple(round(float(b), 2) for b in np.linspace(-0.6, 0.6, 13))
_BINARY: dict[str, SentimentLabel] = {"0": "negative", "1": "positive"}
_TERNARY: dict[str, SentimentLabel] = {"-1": "negative", "0": "neutral", "1": "positive"}


class SentimentDatasetError(DeskPilotError):
    status_code = 422
    code = "invalid_dataset"


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    label: SentimentLabel


def dataset_path(name_or_path: str, root: Path = REPO_ROOT) -> Path:
    candidate = Path(name_or_path)
    if candidate.is_file():
        return candidate
    relative = NAMED.get(name_or_path)
    if relative is not None:
        for base in (root, Path.cwd()):
            path = (base / DATASETS / relative).resolve()
            if path.is_file():
                return path
    raise SentimentDatasetError(f"no sentiment data set at {name_or_path!r}")


def load(name_or_path: str) -> list[Example]:
    """The rows of the CSV; labels 0/1 (binary) or -1/0/1 (with neutral)."""
    path = dataset_path(name_or_path)
    with path.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.DictReader(stream)
        columns = set(reader.fieldnames or ())
        text_column = "text" if "text" in columns else "review" if "review" in columns else None
        if "label" not in columns or text_column is None:
            raise SentimentDatasetError(f"{path} needs the columns label and text")
        rows = [(str(r["label"]).strip(), r[text_column] or "") for r in reader]
    found = {label for label, _ in rows}
    mapping = _BINARY if found <= set(_BINARY) else _TERNARY
    unknown = found - set(mapping)
    if unknown:
        raise SentimentDatasetError(
            f"{path}: labels must be 0/1 or -1/0/1, found {sorted(unknown)[:5]}"
        )
    examples = [Example(text, mapping[label]) for label, text in rows if text.strip()]
    if len({e.label for e in examples}) < 2:
        raise SentimentDatasetError(f"{path}: at least two different labels are needed")
    return examples


def _accuracy(predicted: list[SentimentLabel], expected: list[SentimentLabel]) -> float:
    return float(np.mean([p == e for p, e in zip(predicted, expected, strict=True)]))


def _bias_vector(bias: float) -> tuple[float, float, float]:
    """One number shifting the decision between negative and positive (neutral untouched)."""
    return (-bias / 2, 0.0, bias / 2)


def _tune(
    texts: list[str],
    labels: list[SentimentLabel],
    vectors: Matrix | None,
    embedder: Embedder | None,
    seed: int,
) -> dict[str, float]:
    """The best (c, embedding_weight, bias) on a validation split of the training part."""
    order = np.random.default_rng(seed + 1).permutation(len(texts))
    cut = max(1, int(len(texts) * VALIDATION_FRACTION))
    val, fit = order[:cut], order[cut:]
    weights = EMBEDDING_WEIGHT_GRID if embedder is not None else (0.0,)
    best: tuple[float, dict[str, float]] = (-1.0, {})
    for c, weight in itertools.product(C_GRID, weights):
        model = SentimentModel(embedder, c=c, embedding_weight=weight).fit(
            [texts[i] for i in fit],
            [labels[i] for i in fit],
            None if vectors is None else vectors[fit],
        )
        probabilities = model.probabilities(
            [texts[i] for i in val], None if vectors is None else vectors[val]
        )
        expected = [labels[i] for i in val]
        for bias in BIAS_GRID:
            model.class_bias = np.asarray(_bias_vector(bias))
            with np.errstate(divide="ignore"):
                adjusted = np.log(probabilities) + model.class_bias
            predicted = [LABELS[int(i)] for i in np.argmax(adjusted, axis=1)]
            accuracy = _accuracy(predicted, expected)
            # Ties go to the smaller bias: do not move the boundary without a reason.
            if accuracy > best[0] + 1e-9 or (
                abs(accuracy - best[0]) <= 1e-9 and abs(bias) < abs(best[1].get("bias", 9.0))
            ):
                best = (accuracy, {"c": c, "embedding_weight": weight, "bias": bias})
    return {**best[1], "validation_accuracy": round(best[0], 4)}


def evaluate_sentiment(
    name_or_path: str,
    *,
    seed: int = 13,
    train_fraction: float = MAX_TRAIN_FRACTION,
    embedder: Embedder | str | None = "configured",
) -> dict[str, Any]:
    """Train on at most half of the data set (tuned on part of that half), test on the rest."""
    started = time.perf_counter()
    examples = load(name_or_path)
    chosen = get_embedder() if embedder == "configured" else embedder
    if isinstance(chosen, str):
        raise SentimentDatasetError(f"unknown embedder {chosen!r}")
    fraction = min(max(train_fraction, 0.0), MAX_TRAIN_FRACTION)
    order = np.random.default_rng(seed).permutation(len(examples))
    n_train = max(2, int(len(examples) * fraction))
    train, test = order[:n_train], order[n_train:]
    if len(test) == 0:
        raise SentimentDatasetError("the data set is too small to split")
    texts = [e.text for e in examples]
    labels = [e.label for e in examples]
    vectors = None if chosen is None else embed_cached(chosen, texts, kind="query")
    train_texts = [texts[i] for i in train]
    train_labels = [labels[i] for i in train]
    train_vectors = None if vectors is None else vectors[train]
    tuned = _tune(train_texts, train_labels, train_vectors, chosen, seed)
    model = SentimentModel(
        chosen,
        c=tuned["c"],
        embedding_weight=tuned["embedding_weight"],
        class_bias=_bias_vector(tuned["bias"]),
    ).fit(train_texts, train_labels, train_vectors)
    predicted = model.labels_of(
        [texts[i] for i in test], None if vectors is None else vectors[test]
    )
    expected = [labels[i] for i in test]
    per_label = {
        label: round(
            _accuracy(
                [p for p, e in zip(predicted, expected, strict=True) if e == label],
                [e for e in expected if e == label],
            ),
            4,
        )
        for label in LABELS
        if label in expected
    }
    return {
        "dataset": name_or_path,
        "accuracy": round(_accuracy(predicted, expected), 4),
        "recall_by_label": per_label,
        "n_train": len(train),
        "n_test": len(test),
        "embedder": chosen.name if chosen is not None else None,
        "chosen": tuned,
        "seed": seed,
        "seconds": round(time.perf_counter() - started, 1),
    }
