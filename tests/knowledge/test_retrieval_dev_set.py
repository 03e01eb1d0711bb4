"""The retrieval eval reads one JSON file of documents and queries: the hand-written dev set
(``bench/data/retrieval_dev.json``) that retrieval settings are chosen on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from deskpilot.evals.retrieval import RetrievalDatasetError, load

DEV_SET = Path(__file__).resolve().parents[2] / "bench" / "data" / "retrieval_dev.json"


def test_a_json_file_holds_documents_and_queries(tmp_path: Path) -> None:
    path = tmp_path / "small.json"
    path.write_text(
        json.dumps(
            {
                "documents": [
                    {"id": "a", "title": "Refunds", "content": "We refund.", "language": "en"},
                    {"id": "b", "content": "Доставка за два дня.", "language": "ru"},
                    {"id": "c", "title": "No language", "content": "Text."},
                ],
                "queries": [{"query": "refund?", "relevant": ["a", "b"]}],
            }
        ),
        encoding="utf-8",
    )
    documents, queries = load(str(path))
    assert [(d.id, d.language) for d in documents] == [("a", "en"), ("b", "ru"), ("c", "en")]
    assert documents[1].title == ""
    assert [(q.text, q.relevant) for q in queries] == [("refund?", frozenset({"a", "b"}))]


def test_a_json_file_without_queries_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"documents": []}), encoding="utf-8")
    with pytest.raises(RetrievalDatasetError):
        load(str(path))


def test_the_dev_set_covers_three_languages_long_and_cross_lingual_queries() -> None:
    documents, queries = load(str(DEV_SET))
    ids = {d.id for d in documents}
    language = {d.id: d.language for d in documents}
    assert len(ids) == len(documents)
    assert {d.language for d in documents} == {"en", "zh", "ru"}
    assert all(q.relevant and q.relevant <= ids for q in queries)
    assert sum(len(q.text) > 1000 for q in queries) >= 3  # embedded in several windows
    assert sum(len(q.relevant) >= 4 for q in queries) >= 8  # many relevant articles
    # a Chinese or Russian question whose only answers are English articles
    cross = [
        q for q in queries if not q.text.isascii() and {language[d] for d in q.relevant} == {"en"}
    ]
    assert len(cross) >= 5
