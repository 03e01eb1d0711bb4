"""A unified diff between two versions of an article: the title, then the body."""

from __future__ import annotations

import difflib

from deskpilot.models.knowledge import ArticleVersion


def _lines(version: ArticleVersion) -> list[str]:
    text = f"# {version.title}\n\n{version.body}"
    return [line + "\n" for line in text.splitlines()]


def unified_diff(old: ArticleVersion, new: ArticleVersion, context: int = 3) -> str:
    """Lines of ``old`` then ``new``, labelled ``v{number}``; empty when the texts are equal."""
    return "".join(
        difflib.unified_diff(
            _lines(old), _lines(new), f"v{old.number}", f"v{new.number}", n=context
        )
    )
