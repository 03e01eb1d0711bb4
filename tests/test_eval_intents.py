"""``deskpilot eval intents``: data set loading, few-shot sampling, scoring and the command."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from deskpilot.evals.intents import (
    IntentDatasetError,
    evaluate_intents,
    load_dataset,
    sample_shots,
)

KEYS = {"accuracy", "in_scope_accuracy", "oos_recall", "n_train", "n_test", "seconds"}

TEMPLATES: dict[str, list[str]] = {
    "order_status": [
        "where is my {thing}", "has my {thing} shipped", "track my {thing}",
        "when does my {thing} arrive", "{thing} delivery status", "我的{zh}到哪了",
        "где мой {ru}",
    ],
    "refund": [
        "refund my {thing}", "I want money back for the {thing}", "return the {thing} for a refund",
        "how do I get a refund on my {thing}", "{thing} refund please", "{zh}退款",
        "верните деньги за {ru}",
    ],
    "password": [
        "forgot my password for the {thing} app", "reset password", "can't log in to my account",
        "password not working on {thing} page", "change my login password", "忘记密码了{zh}",
        "забыл пароль от {ru}",
    ],
}  # fmt: skip
THINGS = ["order", "parcel", "package", "shoes", "jacket", "lamp", "headphones", "book"]
ZH = ["订单", "包裹", "鞋子", "外套", "台灯"]
RU = ["заказ", "посылку", "куртку", "лампу", "книгу"]
OFF_TOPIC = [
    "what is the weather {x}", "tell me a joke about {x}", "who won the game {x}",
    "write a poem about {x}", "明天天气怎么样{x}", "какая погода {x}",
]  # fmt: skip
DAYS = ["today", "tomorrow", "on monday", "this week", "tonight", "now", "later", "again"]


def _pairs(rng: random.Random, per_intent: int) -> list[list[str]]:
    rows = []
    for intent, templates in TEMPLATES.items():
        for n in range(per_intent):
            template = templates[n % len(templates)]  # every template in every split
            text = template.format(thing=rng.choice(THINGS), zh=rng.choice(ZH), ru=rng.choice(RU))
            rows.append([text, intent])
    return rows


def _off_topic(rng: random.Random, n: int) -> list[list[str]]:
    return [[rng.choice(OFF_TOPIC).format(x=rng.choice(DAYS)), "oos"] for _ in range(n)]


def write_dataset(path: Path, with_oos: bool = True) -> Path:
    rng = random.Random(7)
    data: dict[str, list[list[str]]] = {
        "train": _pairs(rng, 20),
        "val": _pairs(rng, 6),
        "test": _pairs(rng, 10),
    }
    if with_oos:
        data |= {
            "oos_train": _off_topic(rng, 12),
            "oos_val": _off_topic(rng, 6),
            "oos_test": _off_topic(rng, 10),
        }
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_eval_on_a_json_file_in_clinc_layout(tmp_path: Path) -> None:
    path = write_dataset(tmp_path / "tiny.json")
    result = evaluate_intents(str(path), embedder=None)
    assert set(result) >= KEYS
    assert result["n_train"] == 3 * 20 + 12
    assert result["n_test"] == 3 * 10 + 10
    assert result["n_intents"] == 3
    for key in ("accuracy", "in_scope_accuracy", "oos_recall"):
        assert 0.0 <= result[key] <= 1.0
    assert result["in_scope_accuracy"] >= 0.9
    assert result["oos_recall"] >= 0.7
    assert result["accuracy"] >= 0.85


def test_without_out_of_scope_data_only_accuracy_is_reported(tmp_path: Path) -> None:
    path = write_dataset(tmp_path / "tiny.json", with_oos=False)
    result = evaluate_intents(str(path), embedder=None)
    assert "oos_recall" not in result
    assert result["accuracy"] >= 0.9
    assert result["n_test"] == 30


def test_shots_train_on_n_examples_per_intent(tmp_path: Path) -> None:
    path = write_dataset(tmp_path / "tiny.json")
    result = evaluate_intents(str(path), shots=3, embedder=None)
    assert result["n_train"] == 3 * 3 + 3
    assert result["shots"] == 3
    assert 0.0 <= result["accuracy"] <= 1.0

    train = load_dataset(str(path)).train
    sample = sample_shots(train, 4, seed=1)
    assert sorted(intent for _, intent in sample) == sorted(
        ["order_status", "refund", "password"] * 4
    )
    assert sample == sample_shots(train, 4, seed=1)  # seeded
    assert sample_shots(train, 100, seed=1) == sorted(train, key=lambda row: row[1])
    with pytest.raises(IntentDatasetError, match="shots"):
        evaluate_intents(str(path), shots=0, embedder=None)


def test_bad_data_sets_are_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # bare names are also looked up from the working directory
    with pytest.raises(IntentDatasetError, match="no intent data set"):
        load_dataset(str(tmp_path / "missing.json"))
    with pytest.raises(IntentDatasetError, match="not found"):
        load_dataset("clinc150", root=tmp_path / "nowhere" / "repo")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(IntentDatasetError, match="cannot read"):
        load_dataset(str(bad))
    bad.write_text(json.dumps({"train": [["hello", "greeting"]]}))
    with pytest.raises(IntentDatasetError, match="'test'"):
        load_dataset(str(bad))
    bad.write_text(json.dumps({"train": [["hello", "greeting"]], "test": [["hi"]]}))
    with pytest.raises(IntentDatasetError, match=r"test\[0\]"):
        load_dataset(str(bad))


def test_the_command_prints_json(tmp_path: Path) -> None:
    path = write_dataset(tmp_path / "tiny.json")
    env = {**os.environ, "DESKPILOT_EMBEDDINGS": "none", "DESKPILOT_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "deskpilot", "eval", "intents", "--dataset", str(path), "--json"],
        capture_output=True, text=True, check=False, timeout=300, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(result) >= KEYS
    assert result["in_scope_accuracy"] >= 0.9
    missing = subprocess.run(
        [sys.executable, "-m", "deskpilot", "eval", "intents", "--dataset", "no_such_set"],
        capture_output=True, text=True, check=False, timeout=300, env=env,
    )  # fmt: skip
    assert missing.returncode == 1
    assert "no intent data set at 'no_such_set'" in missing.stderr
