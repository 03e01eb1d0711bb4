"""The batch identity-resolution engine, on small data sets built here (no database)."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from deskpilot.customers.matching import Settings, resolve
from deskpilot.customers.matching.blocking import block
from deskpilot.customers.matching.cluster import connected_components
from deskpilot.customers.matching.comparisons import (
    FIELD_INDEX,
    NULL,
    compare,
    dob_level,
    email_level,
    name_level,
    names,
)
from deskpilot.customers.matching.engine import _compare_pairs, _random_pairs
from deskpilot.customers.matching.model import expectation_maximisation, level_frequencies
from deskpilot.customers.matching.normalise import (
    dob_key,
    latin,
    prepare,
    roman_key,
    split_full_name,
)
from deskpilot.customers.matching.synthetic import generate

FAST = Settings(u_pairs=30_000)  # fewer random pairs for u: enough for these sizes
MATCHING = Path(__file__).parents[2] / "src" / "deskpilot" / "customers" / "matching"


def _pair_f1(truth: list[str], predicted: list[int]) -> float:
    def pairs(counts: Counter[object]) -> int:
        return sum(c * (c - 1) // 2 for c in counts.values())

    correct = pairs(Counter(zip(truth, predicted, strict=True)))
    precision = correct / max(pairs(Counter(predicted)), 1)
    recall = correct / max(pairs(Counter(truth)), 1)
    return 2 * precision * recall / (precision + recall) if correct else 0.0


def test_names_are_written_in_latin_letters() -> None:
    assert latin("  José  O'Neill-Smith ") == "jose oneill smith"
    assert latin("张伟") == "zhang wei"
    assert latin("Сергей Иванов") == "sergei ivanov"
    assert split_full_name("张伟") == ("wei", "zhang")
    assert split_full_name("欧阳娜娜") == ("nana", "ouyang")
    assert split_full_name("Sergey Petrovich Ivanov") == ("sergey", "ivanov")
    assert roman_key("sergey") == roman_key("sergei")
    assert roman_key("yurii") == roman_key("yuriy") == roman_key("iurii")


def test_identifiers_are_normalised() -> None:
    record = prepare(
        {
            "unique_id": "1",
            "full_name": "Сергей Иванов",
            "dob": "24/06/1971",
            "email": "Sergey.Ivanov+shop@GMail.com",
            "phone": "07700 900123",
        },
        default_region="GB",
    )
    assert (record.first, record.surname) == ("sergei", "ivanov")
    assert record.dob == "19710624"
    assert record.email == "sergeyivanov@gmail.com"
    assert record.phone == "+447700900123"
    assert dob_key("19560409") == "19560409"
    assert dob_key("1971-6-4") == "19710604"
    assert dob_key("unknown") == ""


def test_comparison_levels_are_graded() -> None:
    assert name_level("robert", "robert", "robert", "robert") == 3
    assert name_level("robert", "robret", "robert", "robret") == 2
    assert name_level("", "robert", "", "robert") == NULL
    assert name_level("robert", "mary", "robert", "mary") == 0
    assert dob_level("19710624", "19710624") == 4
    assert dob_level("19710624", "19710524") == 3
    assert dob_level("19710612", "19711206") == 2  # day and month transposed
    assert dob_level("19710624", "19990101") == 0
    a = prepare({"unique_id": "a", "email": "evie.dean56@harris.net"})
    b = prepare({"unique_id": "b", "email": "evie.dean56@harris-bailey.net"})
    c = prepare({"unique_id": "c", "email": "evie.daen56@harris.net"})
    assert email_level(a, a) == 4
    assert email_level(a, b) == 3
    assert email_level(a, c) == 2


def test_swapped_names_are_compared_the_other_way_round() -> None:
    a = prepare({"unique_id": "a", "first_name": "Gabriel", "surname": "Thomas"})
    b = prepare({"unique_id": "b", "first_name": "Thomas", "surname": "Gabriel"})
    assert names(a, b) == (3, 3, True)
    levels = compare(a, b)
    assert levels[FIELD_INDEX["dob"]] == NULL


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ({"full_name": "张伟"}, {"first_name": "Wei", "surname": "Zhang"}),
        ({"full_name": "张伟"}, {"full_name": "Zhang Wei"}),
        ({"full_name": "Сергей Иванов"}, {"first_name": "Sergey", "surname": "Ivanov"}),
        ({"first_name": "Юрий", "surname": "Фёдоров"}, {"full_name": "Yuriy Fedorov"}),
    ],
)
def test_transliterated_names_match(left: dict[str, str], right: dict[str, str]) -> None:
    a, b = prepare({"unique_id": "a", **left}), prepare({"unique_id": "b", **right})
    first, surname, _ = names(a, b)
    assert (first, surname) == (3, 3)


def test_transliterated_duplicates_are_resolved_in_a_batch() -> None:
    data = generate(1500, seed=5)
    records = [
        *data.records,
        {"unique_id": "zh-1", "full_name": "张伟", "dob": "1988-03-12", "city": "Shanghai"},
        {"unique_id": "zh-2", "first_name": "Wei", "surname": "Zhang", "dob": "1988-03-12"},
        {"unique_id": "ru-1", "full_name": "Сергей Иванов", "dob": "1979-11-02"},
        {"unique_id": "ru-2", "first_name": "Sergey", "surname": "Ivanov", "dob": "1979-11-02"},
    ]
    clusters = {tuple(sorted(c)) for c in resolve(records, FAST).clusters()}
    assert ("zh-1", "zh-2") in clusters
    assert ("ru-1", "ru-2") in clusters


def test_blocking_finds_the_planted_pairs_without_comparing_everything() -> None:
    data = generate(3000, seed=2)
    prepared = [prepare(r) for r in data.records]
    blocks = block(prepared)
    truth = data.truth
    found = sum(truth[a] == truth[b] for a, b in zip(blocks.left, blocks.right, strict=True))
    planted = sum(c * (c - 1) // 2 for c in Counter(truth).values())
    assert found / planted >= 0.97
    assert blocks.codes.size < len(prepared) * (len(prepared) - 1) // 2 / 20


def test_expectation_maximisation_converges_to_sensible_m_probabilities() -> None:
    data = generate(3000, seed=3)
    prepared = [prepare(r) for r in data.records]
    blocks = block(prepared)
    levels = _compare_pairs(prepared, blocks.left.tolist(), blocks.right.tolist(), blocks.left.size)
    ra, rb = _random_pairs(len(prepared), 20_000, seed=1)
    u = level_frequencies(_compare_pairs(prepared, ra, rb, len(ra)))
    active = np.ones(len(u), dtype=bool)
    active[FIELD_INDEX["dob"]] = False
    rows = np.searchsorted(blocks.codes, blocks.by_rule["dob"])
    m, prior, iterations = expectation_maximisation(levels[rows], u, active, iterations=200)
    assert iterations < 200  # converged before the cap
    assert 0.0 < prior < 1.0
    surname = m[FIELD_INDEX["surname"]]
    assert surname[-1] > 0.6  # matches mostly agree exactly on the surname
    assert surname[-1] > u[FIELD_INDEX["surname"]][-1] * 20
    assert abs(sum(surname) - 1.0) < 1e-9


def test_resolution_finds_planted_duplicates() -> None:
    data = generate(3000, seed=4)
    resolution = resolve(data.records, FAST)
    assert _pair_f1(data.truth, resolution.cluster_of) >= 0.97
    assert resolution.parameters.prior > 0
    assert set(resolution.timings) >= {"block", "compare", "estimate", "cluster", "total"}


def test_guarded_clustering_does_not_chain_through_a_weak_link() -> None:
    # 0-1 and 2-3 are strong pairs; 1-2 is just above the threshold but 0-2, 0-3, 1-3 are
    # clear non-matches: a plain connected-components run joins all four.
    left = np.array([0, 2, 1, 0, 0, 1], dtype=np.int64)
    right = np.array([1, 3, 2, 2, 3, 3], dtype=np.int64)
    probability = np.array([0.99, 0.99, 0.6, 0.01, 0.01, 0.01])
    plain = connected_components(4, left, right, probability, 0.5)
    guarded = connected_components(4, left, right, probability, 0.5, guard=True)
    assert plain == [0, 0, 0, 0]
    assert guarded == [0, 0, 2, 2]


def test_uncertain_pairs_carry_per_field_evidence() -> None:
    # Same name and city, but a different birthday: plausible, not sure.
    data = generate(1000, seed=6)
    ours = {"first_name": "Marta", "surname": "Kowalski", "city": "Leeds"}
    records = [
        *data.records,
        {"unique_id": "u-1", **ours, "dob": "1981-05-07", "email": "marta.k@example.com"},
        {"unique_id": "u-2", **ours, "dob": "1980-01-01"},
    ]
    settings = Settings(review_low=0.05, review_high=0.95, u_pairs=30_000)
    resolution = resolve(records, settings)
    for pair in resolution.uncertain:
        assert 0.05 <= pair.probability < 0.95
        assert pair.merged == (pair.probability >= 0.5)
        assert [f.field for f in pair.fields][:2] == ["first_name", "surname"]
    probabilities = [p.probability for p in resolution.uncertain]
    assert probabilities == sorted(probabilities, reverse=True)
    [pair] = [p for p in resolution.uncertain if {p.left_id, p.right_id} == {"u-1", "u-2"}]
    evidence = {f.field: f for f in pair.fields}
    assert evidence["surname"].level == "exact"
    assert evidence["surname"].weight > 0
    assert evidence["dob"].level == "different"
    assert evidence["dob"].weight < 0
    assert evidence["email"].level == "missing"
    assert (evidence["dob"].left, evidence["dob"].right) in {
        ("19810507", "19800101"),
        ("19800101", "19810507"),
    }


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="unique_id"):
        resolve([{"unique_id": "1"}, {"unique_id": "1"}])


def test_engine_imports_nothing_from_deskpilot_but_identity_normalisers() -> None:
    allowed = ("deskpilot.customers.matching", "deskpilot.customers.identity")
    for path in MATCHING.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            modules = []
            if isinstance(node, ast.ImportFrom) and node.module:
                modules.append(node.module)
            elif isinstance(node, ast.Import):
                modules.extend(alias.name for alias in node.names)
            for module in modules:
                if module.startswith("deskpilot"):
                    assert module.startswith(allowed), f"{path.name} imports {module}"
