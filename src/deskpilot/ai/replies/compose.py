# ruff: noqa: RUF001, RUF003 - Russian abbreviations, as articles write them
"""Extractive answers: the sentences of the best passage that speak to the question, cited.

The built-in engine never writes facts of its own: an answer is sentences copied from one
published, public passage in the customer's language, followed by the article's title as its
source. The passage is Markdown: its sentences are taken from its plain text
(``kit.markdown_text``: a table row reads "Option: Express; Price: $14.99.", and no markup
reaches the customer). ``support`` says how well the passage covers the question: the share of
the question's content words found in the passage, or the passage's cosine similarity to the
question when vectors ranked it, each scaled so that 1.0 is its threshold (whichever is
stronger). The thresholds were read off the demo knowledge base: e5 cosines of a question and
the passage that answers it were 0.89-0.92 in en, zh and ru; of unrelated pairs 0.73-0.85.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from deskpilot.ai.texts import say
from deskpilot.kit.markdown_text import plain_text
from deskpilot.knowledge.retrieval.chunking import SEPARATOR
from deskpilot.knowledge.retrieval.service import UNRELATED_SIMILARITY
from deskpilot.knowledge.retrieval.stopwords import content_words, words_in_common

MAX_SENTENCES = 3
MAX_ANSWER_CHARS = 700
MIN_COVERAGE = 0.5  # share of the question's content words found in the passage
MIN_SIMILARITY = 0.875  # cosine of e5 query and passage vectors that counts as supported
# a sentence ends at "!" or "?", at a full stop before anything but a lower-case word ("30000
# руб. действует 1 год" goes on) and an abbreviation's full stop ("г. Москва", "ул. Ленина",
# "No. 5", "P.O. Box", "e.g."), at a Chinese full stop, or at a line break
_ABBREVIATION_ENDS = "".join(
    rf"(?<!{a})"
    for a in (
        r"\bг\.", r"\bд\.", r"\bул\.", r"\bкв\.", r"\bруб\.", r"\bтыс\.", r"\bт\.е\.",
        r"\bт\.д\.", r"\bNo\.", r"\bno\.", r"\bSt\.", r"\bMr\.", r"\bMs\.", r"\bDr\.", r"\bP\.O\.",
        r"\be\.g\.", r"\bi\.e\.", r"\bapprox\.", r"\bvs\.",
    )
)  # fmt: skip
_SENTENCE_END = re.compile(
    rf"(?<=[!?\u3002\uff01\uff1f])\s+|(?<=\.){_ABBREVIATION_ENDS}\s+(?![a-zа-яё])"
    r"|(?<=[\u3002\uff01\uff1f])|\n+"
)


@dataclass(frozen=True, slots=True)
class Passage:
    article_id: str
    version: int
    heading: str | None
    text: str
    language: str
    similarity: float | None = None  # cosine to the question, when vectors ranked it

    @property
    def title(self) -> str:
        return (self.heading or "").split(SEPARATOR)[0].strip()


@dataclass(frozen=True, slots=True)
class Citation:
    article_id: str
    version: int
    title: str


@dataclass(frozen=True, slots=True)
class Composed:
    text: str
    citations: list[Citation]
    support: float  # 1.0 = exactly at the threshold of being supported; higher is stronger
    provider: str = "builtin"
    prompt_tokens: int = 0
    completion_tokens: int = 0


class AnswerWriter(Protocol):
    """Writes the answer to a question from passages (best first) in the customer's language,
    or None when it cannot (the engine then hands off)."""

    async def write(
        self, question: str, passages: list[Passage], language: str
    ) -> Composed | None: ...


class ExtractiveWriter:
    """The built-in writer: the best passage's most relevant sentences, cited."""

    async def write(self, question: str, passages: list[Passage], language: str) -> Composed | None:
        return compose_extractive(question, passages[0], language) if passages else None


def sentences(text: str) -> list[str]:
    """The sentences of plain text (``plain_text`` of a passage: one block a line)."""
    return [sentence for raw in _SENTENCE_END.split(text) if (sentence := raw.strip())]


def shares_words(text: str, passage: Passage) -> bool:
    """Whether the passage (or its heading) holds any content word of ``text``."""
    return bool(words_in_common(text, f"{passage.heading or ''} {passage.text}"))


def support_of(question: str, passage: Passage) -> float:
    """How well ``passage`` covers ``question``; 1.0 or more counts as supported."""
    asked = content_words(question)
    coverage = len(words_in_common(question, f"{passage.heading or ''} {passage.text}")) / max(
        1, len(asked)
    )
    lexical = coverage / MIN_COVERAGE
    similarity = passage.similarity or 0.0
    semantic = max(0.0, similarity - UNRELATED_SIMILARITY) / (MIN_SIMILARITY - UNRELATED_SIMILARITY)
    return max(lexical, semantic)


def compose_extractive(question: str, passage: Passage, language: str) -> Composed:
    """The sentences of the passage's plain text that share the most words with the question
    (in their order), at most ``MAX_SENTENCES``, then the source line."""
    asked = content_words(question)
    text = plain_text(passage.text)
    found = sentences(text)
    scored = sorted(range(len(found)), key=lambda i: (-len(asked & content_words(found[i])), i))[
        :MAX_SENTENCES
    ]
    chosen = [found[i] for i in sorted(scored)] if found else [text.strip()]
    joiner = "" if language == "zh" else " "
    body = joiner.join(chosen)
    if len(body) > MAX_ANSWER_CHARS:
        body = body[: MAX_ANSWER_CHARS - 1].rstrip() + "\u2026"
    source = say("answer.sources", language, titles=passage.title)
    return Composed(
        f"{body}\n\n{source}",
        [Citation(passage.article_id, passage.version, passage.title)],
        support_of(question, passage) if body.strip() else 0.0,  # "![](x.png)" says nothing
    )


def grounded_share(answer: str, passages: list[Passage]) -> float:
    """The share of an answer's content words that occur in the passages it was given: a
    generated answer below ``MIN_GROUNDED`` says things the knowledge base does not."""
    said = content_words(answer)
    if not said:
        return 0.0
    known: set[str] = set()
    for passage in passages:
        known |= content_words(f"{passage.heading or ''} {passage.text}")
    return len(said & known) / len(said)


MIN_GROUNDED = 0.7
