"""The language of a text (a customer message, an imported article), among the languages its
workspace enables.

``lingua`` detectors are built only for the enabled languages (one detector per distinct set,
kept for the life of the process): a detector for all 75 languages would hold about 1.3 GB of
models, one for en/zh/ru a few MB, and fewer candidates also means fewer mistakes on short
texts. lingua cannot score a single candidate, so with one enabled language the answer is that
language when most letters are in its script.

When the text gives nothing to go on (empty, digits, emoji, punctuation, a single letter,
letters of a script no enabled language uses) or lingua is unsure, the answer is the
``default`` passed in (the workspace's default language, or None) with confidence 0.

Mixed scripts ("my 订单 is late") are split by lingua into single-language sections; the
language covering most of the text wins, with its lingua confidence scaled by the share it
covers. A Han character counts as ``HAN_WEIGHT`` letters, because one Chinese character carries
about as much as a short Latin or Cyrillic word.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from deskpilot.kit.errors import InvalidInput

MIN_CONFIDENCE = 0.5
"""Below this, lingua's best guess is not trusted and the default is returned."""
MIN_LETTERS = 2
"""Fewer letters than this (a Han character counts as ``HAN_WEIGHT``) is too little to tell."""
HAN_WEIGHT = 3
"""One Han character weighs as much as this many Latin or Cyrillic letters in a mixed text."""
KEEP_SHARE = 0.2
"""A message with at least this share of letters in the conversation's script keeps its
language (``speaks_on_in``)."""


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """``code`` is an ISO 639-1 code (lower case) or None; ``confidence`` is 0..1 and is 0 when
    ``code`` is the fallback default rather than something detected."""

    code: str | None
    confidence: float


def _is_han(char: str) -> bool:
    return "CJK UNIFIED IDEOGRAPH" in unicodedata.name(char, "")


_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+")


def _letter_weight(text: str) -> int:
    return sum(
        HAN_WEIGHT if _is_han(c) else 1 for c in text if unicodedata.category(c).startswith("L")
    )


def _language(code: str) -> Language:
    try:
        return Language.from_iso_code_639_1(IsoCode639_1.from_str(code.strip().upper()))
    except ValueError:
        raise InvalidInput.field(
            "languages", f"{code!r} is not an ISO 639-1 code the language detector knows"
        ) from None


def normalise_codes(codes: Iterable[str]) -> frozenset[str]:
    """Lower-cased ISO 639-1 codes; an unknown code raises InvalidInput naming ``languages``."""
    result = frozenset(code.strip().lower() for code in codes if code.strip())
    for code in result:
        _language(code)
    return result


def supported_codes() -> frozenset[str]:
    """Every ISO 639-1 code a workspace may enable."""
    return frozenset(lang.iso_code_639_1.name.lower() for lang in Language.all())


@lru_cache(maxsize=32)
def detector_for(codes: frozenset[str]) -> LanguageDetector:
    """One lingua detector per distinct set of languages, loaded lazily (models are read on
    first use) and kept for the life of the process."""
    languages = [_language(code) for code in sorted(codes)]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def detect_language(text: str, enabled: Sequence[str], default: str | None = None) -> LanguageGuess:
    """The most likely enabled language of ``text`` (see the module docstring for fallbacks)."""
    codes = normalise_codes(enabled)
    fallback = LanguageGuess(default, 0.0)
    total = _letter_weight(text)
    if not codes or total < MIN_LETTERS:
        return fallback
    if len(codes) == 1:
        # lingua needs two candidates to score anything: check the script instead.
        (only,) = codes
        share = _script_share(text, _language(only))
        return LanguageGuess(only, round(share, 4)) if share >= MIN_CONFIDENCE else fallback
    detector = detector_for(codes)
    sections = detector.detect_multiple_languages_of(text)
    if len(sections) > 1:
        weights: dict[Language, int] = {}
        for section in sections:
            part = text[section.start_index : section.end_index]
            weights[section.language] = weights.get(section.language, 0) + _letter_weight(part)
        winner = max(weights, key=lambda lang: weights[lang])
        share = weights[winner] / max(1, sum(weights.values()))
        # Confidence of the winner on its own sections, scaled by how much of the text it is.
        own = " ".join(text[s.start_index : s.end_index] for s in sections if s.language == winner)
        confidence = detector.compute_language_confidence(own, winner) * share
    else:
        values = detector.compute_language_confidence_values(text)
        if not values or values[0].value <= 0.0:
            return fallback
        winner, confidence = values[0].language, values[0].value
    if _script(winner) == "latin":
        carrier = _carried_by_another_script(text, codes)
        if carrier is not None:
            winner, confidence = carrier
    if confidence < MIN_CONFIDENCE:
        return fallback
    return LanguageGuess(winner.iso_code_639_1.name.lower(), round(float(confidence), 4))


