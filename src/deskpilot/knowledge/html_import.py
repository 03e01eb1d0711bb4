"""An HTML page as Markdown, for the importer: the page is read into a tree of elements, then
written out block by block (headings, paragraphs, nested lists, tables, code blocks, quotes,
definition lists), so that what the page shows is what the help center shows.

The text of the page is escaped for Markdown (CommonMark, as ``deskpilot.web.help`` renders
it): ``*asterisks*``, ``[brackets](x)``, ``&amp;``, a line that starts with ``1.``, ``-`` or
``#`` show as written, not as emphasis, links, entities, lists or headings. A table cell holds
one line (its lines, list items and nested table cells joined with "; "); ``<br>`` is a hard
line break; ``<nav>``, ``<footer>``, scripts and styles add nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"br", "img", "hr", "meta", "link", "input", "base", "col", "area", "source", "wbr"}
SKIP = {"script", "style", "nav", "footer", "title", "meta", "link", "base", "noscript"}
SKIP |= {"template", "button", "select", "textarea"}
BLOCK = {"p", "div", "section", "article", "main", "header", "aside", "body", "html", "head"}
BLOCK |= {"ul", "ol", "li", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption"}
BLOCK |= {"pre", "blockquote", "dl", "dt", "dd", "hr", "form", "figure", "figcaption"}
BLOCK |= {"address", "details", "summary", "fieldset", "center", "h1", "h2", "h3", "h4"}
BLOCK |= {"h5", "h6"}
IMPLICIT_ENDS: dict[str, tuple[set[str], set[str]]] = {
    # a start tag that ends an open element (HTML leaves these end tags optional): the
    # elements it ends, and those it does not look past
    "li": ({"li"}, {"ul", "ol"}),
    "dt": ({"dt", "dd"}, {"dl"}),
    "dd": ({"dt", "dd"}, {"dl"}),
    "td": ({"td", "th"}, {"tr", "table"}),
    "th": ({"td", "th"}, {"tr", "table"}),
    "tr": ({"tr", "td", "th"}, {"table", "thead", "tbody", "tfoot"}),
}
INLINE_MARKS = {"strong": "**", "b": "**", "em": "*", "i": "*"}
CODE = {"code", "kbd", "samp", "tt"}
MAX_DEPTH = 200
"""Elements nested deeper than this are not kept as elements: their content (text, images,
line breaks) goes to the element at this depth (or the nearest one above it that shows text:
not a table, row or definition list), so that writing the page never recurses deeper."""
_NO_TEXT = {"table", "thead", "tbody", "tfoot", "tr", "dl"}
_NESTING = 14
"""How deep lists (2 each) and quotes (1) are nested in the Markdown: the help center shows
no deeper (markdown-it's maxNesting, 20, counts them with their paragraphs and tables), so a
list or quote deeper down is written as one line in its item."""
_SCHEME = re.compile(r"[a-z][\w+.-]*:", re.IGNORECASE)
_SAFE_SCHEMES = ("http:", "https:", "mailto:")
_SPECIAL = re.compile(r"([\\`*_\[\]<>&|])")
_LINE_START = re.compile(
    r"^( *)(#{1,6}(?=\s|$)|>|[-+](?=\s|$)|[-=]+\s*$|~{3,}|[0-9]{1,9}[.)](?=\s|$))"
)
_HARD_BREAK = "\\\n"
_TARGET_CODES = (
    *((" ", "%20"), ("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E")),
    *(("\\", "%5C"), ("|", "%7C")),
)
_HEADING_END = re.compile(r"(^|[ \t])(#+)$")


@dataclass(slots=True)
class Node:
    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        """The plain text under the element (for the title and code)."""
        out: list[str] = []
        stack: list[Node | str] = [self]
        while stack:
            current = stack.pop()
            if isinstance(current, str):
                out.append(current)
            else:
                stack.extend(reversed(current.children))
        return "".join(out)


def link_target(href: str | None) -> str | None:
    """A link's or image's address as a Markdown target: web, mail and relative addresses
    (spaces, parentheses, angle brackets, backslashes and ``|`` percent-encoded); None for
    anything else (``javascript:``, ``data:``)."""
    value = (href or "").strip()
    scheme = _SCHEME.match(value)
    if not value or (scheme is not None and scheme.group().lower() not in _SAFE_SCHEMES):
        return None
    for char, code in _TARGET_CODES:
        value = value.replace(char, code)
    return value


def escape(text: str) -> str:
    """Text that Markdown shows as written (inline: the line starts are ``escape_lines``')."""
    return _SPECIAL.sub(r"\\\1", text)


def escape_lines(text: str) -> str:
    """Each line with a marker that would start a block (``#``, ``-``, ``1.``, ``>``...)
    escaped; inline Markdown written here never starts with one."""
    return "\n".join(_LINE_START.sub(_escape_marker, line, count=1) for line in text.split("\n"))


def _escape_marker(match: re.Match[str]) -> str:
    spaces, marker = match.group(1), match.group(2)
    if marker[-1] in ".)":
        return f"{spaces}{marker[:-1]}\\{marker[-1]}"
    return f"{spaces}\\{marker}"


def code_span(code: str, table: bool = False) -> str:
    """``code`` as a code span, its fence longer than any run of backticks inside it; in a
    table cell its ``|`` written ``\\|`` (which the table reads as a ``|`` of the cell, not as
    the cell's end)."""
    code = " ".join(code.split("\n"))
    if not code.strip():
        return ""
    if table:
        code = code.replace("|", "\\|")
    fence = "`" * (max((len(run) for run in re.findall(r"`+", code)), default=0) + 1)
    pad = " " if code.startswith("`") or code.endswith("`") else ""
    return f"{fence}{pad}{code}{pad}{fence}"


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root")
        self._open: list[Node] = [self.root]
        self._dropped: list[str] = []  # the tags open past MAX_DEPTH, kept as no element
        self.title: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs)

    def _start(self, tag: str, attrs: list[tuple[str, str | None]]) -> bool:
        """Open the element (True when it was opened as an element)."""
        if tag not in VOID and (self._dropped or len(self._open) > MAX_DEPTH):
            self._dropped.append(tag)  # too deep: its content goes to the open element
            return False
        if self._dropped:  # a line break or image deep down: no implicit end up here
            self._here().children.append(Node(tag, dict(attrs)))
            return False
        if tag in BLOCK:  # a block ends an open paragraph
            self._close_implicitly({"p"}, BLOCK - {"p"})
        if tag in IMPLICIT_ENDS:
            self._close_implicitly(*IMPLICIT_ENDS[tag])
        node = Node(tag, dict(attrs))
        self._open[-1].children.append(node)
        if tag not in VOID:
            self._open.append(node)
            return True
        return False

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._start(tag, attrs):
            self._open.pop()
        elif self._dropped and self._dropped[-1] == tag and tag not in VOID:
            self._dropped.pop()

    def _close_implicitly(self, names: set[str], stops: set[str]) -> None:
        """Close the nearest open element named in ``names``, unless one of ``stops`` (the
        list, table or row it would have to be in) is open inside it."""
        for index in range(len(self._open) - 1, 0, -1):
            current = self._open[index].tag
            if current in names:
                del self._open[index:]
                return
            if current in stops:
                return

    def handle_endtag(self, tag: str) -> None:
        if tag == "br":  # "</br>" is read as <br>, as browsers do
            self._open[-1].children.append(Node("br"))
            return
        if tag in self._dropped:
            del self._dropped[len(self._dropped) - 1 - self._dropped[::-1].index(tag) :]
            return
        for index in range(len(self._open) - 1, 0, -1):
            if self._open[index].tag == tag:
                node = self._open[index]
                if tag == "title" and self.title is None:
                    self.title = " ".join(node.text().split()) or None
                del self._open[index:]
                self._dropped.clear()
                return

    def handle_data(self, data: str) -> None:
        if not any(tag in SKIP for tag in self._dropped):
            self._here().children.append(data)

    def _here(self) -> Node:
        """The element that text goes to."""
        if not self._dropped:
            return self._open[-1]
        return next(n for n in reversed(self._open) if n.tag not in _NO_TEXT)


@dataclass(slots=True)
class Page:
    title: str | None
    h1: str | None  # the first <h1>'s text
    h1_line: str | None  # the first <h1> as its Markdown line
    body: str


class _Writer:
    def __init__(self) -> None:
        self.h1: str | None = None
        self.h1_line: str | None = None
        self._marks: list[str] = []  # the emphasis marks open around what is written
        self._in_table = 0  # > 0 while a table's cells are written
        self._nesting = 0  # the lists (2 each) and quotes (1) the Markdown written is in

    # -- inline --------------------------------------------------------------------------

    def inline(self, nodes: list[Node | str], cell: bool = False, edge: str = "") -> str:
        """The nodes as one line of Markdown (``edge``: the character taken to be on either
        side of it, "" for a line's or link text's ends)."""
        return _join(self._pieces(nodes, cell), edge)

    def _pieces(self, nodes: list[Node | str], cell: bool) -> list[str | _Mark]:
        pieces: list[str | _Mark] = []
        for node in nodes:
            if isinstance(node, str):
                pieces.append(escape(re.sub(r"\s+", " ", node)))
            elif node.tag in SKIP:
                continue
            elif node.tag == "br":
                pieces.append("; " if cell else _HARD_BREAK)
            elif node.tag == "img":
                source = link_target(node.attrs.get("src"))
                alt = " ".join((node.attrs.get("alt") or "").split()).replace("]", "")
                if source is not None:
                    pieces.append(f"![{escape(alt)}]({source})")
            elif node.tag == "a":
                inner = self.inline(node.children, cell).strip()
                target = link_target(node.attrs.get("href"))
                if target is not None and inner:
                    pieces.append(f"[{inner}]({target})")
                else:
                    pieces.append(inner)
            elif node.tag in INLINE_MARKS:
                pieces.extend(self._marked(INLINE_MARKS[node.tag], node, cell))
            elif node.tag in CODE:
                pieces.append(code_span(node.text(), table=self._in_table > 0))
            elif node.tag in BLOCK:  # a block inside a line: its text, apart
                pieces.append(" " + self.flat(node, cell) + " ")
            else:  # <span>, <font>...: their pieces, in the line's
                pieces.extend(self._pieces(node.children, cell))
        return pieces

    def _marked(self, mark: str, node: Node, cell: bool) -> list[str | _Mark]:
        if mark in self._marks:  # <b> in <b>: bold already
            return self._pieces(node.children, cell)
        self._marks.append(mark)
        try:
            pieces = self._pieces(node.children, cell)
        finally:
            self._marks.pop()
        emphasis = _Mark(mark, pieces)
        return [emphasis] if emphasis.core and _HARD_BREAK not in emphasis.core else pieces

    def flat(self, node: Node, cell: bool = True) -> str:
        """An element's content on one line: its lines, items and cells joined with "; "."""
        lines = [
            line.strip()
            for block in self.blocks(node.children, cell=True)
            for line in block.split("\n")
        ]
        return "; ".join(line for line in lines if line)

    # -- blocks --------------------------------------------------------------------------

    def blocks(self, nodes: list[Node | str], cell: bool = False) -> list[str]:
        result: list[str] = []
        pending: list[Node | str] = []

        def flush() -> None:
            if pending:
                paragraph = _tidy(self.inline(pending, cell))
                if paragraph:
                    result.append(escape_lines(paragraph))
                pending.clear()

        for node in nodes:
            if isinstance(node, str) or node.tag not in BLOCK:
                if isinstance(node, Node) and node.tag in SKIP:
                    continue
                pending.append(node)
                continue
            flush()
            result.extend(block for block in self.block(node, cell) if block.strip())
        flush()
        return result

    def block(self, node: Node, cell: bool) -> list[str]:
        tag = node.tag
        if re.fullmatch(r"h[1-6]", tag):
            text = _tidy(self.inline(node.children, cell=True))
            if not text:
                return []
            # a closing run of "#" would end the heading: the rest shows as written
            line = "#" * int(tag[1]) + " " + _HEADING_END.sub(r"\1\\\2", text)
            if tag == "h1" and self.h1 is None:
                self.h1, self.h1_line = " ".join(node.text().split()), line
            return [text if cell else line]
        if tag in {"ul", "ol", "li", "blockquote"} and not cell and self._nesting >= _NESTING:
            return [escape_lines(self.flat(node))]  # as deep as the help center shows: a line
        if tag in {"ul", "ol", "li"}:  # an item outside a list is in one
            cost = 0 if cell else 2
            self._nesting += cost
            try:
                return [self.items(node if tag != "li" else Node("ul", children=[node]), cell)]
            finally:
                self._nesting -= cost
        if tag == "table":
            return self.table(node) if not cell else [self.flat_table(node)]
        if tag == "pre":
            code = node.text().strip("\n")
            if not code.strip():
                return []
            if cell:
                return [code_span(code, table=self._in_table > 0)]
            fence = "`" * max([3, *(len(run) + 1 for run in re.findall(r"`+", code))])
            return [f"{fence}\n{code}\n{fence}"]
        if tag == "blockquote":
            self._nesting += 1
            try:
                inner = "\n\n".join(self.blocks(node.children, cell))
            finally:
                self._nesting -= 1
            if cell:
                return [inner]
            return ["\n".join(f"> {line}" if line else ">" for line in inner.split("\n"))]
        if tag == "dl":
            return self.definitions(node, cell)
        if tag == "hr":
            return [] if cell else ["---"]
        return self.blocks(node.children, cell)

    def items(self, node: Node, cell: bool) -> str:
        start = node.attrs.get("start") or "1"
        number = int(start) if node.tag == "ol" and start.isdecimal() and len(start) < 9 else 1
        lines: list[str] = []
        for child in node.children:
            if isinstance(child, str) and not child.strip():
                continue
            item = child if isinstance(child, Node) and child.tag == "li" else Node("li")
            if item is not child:
                item.children.append(child)
            marker = "" if cell else f"{number}. " if node.tag == "ol" else "- "
            number += 1
            content = self.blocks(item.children, cell)
            if not content:
                continue
            text = "\n".join(content) if cell else _join_item(content)
            indent = " " * len(marker)
            first, *rest = text.split("\n")
            lines.append(marker + first)
            lines.extend(indent + line if line else "" for line in rest)
        return "\n".join(lines)

    def rows(self, table: Node) -> list[list[Node]]:
        found: list[list[Node]] = []
        loose: list[Node] = []
        for child in table.children:
            if not isinstance(child, Node):
                continue
            if child.tag in {"thead", "tbody", "tfoot"}:
                found.extend(self.rows(child))
            elif child.tag == "tr":
                cells = child.children
                found.append([c for c in cells if isinstance(c, Node) and c.tag in {"td", "th"}])
            elif child.tag in {"td", "th"}:
                loose.append(child)
        return ([loose] if loose else []) + found

    def table(self, node: Node) -> list[str]:
        self._in_table += 1
        try:
            rows = [[self.flat(cell) for cell in row] for row in self.rows(node)]
        finally:
            self._in_table -= 1
        rows = [row for row in rows if row]
        caption = [c for c in node.children if isinstance(c, Node) and c.tag == "caption"]
        before = [escape_lines(self.flat(caption[0]))] if caption else []
        if not rows:
            return before
        width = max(len(row) for row in rows)
        lines = [_row(rows[0] + [""] * (width - len(rows[0])))]
        lines.append("|" + " --- |" * width)
        lines.extend(_row(row) for row in rows[1:])
        return [*before, "\n".join(lines)]

    def flat_table(self, node: Node) -> str:
        cells = [self.flat(cell) for row in self.rows(node) for cell in row]
        return "; ".join(cell for cell in cells if cell)

    def definitions(self, node: Node, cell: bool) -> list[str]:
        """``<dt>Term</dt><dd>Definition</dd>``: "**Term**: Definition", one a paragraph."""
        entries: list[tuple[str, list[str]]] = []
        for child in node.children:
            if not isinstance(child, Node):
                continue
            if child.tag == "dt":
                entries.append((_tidy(self.inline(child.children, cell=True)), []))
            elif child.tag == "dd":
                if not entries:
                    entries.append(("", []))
                entries[-1][1].append(self.flat(child))
        out = []
        for term, definitions in entries:
            text = "; ".join(d for d in definitions if d)
            term_md = f"**{term}**" if term else ""
            out.append(escape_lines(": ".join(part for part in (term_md, text) if part)))
        return [line for line in out if line]


class _Mark:
    """Emphasis (``mark``: ``*`` or ``**``) around the pieces of a line, written as ``mark``
    only where CommonMark reads it as emphasis (see ``_join``)."""

    def __init__(self, mark: str, pieces: list[str | _Mark]) -> None:
        self.mark = mark
        self.pieces = pieces
        inner = _join(pieces, edge="*")  # next to the pieces, when it is written: the mark
        self.core = inner.strip()
        self.lead = " " if inner[:1].isspace() else ""  # the text started with a space
        self.trail = " " if inner[-1:].isspace() else ""

    def written(self) -> str:
        return f"{self.lead}{self.mark}{self.core}{self.mark}{self.trail}"


def _flanks(mark: _Mark, before: str, after: str) -> bool:
    """CommonMark surely reads ``mark`` as emphasis between ``before`` and ``after`` (the
    characters written next to it; "" at the line's ends): each end of the mark has a letter
    or digit inside it, or a space (or the line's end) outside. Else punctuation inside meets
    a letter or another mark outside (``x**:y**``, ``**y:**x``, ``***:y* x**``), or meets
    punctuation, where the mark could as well close as open: its asterisks would show."""
    if not mark.core:
        return False
    before = mark.lead[-1:] or before[-1:]
    after = mark.trail[:1] or after[:1]
    opens = mark.core[0].isalnum() or not before.strip()
    closes = mark.core[-1].isalnum() or not after.strip()
    return opens and closes


def _join(pieces: list[str | _Mark], edge: str = "") -> str:
    """The pieces of a line as one: emphasis kept only where it is read as emphasis (else its
    pieces, as if there were none: ``**Step 1:**Open`` would show its asterisks), the same
    emphasis side by side made one (``*x**y*`` would not be read as two), and a "!" that
    would make the link after it an image escaped. ``edge``: the character taken to be before
    and after the pieces."""
    pieces = list(pieces)
    while True:  # dropping a mark changes what its neighbours touch: until none changes
        runs: list[list[str | _Mark]] = []  # the same marks side by side, one run each
        for piece in pieces:
            last = runs[-1][-1] if runs else None
            if (
                isinstance(piece, _Mark)
                and isinstance(last, _Mark)
                and last.mark == piece.mark
                and not (last.trail or piece.lead)
            ):
                runs[-1].append(piece)
            else:
                runs.append([piece])
        pieces = [run[0] if len(run) == 1 else _merged(run) for run in runs]
        written = [p if isinstance(p, str) else p.written() for p in pieces]
        befores = _neighbours(written, from_end=False)
        afters = _neighbours(written[::-1], from_end=True)[::-1]
        kept: list[str | _Mark] = []
        for piece, before, after in zip(pieces, befores, afters, strict=True):
            if isinstance(piece, _Mark):
                # a mark right after another (``*x***y**``) makes one run of both: unclear
                touches = (before == "*" and not piece.lead) or (after == "*" and not piece.trail)
                # inside another mark, in a word (``**a*b*c**``) is not sure either
                in_word = (before or "").isalnum() or (after or "").isalnum()
                touches = touches or (edge == "*" and in_word)
                if touches or not _flanks(piece, before or edge, after or edge):
                    kept.extend(piece.pieces)
                    continue
            kept.append(piece)
        if len(kept) == len(pieces) and all(a is b for a, b in zip(kept, pieces, strict=True)):
            break
        pieces = kept
    out: list[str] = []
    for text in (w for w in written if w):
        last = out[-1] if out else ""
        if text.startswith("[") and last.endswith("!") and not _escaped(last, len(last) - 1):
            out[-1] = last[:-1] + "\\!"
        out.append(text)
    return "".join(out)


def _merged(run: list[str | _Mark]) -> _Mark:
    """One mark around the pieces of a run of the same marks."""
    marks = [m for m in run if isinstance(m, _Mark)]
    return _Mark(marks[0].mark, [p for m in marks for p in m.pieces])


def _neighbours(written: list[str], from_end: bool) -> list[str | None]:
    """For each piece, the character written right before it (``from_end``: the pieces are in
    reverse, and it is the one right after it); None when there is none."""
    found: list[str | None] = []
    near: str | None = None
    for text in written:
        found.append(near)
        if text:
            near = text[:1] if from_end else text[-1]
    return found


def _escaped(text: str, index: int) -> bool:
    """The character at ``index`` is escaped (an odd run of backslashes before it)."""
    run = len(text[:index]) - len(text[:index].rstrip("\\"))
    return run % 2 == 1


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _join_item(blocks: list[str]) -> str:
    """A list item's blocks: a nested list follows its line; paragraphs stay apart."""
    text = blocks[0]
    for block in blocks[1:]:
        nested = re.match(r"(- |[0-9]+\. )", block) is not None
        text += ("\n" if nested else "\n\n") + block
    return text


def _tidy(text: str) -> str:
    """One paragraph's text: each line stripped, runs of spaces made one."""
    lines = [re.sub(r" {2,}", " ", line).strip() for line in text.split("\n")]
    while lines and lines[-1] in {"", "\\"}:
        lines.pop()
    joined = "\n".join(lines).strip()
    return joined.removesuffix("\\").rstrip()


def html_to_markdown(text: str) -> Page:
    tree = _Tree()
    tree.feed(text)
    tree.close()
    writer = _Writer()
    body = "\n\n".join(writer.blocks(tree.root.children))
    return Page(title=tree.title, h1=writer.h1, h1_line=writer.h1_line, body=body.strip())
