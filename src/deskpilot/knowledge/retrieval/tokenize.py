"""The app's own tokens for lexical search: the same function for passages and queries.

Runs of Chinese characters are segmented into words with ``rjieba`` (never other scripts);
Cyrillic words are stemmed with the Russian Snowball stemmer, Latin words with the English one;
everything is lower-cased and punctuation dropped. The result is space-separated, so both
SQLite FTS5 (unicode61) and PostgreSQL's ``simple`` configuration index it word by word.

``words`` keeps each token's word as written (lower-cased, yo read as ye) next to it: function
words are recognised by that, before stemming, since a stem is shared by unrelated words
(``почти``, almost, and ``почта``, email, both stem to ``почт``).

A query's Chinese (``for_query``) is segmented in jieba's search mode: a compound gives its
words as well as itself (``开发票`` -> ``开发 发票 开发票``), so the passage's ``发票`` matches.
Passages keep the precise mode: the index is as it was, and a compound still matches itself.
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


def _han_words(run: str, *, for_query: bool = False) -> list[str]:
    found = rjieba.cut_for_search(run) if for_query else rjieba.cut(run)
    return [w for w in found if w.strip()]


def words(text: str, *, for_query: bool = False) -> list[tuple[str, str]]:
    """Each word of ``text`` as (the word as written, lower-cased, yo read as ye; its token).
    A Chinese word is its own token; ``for_query`` segments Chinese in search mode."""
    out: list[tuple[str, str]] = []
    for han, word in _TOKEN.findall(text.lower()):
        if han:
            out.extend((w, w) for w in _han_words(han, for_query=for_query))
        else:
            out.append((word.replace("\u0451", "\u0435"), _stem(word)))
    return out


def tokens(text: str, *, for_query: bool = False) -> list[str]:
    """The words of ``text`` as the index stores them: lower-case, stemmed or segmented
    (``for_query``: Chinese in search mode, see the module docstring)."""
    return [token for _, token in words(text, for_query=for_query)]


def search_text(text: str) -> str:
    """``tokens`` joined by spaces: what ``KnowledgeChunk.search_text`` holds."""
    return " ".join(tokens(text))
