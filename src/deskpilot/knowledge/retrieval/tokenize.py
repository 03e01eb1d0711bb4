"""The app's own tokens for lexical search: the same function for passages and queries.

Runs of Chinese characters are segmented into words with ``rjieba`` (never other scripts);
Cyrillic words are stemmed with the Russian Snowball stemmer, Latin words with the English one;
everything is lower-cased and punctuation dropped. The result is space-separated, so both
SQLite FTS5 (unicode61) and PostgreSQL's ``simple`` configuration index it word by word.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import rjieba
import snowballstemmer

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"([{_HAN}]+)|([^\W_{_HAN}]+)")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[a-z]")


class _Stemmers(threading.local):
    """One pair of stemmers per thread: a Snowball stemmer keeps the word it is working on in
    the object, so two threads sharing one (indexing in a worker thread, a query on the event
    loop) corrupt each other's words or fail with an IndexError."""

    def __init__(self) -> None:
        self.english = snowballstemmer.stemmer("english")
        self.russian = snowballstemmer.stemmer("russian")


_STEMMERS = _Stemmers()


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    if _CYRILLIC.search(word):
        return str(_STEMMERS.russian.stemWord(word.replace("\u0451", "\u0435")))  # yo -> ye
    if _LATIN.search(word):
        return str(_STEMMERS.english.stemWord(word))
    return word


def _han_words(run: str) -> list[str]:
    return [w for w in rjieba.cut(run) if w.strip()]


def tokens(text: str) -> list[str]:
    """The words of ``text`` as the index stores them: lower-case, stemmed or segmented."""
    out: list[str] = []
    for han, word in _TOKEN.findall(text.lower()):
        if han:
            out.extend(_han_words(han))
        else:
            out.append(_stem(word))
    return out


def search_text(text: str) -> str:
    """``tokens`` joined by spaces: what ``KnowledgeChunk.search_text`` holds."""
    return " ".join(tokens(text))
