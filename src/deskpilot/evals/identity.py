"""``deskpilot eval identity``: batch resolution scored against a data set's true entities.

A data set is a CSV file. Its columns are read by name (case and surrounding spaces ignored):

- ``unique_id`` and ``cluster`` (the true entity), with any of ``first_name``, ``surname``,
  ``full_name``, ``dob``, ``email``, ``phone``, ``city``, ``address``, ``postcode`` and
  ``identifier`` (a national or customer id). Common synonyms are mapped: ``given_name`` →
  ``first_name``, ``last_name`` → ``surname``, ``date_of_birth`` → ``dob``, ``suburb`` and
  ``town`` → ``city``, ``soc_sec_id`` → ``identifier``.
- The FEBRL layout: ``rec_id`` (``rec-N-org`` / ``rec-N-dup-k``, the truth being ``N``),
  ``street_number`` + ``address_1`` + ``address_2`` joined as ``address``. ``state`` is not
  used: a handful of values, it separates almost nobody.

Scoring is over pairs: the true pairs are all pairs within a true entity, the predicted pairs
all pairs within a predicted cluster (what merging would actually do). A true pair that was
never compared (blocking missed it) counts as missed.
"""

from __future__ import annotations

import csv
import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from deskpilot.customers.matching import Resolution, Settings, resolve
from deskpilot.kit.errors import DeskPilotError

REPO_ROOT = Path(__file__).resolve().parents[3]
DATASETS = Path("..") / "shared" / "datasets" / "identity"

_SYNONYMS = {
    "given_name": "first_name", "firstname": "first_name", "forename": "first_name",
    "last_name": "surname", "lastname": "surname", "family_name": "surname",
    "name": "full_name", "date_of_birth": "dob", "birth_date": "dob", "suburb": "city",
    "town": "city", "zip": "postcode", "postal_code": "postcode", "soc_sec_id": "identifier",
    "ssn": "identifier", "mobile": "phone", "telephone": "phone",
}  # fmt: skip
_ADDRESS_PARTS = ("street_number", "address_1", "address_2")
_FEBRL_ID = re.compile(r"^rec-(\d+)-(?:org|dup-\d+)$")


class DatasetError(DeskPilotError):
    status_code = 400
    code = "invalid_dataset"


@dataclass(frozen=True, slots=True)
class Dataset:
    name: str
    records: list[dict[str, str]]
    truth: list[str]  # the true entity of each record, in order


def dataset_path(name_or_path: str, root: Path = REPO_ROOT) -> Path:
    """A bare name (``fake_1000``) is looked up in ``../shared/datasets/identity/``."""
    candidate = Path(name_or_path)
    if candidate.suffix or "/" in name_or_path or "\\" in name_or_path:
        if not candidate.is_file():
            raise DatasetError(f"no data set file at {candidate}")
        return candidate
    for base in (root, Path.cwd()):
        path = (base / DATASETS / f"{name_or_path}.csv").resolve()
        if path.is_file():
            return path
    raise DatasetError(
        f"no data set named {name_or_path!r}: expected {(root / DATASETS).resolve()}/"
        f"{name_or_path}.csv (or give a path to a CSV file)"
    )


def _row(raw: dict[str, str]) -> tuple[dict[str, str], str]:
    row = {
        _SYNONYMS.get(key, key): (value or "").strip()
        for key, value in ((k.strip().lower(), v) for k, v in raw.items() if k is not None)
    }
    truth = row.get("cluster", "")
    if "rec_id" in row:
        found = _FEBRL_ID.match(row["rec_id"])
        truth = truth or (found.group(1) if found else row["rec_id"])
        row.setdefault("unique_id", row["rec_id"])
    if any(part in row for part in _ADDRESS_PARTS) and not row.get("address"):
        row["address"] = " ".join(row[p] for p in _ADDRESS_PARTS if row.get(p))
    return row, truth


def load_dataset(name_or_path: str, root: Path = REPO_ROOT) -> Dataset:
    path = dataset_path(name_or_path, root)
    records: list[dict[str, str]] = []
    truth: list[str] = []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        for number, raw in enumerate(csv.DictReader(handle), start=2):
            row, entity = _row(raw)
            if not row.get("unique_id"):
                raise DatasetError(f"{path.name} line {number}: no unique_id (or rec_id)")
            if not entity:
                raise DatasetError(f"{path.name} line {number}: no cluster (the true entity)")
            records.append(row)
            truth.append(entity)
    if not records:
        raise DatasetError(f"{path.name} has no rows")
    return Dataset(name=path.stem, records=records, truth=truth)


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def pair_scores(truth: Sequence[str], predicted: Sequence[object]) -> dict[str, float | int]:
    """Precision, recall and F1 over within-cluster pairs (from the contingency table)."""
    pairs_true = sum(_pairs(c) for c in Counter(truth).values())
    pairs_predicted = sum(_pairs(c) for c in Counter(predicted).values())
    pairs_correct = sum(_pairs(c) for c in Counter(zip(truth, predicted, strict=True)).values())
    precision = pairs_correct / pairs_predicted if pairs_predicted else 1.0
    recall = pairs_correct / pairs_true if pairs_true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "pairs_true": pairs_true,
        "pairs_predicted": pairs_predicted,
        "pairs_correct": pairs_correct,
    }


def blocking_recall(dataset: Dataset, resolution: Resolution) -> float:
    """Share of the true pairs that blocking let through to comparison (an upper bound)."""
    truth = dataset.truth
    found = sum(
        truth[a] == truth[b]
        for a, b in zip(resolution.left.tolist(), resolution.right.tolist(), strict=True)
    )
    total = sum(_pairs(c) for c in Counter(truth).values())
    return round(found / total, 4) if total else 1.0


def evaluate_identity(
    name_or_path: str, settings: Settings | None = None, root: Path = REPO_ROOT
) -> dict[str, object]:
    """Resolve the data set as one batch and score it; ``seconds`` is resolution time only."""
    dataset = load_dataset(name_or_path, root)
    started = time.perf_counter()
    resolution = resolve(dataset.records, settings)
    seconds = time.perf_counter() - started
    scores = pair_scores(dataset.truth, resolution.cluster_of)
    return {
        "dataset": dataset.name,
        "profiles": len(dataset.records),
        **scores,
        "pairs_compared": int(resolution.left.size),
        "blocking_recall": blocking_recall(dataset, resolution),
        "uncertain": len(resolution.uncertain),
        "seconds": round(seconds, 3),
    }
