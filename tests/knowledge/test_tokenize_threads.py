"""Tokenising from several threads at once: indexing runs in worker threads while queries are
tokenised on the event loop, and the stemmers must not mix their words up."""

from __future__ import annotations

import random
import sys
import threading
from collections.abc import Iterator

import pytest
import snowballstemmer

from deskpilot.knowledge.retrieval.tokenize import tokens


@pytest.fixture
def frequent_thread_switches() -> Iterator[None]:
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # hand the GIL over as often as possible
    yield
    sys.setswitchinterval(before)


def _words(seed: int, letters: str, count: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choices(letters, k=rng.randint(4, 14))) for _ in range(count)]


def test_concurrent_tokenising_stems_every_word_as_one_thread_would(
    frequent_thread_switches: None,
) -> None:
    problems: list[str] = []

    def tokenise(seed: int) -> None:
        english, russian = snowballstemmer.stemmer("english"), snowballstemmer.stemmer("russian")
        words = [(w, english) for w in _words(seed, "abcdefghijklmnopqrstuvwxyz", 6000)]
        words += [(w, russian) for w in _words(seed, "абвгдежзиклмнопрстуфхцчшыэюя", 6000)]
        random.Random(seed).shuffle(words)
        try:
            for word, stemmer in words:  # words unique to this test, so none is cached
                if tokens(word) != [stemmer.stemWord(word)]:
                    problems.append(word)
        except Exception as error:  # the old shared stemmers failed with IndexError
            problems.append(repr(error))

    threads = [threading.Thread(target=tokenise, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert problems == []
