# ruff: noqa: RUF001 - Chinese text, as customers write it
"""``deskpilot eval sentiment``: data set loading, the split protocol and the command."""

from __future__ import annotations

import csv
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from deskpilot.evals.sentiment import (
    REPO_ROOT,
    SentimentDatasetError,
    dataset_path,
    evaluate_sentiment,
    load,
)

GOOD = ["好吃", "很快", "满意", "推荐", "新鲜", "热乎", "量大", "实惠"]
BAD = ["难吃", "太慢", "失望", "凉了", "太咸", "洒了", "量少", "太贵"]
NEUTRAL = ["今天", "中午", "点了", "外卖", "米饭", "一份", "送到", "公司"]


def _write(
    path: Path, rows: list[tuple[str, str]], header: tuple[str, str] = ("label", "text")
) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _review(rng: random.Random, words: list[str]) -> str:
    picked = rng.sample(words, 2) + rng.sample(NEUTRAL, 2)
    rng.shuffle(picked)
    return "，".join(picked)


def _binary(path: Path, n: int = 120) -> Path:
    rng = random.Random(5)
    rows = [("1", _review(rng, GOOD)) if i % 2 else ("0", _review(rng, BAD)) for i in range(n)]
    return _write(path, rows)


def test_binary_csv_trains_on_at_most_half(tmp_path: Path) -> None:
    result = evaluate_sentiment(str(_binary(tmp_path / "reviews.csv")), embedder=None)
    assert result["n_train"] == 60
    assert result["n_test"] == 60
    assert result["accuracy"] >= 0.9
    assert set(result["recall_by_label"]) == {"negative", "positive"}
    assert result["embedder"] is None
    assert result["chosen"]["embedding_weight"] == 0.0
    assert isinstance(result["seconds"], float)


def test_train_fraction_is_capped_at_half(tmp_path: Path) -> None:
    path = str(_binary(tmp_path / "reviews.csv"))
    assert evaluate_sentiment(path, embedder=None, train_fraction=0.9)["n_train"] == 60
    assert evaluate_sentiment(path, embedder=None, train_fraction=0.25)["n_train"] == 30


def test_the_split_depends_on_the_seed_only(tmp_path: Path) -> None:
    path = str(_binary(tmp_path / "reviews.csv"))
    first = evaluate_sentiment(path, embedder=None, seed=1)
    again = evaluate_sentiment(path, embedder=None, seed=1)
    assert {k: v for k, v in first.items() if k != "seconds"} == {
        k: v for k, v in again.items() if k != "seconds"
    }


def test_three_labels_and_the_review_column(tmp_path: Path) -> None:
    rng = random.Random(8)
    rows = []
    for i in range(150):
        kind = i % 3
        words = (BAD, NEUTRAL, GOOD)[kind]
        rows.append(
            (str(kind - 1), _review(rng, words) if kind != 1 else "，".join(rng.sample(NEUTRAL, 4)))
        )
    path = _write(tmp_path / "three.csv", rows, header=("label", "review"))
    examples = load(str(path))
    assert {e.label for e in examples} == {"negative", "neutral", "positive"}
    result = evaluate_sentiment(str(path), embedder=None)
    assert set(result["recall_by_label"]) == {"negative", "neutral", "positive"}
    assert result["accuracy"] >= 0.8


@pytest.mark.parametrize(
    ("rows", "header", "message"),
    [
        ([("2", "x"), ("0", "y")], ("label", "text"), "labels must be"),
        ([("1", "x")], ("score", "text"), "needs the columns"),
        ([("1", "x"), ("1", "y")], ("label", "text"), "two different labels"),
    ],
)
def test_bad_files_are_refused(
    tmp_path: Path, rows: list[tuple[str, str]], header: tuple[str, str], message: str
) -> None:
    path = _write(tmp_path / "bad.csv", rows, header)
    with pytest.raises(SentimentDatasetError, match=message):
        load(str(path))


def test_unknown_names_are_refused(tmp_path: Path) -> None:
    with pytest.raises(SentimentDatasetError):
        dataset_path("no_such_dataset", root=tmp_path)


def test_waimai_name_resolves_next_to_the_repository() -> None:
    expected = REPO_ROOT.parent / "shared" / "datasets" / "sentiment_zh" / "waimai_10k.csv"
    if not expected.is_file():
        pytest.skip("../shared/datasets is not present")
    assert dataset_path("waimai_10k") == expected.resolve()


def test_command_prints_json(tmp_path: Path) -> None:
    path = _binary(tmp_path / "reviews.csv")
    env = {**os.environ, "DESKPILOT_EMBEDDINGS": "none", "DESKPILOT_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "deskpilot", "eval", "sentiment", "--dataset", str(path), "--json"],
        capture_output=True, text=True, env=env, check=False, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["n_train"] == 60
    assert result["accuracy"] >= 0.9
    failed = subprocess.run(
        [sys.executable, "-m", "deskpilot", "eval", "sentiment", "--dataset", "nope.csv"],
        capture_output=True, text=True, env=env, check=False, timeout=300,
    )  # fmt: skip
    assert failed.returncode == 1
    assert "no sentiment data set" in failed.stderr
