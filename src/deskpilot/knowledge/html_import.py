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
_SCHEME = re.compile(r"[a-z][\w+.-]*:", re.IGNORECASE)
_SAFE_SCHEMES = ("http:", "https:", "mailto:")
_SPECIAL = re.compile(r"([\\`*_\[\]<>&|])")
_LINE_START = re.compile(
    r"^( *)(#{1,6}(?=\s|$)|>|[-+](?=\s|$)|[-=]+\s*$|~{3,}|[0-9]{1,9}[.)](?=\s|$))"
)
_HARD_BREAK = "\\\n"


@dataclass(slots=True)
class Node:
    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        """The plain text under the element (for the title)."""
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)


def link_target(href: str | None) -> str | None:
    """A link's or image's address as a Markdown target: web, mail and relative addresses
    (spaces, parentheses and angle brackets escaped); None for anything else
    (``javascript:``, ``data:``)."""
    value = (href or "").strip()
    scheme = _SCHEME.match(value)
    if not value or (scheme is not None and scheme.group().lower() not in _SAFE_SCHEMES):
        return None
    for char, code in (" ", "%20"), ("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E"):
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


def code_span(code: str) -> str:
    """``code`` as a code span, its fence longer than any run of backticks inside it."""
    code = " ".join(code.split("\n"))
    if not code.strip():
        return ""
    fence = "`" * (max((len(run) for run in re.findall(r"`+", code)), default=0) + 1)
    pad = " " if code.startswith("`") or code.endswith("`") else ""
    return f"{fence}{pad}{code}{pad}{fence}"


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root")
        self._open: list[Node] = [self.root]
        self.title: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCK:  # a block ends an open paragraph
            self._close_implicitly({"p"}, BLOCK - {"p"})
        if tag in IMPLICIT_ENDS:
            self._close_implicitly(*IMPLICIT_ENDS[tag])
        node = Node(tag, dict(attrs))
        self._open[-1].children.append(node)
        if tag not in VOID:
            self._open.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self._open[-1].tag == tag:
            self._open.pop()

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
        for index in range(len(self._open) - 1, 0, -1):
            if self._open[index].tag == tag:
                node = self._open[index]
                if tag == "title" and self.title is None:
                    self.title = " ".join(node.text().split()) or None
                del self._open[index:]
                return

    def handle_data(self, data: str) -> None:
        self._open[-1].children.append(data)


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

    # -- inline --------------------------------------------------------------------------

    def inline(self, nodes: list[Node | str], cell: bool = False) -> str:
        out: list[str] = []
        for node in nodes:
            if isinstance(node, str):
                out.append(escape(re.sub(r"\s+", " ", node)))
            elif node.tag in SKIP:
                continue
            elif node.tag == "br":
                out.append("; " if cell else _HARD_BREAK)
            elif node.tag == "img":
                source = link_target(node.attrs.get("src"))
                alt = " ".join((node.attrs.get("alt") or "").split()).replace("]", "")
                if source is not None:
                    out.append(f"![{escape(alt)}]({source})")
            elif node.tag == "a":
                inner = self.inline(node.children, cell).strip()
                target = link_target(node.attrs.get("href"))
                if target is not None and inner:
                    out.append(f"[{inner}]({target})")
                else:
                    out.append(inner)
            elif node.tag in INLINE_MARKS:
                out.append(self._marked(INLINE_MARKS[node.tag], node, cell))
            elif node.tag in {"code", "kbd", "samp", "tt"}:
                out.append(code_span(node.text()))
            elif node.tag in BLOCK:  # a block inside a line: its text, apart
                out.append(" " + self.flat(node, cell) + " ")
            else:
                out.append(self.inline(node.children, cell))
        return "".join(out)

    def _marked(self, mark: str, node: Node, cell: bool) -> str:
        inner = self.inline(node.children, cell)
        core = inner.strip()
        if not core or _HARD_BREAK in core:
            return inner
        lead = " " if inner[:1].isspace() else ""
        trail = " " if inner[-1:].isspace() else ""
        return f"{lead}{mark}{core}{mark}{trail}"

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
            text = _tidy(self.inline(node.children, cell=True)).replace("#", "\\#")
            if not text:
                return []
            line = "#" * int(tag[1]) + " " + text
            if tag == "h1" and self.h1 is None:
                self.h1, self.h1_line = " ".join(node.text().split()), line
            return [text if cell else line]
        if tag in {"ul", "ol"}:
            return [self.items(node, cell)]
        if tag == "li":  # an item outside a list
            return [self.items(Node("ul", children=[node]), cell)]
        if tag == "table":
            return self.table(node) if not cell else [self.flat_table(node)]
        if tag == "pre":
            code = node.text().strip("\n")
            if not code.strip():
                return []
            if cell:
                return [code_span(code)]
            fence = "`" * max([3, *(len(run) + 1 for run in re.findall(r"`+", code))])
            return [f"{fence}\n{code}\n{fence}"]
        if tag == "blockquote":
            inner = "\n\n".join(self.blocks(node.children, cell))
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
        rows = [[self.flat(cell) for cell in row] for row in self.rows(node)]
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
