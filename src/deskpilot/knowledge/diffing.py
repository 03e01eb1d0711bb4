"""A unified diff between two versions of an article: the title, then the body.

Lines are split at ``\\n`` only, so two versions that differ only in how their lines end
still differ in the diff: a carriage return (CRLF against LF), a line or paragraph separator
(U+2028, U+2029) and other invisible characters (zero-width spaces, control characters,
non-breaking spaces) are written visibly, as ``<CR>`` or ``<U+2028>``, and a trailing newline
is one more (empty) line. The diff is empty only when the two texts are identical.
"""

from __future__ import annotations

import difflib
import unicodedata

from deskpilot.knowledge.schemas import BLANK_CATEGORIES
from deskpilot.models.knowledge import ArticleVersion


def _visible(char: str) -> str:
    """Controls, format characters, separators and spaces (all but the plain space and the
    tab) written by their code."""
    if char in " \t" or unicodedata.category(char) not in BLANK_CATEGORIES:
        return char
    return "<CR>" if char == "\r" else f"<U+{ord(char):04X}>"


def _lines(version: ArticleVersion) -> list[str]:
    text = f"# {version.title}\n\n{version.body}"
    return ["".join(_visible(char) for char in line) + "\n" for line in text.split("\n")]


def unified_diff(old: ArticleVersion, new: ArticleVersion, context: int = 3) -> str:
    """Lines of ``old`` then ``new``, labelled ``v{number}``; empty only when the texts are
    equal."""
    diff = "".join(
        difflib.unified_diff(
            _lines(old), _lines(new), f"v{old.number}", f"v{new.number}", n=context
        )
    )
    if not diff and (old.title, old.body) != (new.title, new.body):
        # only when a text holds, say, "<CR>" written out where the other has a carriage return
        note = "\\ the texts differ only in invisible characters\n"
        diff = f"--- v{old.number}\n+++ v{new.number}\n{note}"
    return diff
