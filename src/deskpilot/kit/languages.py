"""Choosing a page's language from what the visitor asked for (``?lang=``, Accept-Language)."""

from __future__ import annotations

from collections.abc import Collection


def supported(tag: str | None, languages: Collection[str]) -> str | None:
    """``zh-CN`` -> ``zh`` when ``zh`` is one of ``languages``; None otherwise."""
    if not tag:
        return None
    base = tag.strip().lower().replace("_", "-").split("-")[0]
    return base if base in languages else None


def from_accept_language(header: str | None, languages: Collection[str]) -> str | None:
    """The best of ``languages`` in an ``Accept-Language`` header, by its q weights (ties: the
    first named); None when it names none of them."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        language = supported(tag, languages)
        if language is not None and weight > 0:
            ranked.append((-weight, position, language))
    return min(ranked)[2] if ranked else None


def pick_language(
    requested: str | None,
    accept_language: str | None,
    languages: Collection[str],
    *fallbacks: str | None,
    default: str = "en",
) -> str:
    """``?lang=``, then Accept-Language, then the fallbacks (say, a ticket's language), then
    ``default``: the first that is one of ``languages``."""
    chosen = supported(requested, languages) or from_accept_language(accept_language, languages)
    for candidate in (chosen, *fallbacks):
        language = supported(candidate, languages)
        if language is not None:
            return language
    return default
