"""``deskpilot eval replies``: a tiny suite through the whole engine (lexical search only, as the
test settings have no embedder), its scores and failing cases, and clear errors for bad suites."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from deskpilot.cli import app
from deskpilot.evals.replies import SuiteError, evaluate_replies, load_suite, suite_paths

KNOWLEDGE = [
    {
        "key": "shipping",
        "title": "How long does shipping take?",
        "body": "Orders leave our warehouse within one business day. Standard delivery takes "
        "three to five business days; express delivery takes one to two.",
        "language": "en",
        "category": "faq",
    },
    {
        "key": "overrides",
        "title": "Refund overrides for agents",
        "body": "Agents may refund any order up to 90 days with the override code OVR-7731.",
        "language": "en",
        "visibility": "internal",
    },
]
CUSTOMERS = [
    {
        "email": "noah@example.com",
        "name": "Noah Brown",
        "zip": "80279",
        "orders": [
            {
                "id": "#W0000002",
                "status": "processed",
                "items": ["Desk Lamp"],
                "total": 89.9,
                "tracking": "357962501027",
            }
        ],
    },
    {
        "email": "anna@example.com",
        "name": "Anna Lee",
        "orders": [{"id": "#W0000005", "status": "pending", "items": ["Yoga Mat"]}],
    },
]
RIGHT_CASES: list[dict[str, Any]] = [
    {
        "id": "shipping",
        "turns": ["How long does standard delivery take?"],
        "expect": {
            "decision": "answer",
            "cites": "shipping",
            "language": "en",
            "reply_contains": ["business days"],
        },
    },
    {
        "id": "status",
        "customer": "noah@example.com",
        "turns": ["Where is my order #W0000002?"],
        "expect": {
            "decision": "action",
            "action": "order_status",
            "reply_contains": ["processed", "357962501027"],
            "reply_excludes": ["#W0000005"],
        },
    },
    {
        "id": "person",
        "turns": ["I want to talk to a real person"],
        "expect": {"decision": ["handoff"], "language": "en"},
    },
]


def write_suite(folder: Path, cases: list[dict[str, Any]], name: str = "tiny.yaml") -> Path:
    path = folder / name
    suite = {"knowledge": KNOWLEDGE, "customers": CUSTOMERS, "cases": cases}
    text = json.dumps(suite) if path.suffix == ".json" else yaml.safe_dump(suite)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_suite_whose_expectations_are_right_scores_one(tmp_path: Path) -> None:
    result = evaluate_replies(str(write_suite(tmp_path, RIGHT_CASES)))
    assert set(result) >= {
        "n",
        "decision_accuracy",
        "citation_accuracy",
        "action_accuracy",
        "language_accuracy",
        "excluded_text_leaks",
        "wrong_actions",
        "failing",
        "seconds",
    }
    assert result["n"] == 3
    assert result["failing"] == []
    assert result["decision_accuracy"] == 1.0
    assert result["citation_accuracy"] == 1.0
    assert result["action_accuracy"] == 1.0
    assert result["language_accuracy"] == 1.0
    assert result["excluded_text_leaks"] == 0
    assert result["wrong_actions"] == 0


def test_wrong_expectations_are_failing_cases_with_a_reason(tmp_path: Path) -> None:
    wrong: list[dict[str, Any]] = [
        {  # the bot answers this question; expecting a hand-off is wrong
            "id": "expects-handoff",
            "turns": ["How long does standard delivery take?"],
            "expect": {"decision": "handoff", "language": "ru"},
        },
        {  # the bot does show the tracking number: a leak when it is excluded
            "id": "excludes-tracking",
            "customer": "noah@example.com",
            "turns": ["Where is my order #W0000002?"],
            "expect": {"decision": "answer", "reply_excludes": ["357962501027"]},
        },
        RIGHT_CASES[2],
    ]
    result = evaluate_replies(str(write_suite(tmp_path, wrong, "wrong.json")))
    failing = {f["id"]: f["why"] for f in result["failing"]}
    assert set(failing) == {"expects-handoff", "excludes-tracking"}
    assert "decision answer" in failing["expects-handoff"]
    assert "language en" in failing["expects-handoff"]
    assert result["decision_accuracy"] == pytest.approx(1 / 3, abs=1e-3)
    assert result["language_accuracy"] == 0.5
    assert result["excluded_text_leaks"] == 1
    assert result["wrong_actions"] == 1  # order_status ran where the case expected none
    assert result["citation_accuracy"] is None  # no case expects a citation


def test_the_command_prints_json(tmp_path: Path) -> None:
    path = write_suite(tmp_path, [RIGHT_CASES[2]])
    run = CliRunner().invoke(app, ["eval", "replies", "--suite", str(path), "--json"])
    assert run.exit_code == 0, run.output
    printed = json.loads(run.stdout)
    assert printed["n"] == 1
    assert printed["decision_accuracy"] == 1.0


def test_the_packaged_suites_are_valid_and_big_enough() -> None:
    total = 0
    for language in ("en", "zh", "ru"):
        (path,) = suite_paths(f"demo_shop_{language}")
        suite = load_suite(path)
        assert len(suite.cases) >= 20
        total += len(suite.cases)
        internal = {a.key for a in suite.knowledge if a.visibility != "public"}
        assert internal, "each suite carries internal articles with secrets"
        assert not any(case.expect.cites in internal for case in suite.cases)
    assert total >= 60
    assert len(suite_paths("all")) == 3


@pytest.mark.parametrize(
    ("suite", "field"),
    [
        ({"knowledge": [], "customers": []}, "cases"),
        (
            {"cases": [{"id": "a", "turns": ["hi"], "expect": {"decision": "maybe"}}]},
            "cases.0.expect.decision",
        ),
        ({"cases": [{"id": "a", "turns": ["hi"]}]}, "cases.0.expect"),
        ({"cases": [{"id": "a", "turns": [], "expect": {"decision": "answer"}}]}, "cases.0.turns"),
        (
            {
                "cases": [
                    {
                        "id": "a",
                        "customer": "x@example.com",
                        "turns": ["hi"],
                        "expect": {"decision": "answer"},
                    }
                ]
            },
            "cases[0].customer",
        ),
        (
            {
                "cases": [
                    {"id": "a", "turns": ["hi"], "expect": {"decision": "answer", "cites": "x"}}
                ]
            },
            "cases[0].expect.cites",
        ),
        (
            {"knowledge": [{"key": "k", "title": "T"}], "cases": []},
            "knowledge.0.body",
        ),
        (
            {
                "cases": [
                    {"id": "a", "turns": ["hi"], "expect": {"decision": "answer"}},
                    {"id": "a", "turns": ["hi"], "expect": {"decision": "answer"}},
                ]
            },
            "cases",
        ),
    ],
)
def test_a_bad_suite_is_refused_naming_the_field(
    tmp_path: Path, suite: dict[str, Any], field: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(suite), encoding="utf-8")
    with pytest.raises(SuiteError) as raised:
        load_suite(path)
    assert any(f.field.startswith(field) for f in raised.value.fields), raised.value.message


def test_unreadable_or_missing_suites_are_clear_errors(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("cases: [unclosed", encoding="utf-8")
    with pytest.raises(SuiteError, match="cannot be read"):
        load_suite(broken)
    with pytest.raises(SuiteError, match="demo_shop_en"):
        suite_paths("no_such_suite")
    run = CliRunner().invoke(app, ["eval", "replies", "--suite", "no_such_suite"])
    assert run.exit_code != 0
