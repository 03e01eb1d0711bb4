# ruff: noqa: RUF001, RUF002, RUF003 - full-width punctuation, as Chinese text writes it
"""Markdown as plain text, where a reader gets text rather than a page: the bot's extractive
answers (``ai.replies.compose``) and the help center's search snippets (``web.help``) quote
the passages search finds, which are Markdown.

The text is read with ``PARSER``, the parser the help center renders articles with, so what the
article page shows as a table is read as a table here. Each block becomes a line: a paragraph
or heading its text, without emphasis, code ticks or link addresses (an image gives its alt
text). A table row names each cell by its column's header ("Option: Standard; Price: $5.");
a row and a list item end with a full stop unless they end with punctuation of their own, as
nothing else would mark their end once they are text. A row or item in full-width (Chinese)
text takes full-width punctuation ("方式：标准；价格：5元。"). A passage cut off inside a table
starts with rows that no longer read as a table: their cells are given in order, and separator
rows (``| --- |``) give nothing. A line wrapped in the source (a soft break) reads as a space,
except between Chinese or Japanese characters, or beside full-width punctuation, which are
written without spaces ("会籍在下个月" wrapped before "月底结束" reads "会籍在下个月月底结束").
"""

from __future__ import annotations

import re
import unicodedata
from itertools import zip_longest

from markdown_it import MarkdownIt
from markdown_it.token import Token

PARSER = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

_ENDS = ".!?…:;。！？：；"
_CELL_SEPARATOR = re.compile(r"(?<!\\)\|")
_RULE = re.compile(r":?-+:?")
_SOFT = "\x00"  # a soft line break, until the characters on both sides of it are known
_SOFT_BREAK = re.compile(r"[ \t]*\x00[ \t]*")
# Han and kana: scripts written without spaces between words (Hangul is written with them)
_CJK_LETTER = re.compile(
    "[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]"
)
# CJK and full-width punctuation: "，", "。", "、", "：", "（", "」"
_CJK_PUNCTUATION = re.compile(
    "[\u3000-\u303f\ufe10-\ufe1f\ufe30-\ufe4f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]"
)


def _wide(text: str) -> bool:
    return any(unicodedata.east_asian_width(c) in ("W", "F") for c in text)


def _ended(line: str) -> str:
    """``line`` with a full stop, unless it ends with punctuation of its own."""
    if not line or line[-1] in _ENDS:
        return line
    return line + ("。" if _wide(line) else ".")


def _inline(token: Token) -> str:
    """The text of an inline token; a link keeps its web or mail address after its words
    ("Fill in the form (https://…)"), since a customer needs it to follow the advice."""
    out: list[str] = []
    href = ""
    for child in token.children or []:
        if child.type == "link_open":
            href = str(child.attrs.get("href") or "")
        elif child.type == "link_close":
            if href.startswith(("http://", "https://", "mailto:")) and href not in out[-1:]:
                out.append(f" ({href.removeprefix('mailto:')})")
            href = ""
        elif child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type == "softbreak":
            out.append(_SOFT)
        elif child.type == "hardbreak":
            out.append("\n")
        elif child.type == "image":
            out.append(_inline(child))
    return _SOFT_BREAK.sub(_soft_break, "".join(out)).strip()


def _soft_break(found: re.Match[str]) -> str:
    """A wrapped line's break: nothing between two Chinese or Japanese characters or beside
    full-width punctuation ("同城所有门店，" wrapped before "尊享卡"), else a space."""
    text, start, end = found.string, found.start(), found.end()
    before, after = text[start - 1 : start], text[end : end + 1]
    if _CJK_PUNCTUATION.match(before) or _CJK_PUNCTUATION.match(after):
        return ""
    return "" if _CJK_LETTER.match(before) and _CJK_LETTER.match(after) else " "


def _inline_text(markdown: str) -> str:
    return " ".join(_inline(t) for t in PARSER.parseInline(markdown) if t.type == "inline")


def _row(header: list[str], cells: list[str]) -> str:
    """A table row as a line: each cell named by its column's header, when it has one."""
    wide = _wide("".join(header + cells))
    colon, separator = ("：", "；") if wide else (": ", "; ")
    parts = [
        f"{name}{colon}{cell}" if name else cell
        for name, cell in zip_longest(header[: len(cells)], cells, fillvalue="")
        if cell
    ]
    return _ended(separator.join(parts))


def _loose_rows(content: str) -> list[str] | None:
    """A paragraph's lines when some look like table rows the parser did not read as a table
    (the passage starts inside one), as lines; None when none do."""
    lines = content.split("\n")
    if not any(line.strip().startswith("|") or line.strip().endswith("|") for line in lines):
        return None
    out = []
    for line in lines:
        stripped = line.strip()
        if "|" not in stripped:
            out.append(_inline_text(stripped))
            continue
        cells = [c.strip() for c in _CELL_SEPARATOR.split(stripped.strip("|"))]
        if all(_RULE.fullmatch(c) or not c for c in cells):
            continue  # a separator row
        out.append(_row([], [_inline_text(c) for c in cells]))
    return out


def plain_text(markdown: str) -> str:
    """``markdown`` as text to read: one line a block (see the module's docstring)."""
    lines: list[str] = []
    header: list[str] = []
    row: list[str] = []
    in_head = in_cell = False
    body_rows = 0
    items = 0  # list items open around the current block
    for token in PARSER.parse(markdown):
        kind = token.type
        if kind in ("list_item_open", "list_item_close"):
            items += 1 if kind == "list_item_open" else -1
        elif kind == "table_open":
            header, body_rows = [], 0
        elif kind == "table_close" and not body_rows:
            lines.append(_row([], header))  # a table of a header only: its words
        elif kind in ("thead_open", "thead_close"):
            in_head = kind == "thead_open"
        elif kind in ("th_open", "td_open", "th_close", "td_close"):
            in_cell = kind.endswith("_open")
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close" and in_head:
            header = row
        elif kind == "tr_close":
            lines.append(_row(header, row))
            body_rows += 1
        elif kind == "inline" and in_cell:
            row.append(_inline(token))
        elif kind == "inline":
            loose = _loose_rows(token.content)
            if loose is not None:
                lines.extend(loose)
            else:
                lines.extend(_ended(x) if items else x for x in _inline(token).split("\n"))
        elif kind in ("fence", "code_block"):
            lines.extend(token.content.splitlines())
    return "\n".join(stripped for line in lines if (stripped := line.strip()))
