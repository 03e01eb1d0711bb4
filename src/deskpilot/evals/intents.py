"""``deskpilot eval intents``: intent accuracy (and out-of-scope recall) on a labelled data set.

Data sets:

- ``banking77``: ``../shared/datasets/banking77/{train,test}.csv`` (columns ``text,category``).
  It has no validation split: the out-of-scope threshold is not needed (no out-of-scope
  examples), and any tuning the classifier does happens on the training split only.
- ``clinc150``: ``../shared/datasets/clinc150/data_full.json`` (``train``, ``val``, ``test``,
  ``oos_train``, ``oos_val``, ``oos_test``, each a list of ``[text, intent]``).
- a path to a JSON file in CLINC150's layout: ``train`` and ``test`` required, ``val``,
  ``oos_train``, ``oos_val`` and ``oos_test`` optional.

The classifier is trained on ``train`` (and ``oos_train``) only; the out-of-scope threshold is
chosen on ``val`` + ``oos_val`` when they exist (otherwise on a split of the training data, see
``IntentClassifier``); figures are measured on ``test`` + ``oos_test``. With ``shots=N`` only N
examples per intent (a seeded sample) are used for training. Every text of the data set is
embedded once, through the on-disk embedding cache, so repeated runs do not pay again.
"""

from __future__ import annotations

import csv
import json
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from deskpilot.ai.understanding.intents import IntentClassifier, Texts
from deskpilot.evals.embedding_cache import embed_cached
from deskpilot.kit.errors import DeskPilotError
from deskpilot.knowledge.retrieval.embeddings import Embedder, Matrix, get_embedder

REPO_ROOT = Path(__file__).resolve().parents[3]
DATASETS = Path("..") / "shared" / "datasets"
NAMED = {"banking77": "banking77", "clinc150": "clinc150/data_full.json"}
OOS_LABEL = "oos"

Example = tuple[str, str]


class IntentDatasetError(DeskPilotError):
    status_code = 400
    code = "invalid_dataset"


@dataclass(slots=True)
class IntentDataset:
    name: str
    train: list[Example]
    test: list[Example]
    val: list[Example] = field(default_factory=list)
    oos_train: list[str] = field(default_factory=list)
    oos_val: list[str] = field(default_factory=list)
    oos_test: list[str] = field(default_factory=list)

    def all_texts(self) -> list[str]:
        """Every distinct text, in a fixed order (the embedding cache key)."""
        seen: dict[str, None] = {}
        for rows in (self.train, self.val, self.test):
            for text, _ in rows:
                seen.setdefault(text, None)
        for texts in (self.oos_train, self.oos_val, self.oos_test):
            for text in texts:
                seen.setdefault(text, None)
        return list(seen)


def _resolve(name_or_path: str, root: Path) -> Path:
    candidate = Path(name_or_path)
    if name_or_path not in NAMED:
        if candidate.is_file():
            return candidate
        raise IntentDatasetError(
            f"no intent data set at {name_or_path!r}: expected banking77, clinc150 or a JSON file"
        )
    for base in (root, Path.cwd()):
        path = (base / DATASETS / NAMED[name_or_path]).resolve()
        if path.exists():
            return path
    raise IntentDatasetError(
        f"data set {name_or_path!r} not found under {(root / DATASETS).resolve()}"
    )


def _read_banking77(folder: Path) -> IntentDataset:
    def read(name: str) -> list[Example]:
        path = folder / name
        if not path.is_file():
            raise IntentDatasetError(f"{folder} has no {name}")
        with path.open(encoding="utf-8", newline="") as handle:
            return [(row["text"], row["category"]) for row in csv.DictReader(handle)]

    return IntentDataset("banking77", train=read("train.csv"), test=read("test.csv"))


def _pairs(data: dict[str, Any], key: str, required: bool) -> list[Example]:
    rows = data.get(key)
    if rows is None:
        if required:
            raise IntentDatasetError(f"the data set has no {key!r} list")
        return []
    if not isinstance(rows, list):
        raise IntentDatasetError(f"{key!r} must be a list of [text, intent] pairs")
    out: list[Example] = []
    for index, row in enumerate(rows):
        if (
            not isinstance(row, list | tuple)
            or len(row) != 2
            or not all(isinstance(part, str) for part in row)
            or not row[0].strip()
        ):
            raise IntentDatasetError(f"{key}[{index}] must be a [text, intent] pair of strings")
        out.append((row[0], row[1]))
    return out


def read_json_dataset(path: Path, name: str | None = None) -> IntentDataset:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IntentDatasetError(f"cannot read {path}: {exc}") from None
    if not isinstance(data, dict):
        raise IntentDatasetError(f"{path} must hold a JSON object with train and test lists")
    dataset = IntentDataset(
        name or str(path),
        train=_pairs(data, "train", True),
        test=_pairs(data, "test", True),
        val=_pairs(data, "val", False),
        oos_train=[t for t, _ in _pairs(data, "oos_train", False)],
        oos_val=[t for t, _ in _pairs(data, "oos_val", False)],
        oos_test=[t for t, _ in _pairs(data, "oos_test", False)],
    )
    if not dataset.train or not (dataset.test or dataset.oos_test):
        raise IntentDatasetError(f"{path}: train and test must not be empty")
    return dataset


