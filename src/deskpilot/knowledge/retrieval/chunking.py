"""Markdown split into passages that respect headings.

The body is cut at headings (``#`` to ``######``, outside fenced code); each section is cut
further at blank lines so that no chunk exceeds ``max_chars`` (a single paragraph longer than
that is cut at sentence ends, then hard). Every chunk keeps its heading path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_SENTENCE = re.compile(r"(?<=[.!?\u3002\uff01\uff1f])\s*")
MAX_CHARS = 1200
SEPARATOR = " \u203a "  # a single right-pointing angle quotation mark


@dataclass(frozen=True, slots=True)
class Chunk:
    heading: str | None  # the heading path, outermost first
    text: str

    @property
    def passage(self) -> str:
        """Heading and text together: what is embedded and what a hit shows."""
        return f"{self.heading}\n{self.text}" if self.heading else self.text


def _sections(body: str) -> list[tuple[list[str], str]]:
    path: list[tuple[int, str]] = []
    sections: list[tuple[list[str], str]] = []
    lines: list[str] = []
    fenced = False

    def flush() -> None:
        text = "\n".join(lines).strip()
        if text:
            sections.append(([title for _, title in path], text))
        lines.clear()

    for line in body.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        match = None if fenced else _HEADING.match(line)
        if match:
            flush()
            level = len(match.group(1))
            path = [(lvl, title) for lvl, title in path if lvl < level]
            path.append((level, match.group(2)))
        else:
            lines.append(line)
    flush()
    return sections


def _pieces(paragraph: str, max_chars: int) -> list[str]:
    if len(paragraph) <= max_chars:
        return [paragraph]
    out: list[str] = []
    current = ""
    for sentence in _SENTENCE.split(paragraph):
        while len(sentence) > max_chars:  # no sentence end in sight: cut hard
            if current:
                out.append(current)
                current = ""
            out.append(sentence[:max_chars])
            sentence = sentence[max_chars:]
        if current and len(current) + 1 + len(sentence) > max_chars:
            out.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip() if current else sentence
    if current:
        out.append(current)
    return out


def chunk_markdown(title: str, body: str, max_chars: int = MAX_CHARS) -> list[Chunk]:
    """The article's passages in order; the title heads the path of every chunk."""
    chunks: list[Chunk] = []
    sections = _sections(body) or [([], "")]
    for path, text in sections:
        if title and path and path[0].strip().casefold() == title.strip().casefold():
            path = path[1:]  # the body's top heading repeats the title
        heading = SEPARATOR.join([title, *path]) if title else SEPARATOR.join(path) or None
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
        current = ""
        for paragraph in paragraphs:
            for piece in _pieces(paragraph, max_chars):
                if current and len(current) + 2 + len(piece) > max_chars:
                    chunks.append(Chunk(heading, current))
                    current = piece
                else:
                    current = f"{current}\n\n{piece}" if current else piece
        if current:
            chunks.append(Chunk(heading, current))
    if not chunks and title:
        chunks.append(Chunk(title, title))
    return chunks