def _carried_by_another_script(text: str, codes: frozenset[str]) -> tuple[Language, float] | None:
    """The enabled language of another script that carries a text lingua took for a Latin
    one, with its confidence, or None.

    lingua reads "Lumio Plus多少钱一个月" or "сбросить Lumio Buds" as English with confidence 1.0:
    the Latin letters are one run it knows. But a product or a person's name written in Latin
    letters says nothing of the language around it. So Latin words that look like names (a
    capital letter inside the word, "AirPods", "iPhone"; or a capital that does not open a
    sentence, "Lumio Plus" after other words) do not count, and the other script wins when its
    letters (a Han character as ``HAN_WEIGHT``) outweigh the Latin letters left. One Latin word
    ("мой email", "我的email是") never makes a message English either. "Hello, I ordered a
    самовар" stays English: its Latin words are the sentence."""
    scripts = {lang: _script_share(text, lang) for lang in map(_language, codes)}
    other = max(
        (lang for lang in scripts if _script(lang) not in (None, "latin")),
        key=lambda lang: scripts[lang],
        default=None,
    )
    if other is None or scripts[other] <= 0:
        return None
    script = _script(other)
    assert script is not None  # chosen above among languages with a script
    own = _letter_weight("".join(c for c in text if c.isalpha() and _in(c, script)))
    latin = [m for m in _LATIN_WORD.finditer(text)]
    if len(latin) <= 1:
        return other, max(scripts[other], MIN_CONFIDENCE)
    said = sum(len(m.group()) for m in latin if not _name_like(text, m))
    if own <= said:
        return None
    return other, max(own / (own + said), MIN_CONFIDENCE)


_SENTENCE_ENDS = ".!?\u3002\uff01\uff1f"
_BEFORE_A_WORD = " \t\r\n\"'«“("
_LOOK_BACK = 40  # characters before a word looked at to see whether a sentence starts there


def _name_like(text: str, word: re.Match[str]) -> bool:
    """Whether a Latin word looks like a name: mixed case with a capital inside it ("AirPods",
    "iPhone"; a word in capitals, "WHERE IS MY", is shouted, not a name), or a capital first
    letter where no sentence starts."""
    found = word.group()
    if found.isupper():
        return False
    if any(c.isupper() for c in found[1:]):
        return True
    before = text[max(0, word.start() - _LOOK_BACK) : word.start()].rstrip(_BEFORE_A_WORD)
    opens = before[-1] in _SENTENCE_ENDS if before else word.start() <= _LOOK_BACK
    return found[0].isupper() and not opens


def speaks_on_in(text: str, previous: str, guess: str) -> bool:
    """Whether a message the detector took for ``guess`` is still in the conversation's
    ``previous`` language: the two are written in different scripts and at least
    ``KEEP_SHARE`` of the message's letters are in ``previous``'s ("Меня зовут Isabella Santos,
    индекс 10020" stays Russian; names and emails are written in Latin letters everywhere)."""
    if previous == guess:
        return True
    try:
        old, new = _language(previous), _language(guess)
    except InvalidInput:  # a code the detector does not know ("pt-BR" set by a channel)
        return False
    script = _script(old)
    if script is None or script == _script(new):
        return False  # a switch between two languages of one script is the detector's to tell
    # weighed as the detector weighs a mixed text: a Han character counts as HAN_WEIGHT letters
    own = "".join(c for c in text if unicodedata.category(c).startswith("L") and _in(c, script))
    return _letter_weight(own) >= KEEP_SHARE * max(1, _letter_weight(text))


def _in(char: str, script: str) -> bool:
    return _is_han(char) if script == "han" else script.upper() in unicodedata.name(char, "")


def _script(language: Language) -> str | None:
    if language in Language.all_with_cyrillic_script():
        return "cyrillic"
    if language in Language.all_with_latin_script():
        return "latin"
    if language in (Language.CHINESE, Language.JAPANESE):
        return "han"
    return None


def _script_share(text: str, language: Language) -> float:
    """The share of the letters of ``text`` written in a script ``language`` uses (1.0 for
    languages whose script is not checked here)."""
    letters = [c for c in text if unicodedata.category(c).startswith("L")]
    if not letters:
        return 0.0
    if language in Language.all_with_cyrillic_script():
        hits = sum("CYRILLIC" in unicodedata.name(c, "") for c in letters)
    elif language in Language.all_with_latin_script():
        hits = sum("LATIN" in unicodedata.name(c, "") for c in letters)
    elif language in (Language.CHINESE, Language.JAPANESE):
        hits = sum(_is_han(c) for c in letters)
    else:
        return 1.0
    return hits / len(letters)


def language_family(tag: str) -> tuple[list[str], str | None]:
    """What a language filter admits, as (exact tags, prefix): ``zh`` admits ``zh`` and every
    ``zh-…`` (prefix ``zh-``); ``zh-CN`` admits ``zh-CN`` and plain ``zh`` (an article in
    Chinese serves a reader of Chinese in China)."""
    primary, dash, _ = tag.partition("-")
    if not dash:
        return [tag], f"{tag}-"
    return [tag, primary], None
