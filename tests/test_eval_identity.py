"""``deskpilot eval identity``: data set loading, pair scoring and the command itself."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from deskpilot.customers.matching.synthetic import generate
from deskpilot.evals.identity import (
    REPO_ROOT,
    DatasetError,
    evaluate_identity,
    load_dataset,
    pair_scores,
)

FAKE_1000 = REPO_ROOT.parent / "shared" / "datasets" / "identity" / "fake_1000.csv"
KEYS = {"precision", "recall", "f1", "pairs_true", "pairs_predicted", "seconds"}


def _write_synthetic(path: Path, profiles: int = 800) -> Path:
    data = generate(profiles, seed=9)
    columns = ["unique_id", "first_name", "surname", "full_name", "dob", "email", "phone",
               "city", "address", "postcode", "cluster"]  # fmt: skip
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for record, entity in zip(data.records, data.truth, strict=True):
            writer.writerow({**record, "cluster": entity})
    return path


def test_pair_scores_count_within_cluster_pairs() -> None:
    truth = ["a", "a", "a", "b", "b", "c"]
    predicted = [1, 1, 2, 3, 3, 3]
    scores = pair_scores(truth, predicted)
    assert scores["pairs_true"] == 3 + 1
    assert scores["pairs_predicted"] == 1 + 3
    assert scores["pairs_correct"] == 1 + 1
    assert scores["precision"] == 0.5
    assert scores["recall"] == 0.5
    assert scores["f1"] == 0.5


def test_eval_runs_on_a_csv_file(tmp_path: Path) -> None:
    path = _write_synthetic(tmp_path / "people.csv")
    result = evaluate_identity(str(path))
    assert set(result) >= KEYS
    assert result["profiles"] == 800
    assert isinstance(result["f1"], float)
    assert result["f1"] >= 0.95
    assert isinstance(result["pairs_true"], int)
    assert result["pairs_true"] > 0


def test_febrl_layout_is_understood(tmp_path: Path) -> None:
    path = tmp_path / "febrl.csv"
    path.write_text(
        "rec_id, given_name, surname, street_number, address_1, address_2, suburb, postcode,"
        " state, date_of_birth, soc_sec_id\n"
        "rec-1-org, mitchell, green, 7, wallaby place, delmar, cleveland, 2119, sa, 19560409,"
        " 1804974\n"
        "rec-1-dup-0, mitchell, gren, 7, wallaby pl, delmar, cleveland, 2119, sa, 19560409,"
        " 1804974\n"
        "rec-2-org, harley, mccarthy, 177, pridham street, milton, marsden, 3165, nsw, 19080419,"
        " 6089216\n"
    )
    dataset = load_dataset(str(path))
    assert dataset.truth == ["1", "1", "2"]
    first = dataset.records[0]
    assert first["unique_id"] == "rec-1-org"
    assert first["first_name"] == "mitchell"
    assert first["address"] == "7 wallaby place delmar"
    assert first["city"] == "cleveland"
    assert first["dob"] == "19560409"
    assert first["identifier"] == "1804974"


def test_missing_data_sets_are_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="no data set named 'nope'"):
        load_dataset("nope", root=tmp_path)
    with pytest.raises(DatasetError, match="no data set file"):
        load_dataset(str(tmp_path / "missing.csv"))
    bad = tmp_path / "bad.csv"
    bad.write_text("unique_id,first_name\n1,Ann\n")
    with pytest.raises(DatasetError, match="cluster"):
        load_dataset(str(bad))


def test_the_command_prints_json(tmp_path: Path) -> None:
    path = _write_synthetic(tmp_path / "people.csv", profiles=300)
    done = subprocess.run(
        [sys.executable, "-m", "deskpilot", "eval", "identity", "--dataset", str(path), "--json"],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert set(json.loads(done.stdout)) >= KEYS
    missing = subprocess.run(
        [sys.executable, "-m", "deskpilot", "eval", "identity", "--dataset", "no_such_set"],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert missing.returncode == 1
    assert "no data set named 'no_such_set'" in missing.stderr


@pytest.mark.skipif(not FAKE_1000.is_file(), reason="../shared/datasets/identity not present")
def test_fake_1000_reaches_the_measured_floor() -> None:
    # Measured 0.939 F1 with the default settings (which were not tuned on this file).
    started = time.perf_counter()
    result = evaluate_identity("fake_1000")
    assert isinstance(result["f1"], float)
    assert result["f1"] >= 0.92
    assert time.perf_counter() - started < 10
