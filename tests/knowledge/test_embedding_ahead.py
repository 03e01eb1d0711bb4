"""One message is embedded once, even while another thread is already embedding it."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import numpy as np
import pytest

from deskpilot.knowledge.retrieval import embeddings
from deskpilot.knowledge.retrieval.embeddings import (
    Matrix,
    RecentQueries,
    embed_ahead,
    embed_messages_ahead,
)


class SlowEmbedder:
    """Counts its calls; each query waits until ``release`` is set."""

    name = "slow"

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.started = threading.Event()
        self.release = threading.Event()
        self.fail = False

    def passages(self, texts: list[str]) -> Matrix:
        return np.ones((len(texts), 3), dtype=np.float32)

    def query(self, text: str) -> Matrix:
        self.calls.append(text)
        self.started.set()
        assert self.release.wait(10)
        if self.fail:
            raise RuntimeError("model crashed")
        return np.full(3, float(len(text)), dtype=np.float32)


@pytest.fixture
def slow() -> SlowEmbedder:
    return SlowEmbedder()


@pytest.fixture
def ahead(slow: SlowEmbedder, monkeypatch: pytest.MonkeyPatch) -> Iterator[RecentQueries]:
    cached = RecentQueries(slow)
    monkeypatch.setattr(embeddings, "get_embedder", lambda spec=None: cached)
    embed_messages_ahead(True)
    yield cached
    embed_messages_ahead(False)


def test_a_query_under_way_in_another_thread_is_awaited_not_embedded_again(
    ahead: RecentQueries, slow: SlowEmbedder
) -> None:
    embed_ahead("where is my order?")
    assert slow.started.wait(10)
    rows: list[Matrix] = []
    waiter = threading.Thread(target=lambda: rows.append(ahead.query("where is my order?")))
    waiter.start()
    slow.release.set()
    waiter.join(10)
    assert slow.calls == ["where is my order?"]
    np.testing.assert_array_equal(rows[0], np.full(3, 18.0))
    ahead.query("where is my order?")
    assert len(slow.calls) == 1  # remembered


def test_a_failed_embedding_fails_its_waiters_and_the_next_query_tries_again(
    ahead: RecentQueries, slow: SlowEmbedder
) -> None:
    slow.fail = True
    embed_ahead("hello")
    assert slow.started.wait(10)
    errors: list[BaseException] = []

    def wait() -> None:
        try:
            ahead.query("hello")
        except RuntimeError as error:
            errors.append(error)

    waiter = threading.Thread(target=wait)
    waiter.start()
    slow.release.set()
    waiter.join(10)
    assert [str(error) for error in errors] == ["model crashed"]
    slow.fail = False
    np.testing.assert_array_equal(ahead.query("hello"), np.full(3, 5.0))
    assert slow.calls == ["hello", "hello"]


def test_nothing_is_embedded_ahead_unless_turned_on_or_for_blank_text(
    ahead: RecentQueries, slow: SlowEmbedder
) -> None:
    slow.release.set()
    embed_ahead("   ")
    embed_messages_ahead(False)
    embed_ahead("not now")
    embed_messages_ahead(True)
    embed_ahead("now")
    ahead.query("now")
    assert slow.calls == ["now"]
