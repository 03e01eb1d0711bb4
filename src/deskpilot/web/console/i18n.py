"""The console's translation catalog: every module in ``texts/`` adds its area's words.

``translator(language)`` gives ``t(key, **values)``; a key missing in a language falls back to
English, and a key missing everywhere shows as itself (tests/web/test_console_shell.py checks
that every key exists in every language, so neither happens in a release)."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from functools import cache

from deskpilot.web.console import texts

LANGUAGES = ("en", "zh", "ru")
LANGUAGE_NAMES = {"en": "English", "zh": "中文", "ru": "Русский"}
DEFAULT = "en"

Translator = Callable[..., str]


@cache
def catalog() -> dict[str, dict[str, str]]:
    """Every language's words, from every module of the ``texts`` package."""
    merged: dict[str, dict[str, str]] = {language: {} for language in LANGUAGES}
    for module_info in sorted(pkgutil.iter_modules(texts.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{texts.__name__}.{module_info.name}")
        area: dict[str, dict[str, str]] = module.TEXTS
        for language, words in area.items():
            merged.setdefault(language, {}).update(words)
    return merged


def words(language: str) -> dict[str, str]:
    """The language's words over the English ones (for the page's JavaScript)."""
    all_words = catalog()
    return all_words[DEFAULT] | all_words.get(language, {})


def translator(language: str) -> Translator:
    table = words(language)

    def t(key: str, **values: object) -> str:
        text = table.get(key, key)
        return text.format(**values) if values else text

    return t