def load_dataset(name_or_path: str, root: Path = REPO_ROOT) -> IntentDataset:
    path = _resolve(name_or_path, root)
    if name_or_path == "banking77":
        return _read_banking77(path)
    return read_json_dataset(path, name_or_path if name_or_path in NAMED else None)


def sample_shots(train: list[Example], shots: int, seed: int = 0) -> list[Example]:
    """``shots`` examples per intent (all of them when an intent has fewer), seeded."""
    by_intent: dict[str, list[Example]] = defaultdict(list)
    for example in train:
        by_intent[example[1]].append(example)
    rng = random.Random(seed)
    out: list[Example] = []
    for intent in sorted(by_intent):
        rows = by_intent[intent]
        out.extend(rng.sample(rows, shots) if len(rows) > shots else rows)
    return out


class CachedEncoder:
    """Embeds a whole data set once (through the disk cache) and serves rows by text."""

    def __init__(self, embedder: Embedder, texts: list[str]) -> None:
        matrix = embed_cached(embedder, texts, kind="query")
        self._rows = {text: i for i, text in enumerate(texts)}
        self._matrix = matrix
        self._embedder = embedder

    def __call__(self, texts: Texts) -> Matrix:
        missing = [t for t in texts if t not in self._rows]
        extra = {t: self._embedder.query(t) for t in dict.fromkeys(missing)}
        rows = [self._matrix[self._rows[t]] if t in self._rows else extra[t] for t in texts]
        if not rows:
            return np.zeros((0, self._matrix.shape[1]), dtype=np.float32)
        stacked: Matrix = np.vstack(rows).astype(np.float32)
        return stacked


def expected_calibration_error(
    confidence: list[float], correct: list[bool], bins: int = 10
) -> float:
    """Mean gap between confidence and accuracy over equal-width confidence bins, weighted by
    how many predictions fall in each (0 is perfectly calibrated)."""
    if not confidence:
        return 0.0
    conf = np.asarray(confidence, dtype=np.float64)
    hits = np.asarray(correct, dtype=np.float64)
    which = np.minimum((conf * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            total += mask.sum() * abs(conf[mask].mean() - hits[mask].mean())
    return float(total / len(conf))


def _label_text(intent: str) -> str:
    """An intent's name as words (``card_arrival`` → ``card arrival``)."""
    return intent.replace("_", " ").replace("-", " ").strip()


def evaluate_intents(
    name_or_path: str,
    shots: int | None = None,
    *,
    seed: int = 0,
    embedder: Embedder | str | None = "default",
    root: Path = REPO_ROOT,
) -> dict[str, Any]:
    """Train on the training split, measure on the test split; see the module docstring.

    ``embedder`` "default" is the configured one (``DESKPILOT_EMBEDDINGS``); None means
    lexical features only.
    """
    if shots is not None and shots < 1:
        raise IntentDatasetError("shots must be at least 1")
    started = time.perf_counter()
    dataset = load_dataset(name_or_path, root)
    chosen = get_embedder() if embedder == "default" else embedder
    encoder = None
    if chosen is not None and not isinstance(chosen, str):
        encoder = CachedEncoder(chosen, dataset.all_texts())
    embedded = time.perf_counter()

    train = sample_shots(dataset.train, shots, seed) if shots else dataset.train
    oos_train = dataset.oos_train
    if shots and len(oos_train) > shots:
        oos_train = random.Random(seed).sample(oos_train, shots)
    classifier = IntentClassifier(encoder)
    classifier.fit(
        train,
        oos_train,
        descriptions={intent: _label_text(intent) for _, intent in train},
        validation=dataset.val,
        validation_oos=dataset.oos_val,
    )
    trained = time.perf_counter()

    test_texts = [text for text, _ in dataset.test] + dataset.oos_test
    predictions = classifier.predict_many(test_texts)
    n_in = len(dataset.test)
    in_scope_hits = sum(
        1
        for (_, intent), p in zip(dataset.test, predictions[:n_in], strict=True)
        if not p.out_of_scope and p.intent == intent
    )
    oos_hits = sum(1 for p in predictions[n_in:] if p.out_of_scope)
    result: dict[str, Any] = {
        "dataset": dataset.name,
        "shots": shots,
        "embeddings": getattr(chosen, "name", None),
        "accuracy": round((in_scope_hits + oos_hits) / max(1, len(test_texts)), 4),
    }
    if dataset.oos_test or dataset.oos_train:
        result["in_scope_accuracy"] = round(in_scope_hits / max(1, n_in), 4)
        result["oos_recall"] = round(oos_hits / max(1, len(dataset.oos_test)), 4)
        result["oos_threshold"] = round(classifier.threshold, 4)
    result["temperature"] = round(classifier.temperature, 4)
    result["calibration_error"] = round(
        expected_calibration_error(
            [p.confidence for p in predictions[:n_in]],
            [
                p.ranked[0][0] == intent
                for (_, intent), p in zip(dataset.test, predictions, strict=False)
            ],
        ),
        4,
    )
    result |= {
        "n_intents": len(classifier.intents),
        "n_train": len(train) + len(oos_train),
        "n_test": len(test_texts),
        "seconds": round(time.perf_counter() - started, 1),
        "seconds_embedding": round(embedded - started, 1),
        "seconds_training": round(trained - embedded, 1),
    }
    return result
