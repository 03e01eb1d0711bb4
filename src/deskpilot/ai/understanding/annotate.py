"""Everything the engine understands of one customer message, in one pass.

Language first (the other steps and the reply depend on it), then PII spans, intent, sentiment
and urgency. The message is embedded once (the embedder keeps recent queries), and intent and
sentiment read that embedding.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from deskpilot.ai.actions.answers import is_confirmation
from deskpilot.ai.understanding.intents import IntentClassifier
from deskpilot.ai.understanding.language_request import asked_language
from deskpilot.ai.understanding.sentiment import Sentiment, analyse_sentiment
from deskpilot.ai.understanding.urgency import Urgency, assess_urgency
from deskpilot.kit.language import detect_language, speaks_on_in
from deskpilot.kit.pii import PiiSpan, find_pii
from deskpilot.knowledge.retrieval.stopwords import stopwords

_NOT_WORDS = re.compile(  # each starts where a run starts: linear time on a long message
    r"(?<![\w.%+-])[\w.%+-]+@[A-Za-z0-9.-]+|https?://[!-~]+"
    r"|#?(?<![A-Za-z0-9_-])[A-Za-z]*[-_]?\d[A-Za-z0-9_-]*",
    re.ASCII,
)
"""Emails, links, order numbers: the same in every language, so left out of language detection
(only ASCII in them: "#W3000001的收货地址改一下" and "他的邮箱是li.wei@example.com"
keep their Chinese)."""
_LETTER = re.compile(r"[^\W\d_]")


IntentSource = Literal["classifier", "llm"]
SHORT_REPLY_WORDS = 2  # at most this many words (or twice as many Chinese characters)
_HAN = re.compile(r"[\u3400-\u9fff]")


_WORD = re.compile(r"[^\W\d_]+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
MIN_FUNCTION_WORDS = 2


def _built_in_russian(words: str) -> bool:
    """Whether a message in Cyrillic and Latin letters is Russian with English words in it:
    its grammar, the function words ("где мой order, уже shipped?": где, мой, уже), is
    Russian. lingua weighs letters, and two English nouns outweigh three short Russian words;
    "Hello, I ordered a самовар" keeps its English function words and stays English, and a
    Russian name or address in an English message has no Russian function words."""
    common = stopwords()
    russian = latin = 0
    for word in _WORD.findall(words.lower().replace("\u0451", "\u0435")):
        if word in common:
            if _CYRILLIC.match(word):
                russian += 1
            elif word.isascii():
                latin += 1
    return russian >= MIN_FUNCTION_WORDS and russian > latin


def _a_word_or_two(words: str) -> bool:
    """A yes or no too short to switch the conversation's language ("да", "Yes please", "好的"),
    the answer to a question the bot asked in it; "取消订单" or "Где заказ?" switch."""
    han = len(_HAN.findall(words))
    latin_or_cyrillic = len(_HAN.sub(" ", words).split())
    short = latin_or_cyrillic + han / 2 <= SHORT_REPLY_WORDS
    return short and is_confirmation(words) is not None


@dataclass(frozen=True, slots=True)
class IntentOption:
    """One intent of the workspace's taxonomy as an LLM is shown it."""

    name: str
    description: str
    examples: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ResolvedIntent:
    """An LLM's reading of a message: an intent of the taxonomy (None: out of scope)."""

    intent: str | None
    confidence: float


class IntentResolver(Protocol):
    """A second opinion on a message the classifier is unsure of (an LLM: ``ai.llm_intent``).
    ``None`` means no usable answer: the classifier's stands. Never raises for the provider's
    failures."""

    async def resolve(
        self, text: str, history: Sequence[str], options: Sequence[IntentOption]
    ) -> ResolvedIntent | None: ...


@dataclass(frozen=True, slots=True)
class Understanding:
    language: str
    language_confidence: float
    pii: tuple[PiiSpan, ...]
    intent: str | None  # None: out of scope
    confidence: float
    out_of_scope: bool
    sentiment: Sentiment
    urgency: Urgency
    intent_source: IntentSource = "classifier"
    classifier_intent: str | None = None  # the classifier's guess when another source decided
    classifier_confidence: float | None = None
    language_asked_for: bool = False  # "можно по-английски?": the conversation's from now on

    def with_resolved(self, resolved: ResolvedIntent) -> Understanding:
        """The same understanding with ``resolved``'s intent, the classifier's kept aside."""
        return dataclasses.replace(
            self,
            intent=resolved.intent,
            confidence=resolved.confidence,
            out_of_scope=resolved.intent is None,
            intent_source="llm",
            classifier_intent=self.intent,
            classifier_confidence=self.confidence,
        )

    def annotations(self) -> dict[str, Any]:
        """What is stored on the message (PII as kinds and offsets, never the values)."""
        return {
            "language": self.language,
            "language_confidence": round(self.language_confidence, 3),
            "pii": [{"kind": s.kind.value, "start": s.start, "end": s.end} for s in self.pii],
            "intent": self.intent,
            "confidence": round(self.confidence, 3),
            "out_of_scope": self.out_of_scope,
            "sentiment": {"score": round(self.sentiment.score, 3), "label": self.sentiment.label},
            "urgency": self.urgency.level,
            "intent_source": self.intent_source,
        } | (
            {
                "classifier_intent": self.classifier_intent,
                "classifier_confidence": round(self.classifier_confidence or 0.0, 3),
            }
            if self.intent_source != "classifier"
            else {}
        )


def understand(
    text: str,
    classifier: IntentClassifier,
    *,
    languages: Sequence[str],
    default_language: str,
    previous_language: str | None = None,
) -> Understanding:
    """Annotate ``text``. A message too short to tell its language ("ok", "#W1234567") keeps the
    conversation's language, else the workspace's default; so does a reply of a word or two
    in another language ("да" in an English conversation). A message without a single letter
    ("123", "???", "+1 555 0100", "👍") names no intent: it is out of scope, where the
    classifier would pick the intent with the shortest examples (a greeting) or, for a phone
    number, a request for a person."""
    words = _NOT_WORDS.sub(" ", text)
    guess = detect_language(words, languages, default=previous_language or default_language)
    language = guess.code or previous_language or default_language
    if previous_language and (
        _a_word_or_two(words) or speaks_on_in(words, previous_language, language)
    ):
        # "да" or "Yes" to a question the bot asked in another language, a Latin-letter name
        # in a Russian or Chinese message: the conversation goes on in its language
        language = previous_language
    if language == "en" and "ru" in languages and _built_in_russian(words):
        language = "ru"
    asked = asked_language(text, languages)  # "можно по-английски?": English
    prediction = classifier.predict(text) if _LETTER.search(text) else None
    sentiment = analyse_sentiment(text)
    return Understanding(
        language=asked or language,
        language_confidence=guess.confidence,
        pii=tuple(find_pii(text)),
        intent=prediction.intent if prediction else None,
        confidence=prediction.confidence if prediction else 0.0,
        out_of_scope=prediction.out_of_scope if prediction else True,
        sentiment=sentiment,
        urgency=assess_urgency(text, sentiment.score),
        language_asked_for=asked is not None,
    )
