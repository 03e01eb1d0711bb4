"""What a person wrote, out of what a mail client sent: HTML to text, quoted history and
signatures cut off.

The stored message text is the customer's new words only; the whole body stays in the
message's ``raw``. When cutting would leave nothing (a bare forward, say), the text is kept whole.
"""

# Non-Latin letters and fullwidth colons below are the languages matched, not look-alikes.
# ruff: noqa: RUF001, RUF003

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "div", "dl", "fieldset",
        "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
        "main", "nav", "ol", "p", "pre", "section", "table", "ul",
    }
)  # fmt: skip
_LINE_TAGS = frozenset({"dd", "dt", "li", "tr"})  # own line, no blank line around them
_SKIPPED_TAGS = frozenset({"head", "script", "style", "template", "title"})
_SPACES = re.compile(r"[ \t\r\n\f\v]+")


class _TextExtractor(HTMLParser):
    """Readable text from HTML: blocks on their own lines, list items as ``- ``, links as
    ``text (url)``, and the content of ``<blockquote>`` as ``> `` lines (quoted history, which
    :func:`strip_quoted` then removes)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._line: list[str] = []
        self._line_quoted = False
        self._skip = 0
        self._quote = 0
        self._pre = 0
        self._href: list[str | None] = []

    def _newline(self, *, blank: bool = True) -> None:
        """End the current line; an empty one becomes a blank line only when ``blank``."""
        text = "".join(self._line).strip()
        if text or (blank and self.lines and self.lines[-1] != ""):
            self.lines.append(("> " + text if self._line_quoted else text) if text else "")
        self._line = []
        self._line_quoted = False

    def _write(self, text: str) -> None:
        if self._quote:
            self._line_quoted = True
        self._line.append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skip += 1
            return
        if tag in _LINE_TAGS:
            self._newline(blank=False)
        elif tag == "br" or tag in _BLOCK_TAGS:
            self._newline()
        if tag == "blockquote":
            self._quote += 1
        elif tag == "pre":
            self._pre += 1
        elif tag == "li":
            self._write("- ")
        elif tag in ("td", "th"):
            self._write(" ")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self._write(f"[{alt}]")
        elif tag == "a":
            self._href.append(dict(attrs).get("href"))

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skip = max(0, self._skip - 1)
            return
        if tag == "a" and self._href:
            href = self._href.pop()
            shown = "".join(self._line)
            if href and href.startswith(("http://", "https://")) and href not in shown:
                self._write(f" ({href})")
        if tag == "blockquote":
            self._newline()
            self._quote = max(0, self._quote - 1)
        elif tag == "pre":
            self._pre = max(0, self._pre - 1)
        if tag in _LINE_TAGS:
            self._newline(blank=False)
        elif tag in _BLOCK_TAGS:
            self._newline()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._pre:
            for index, piece in enumerate(data.split("\n")):
                if index:
                    self._newline()
                self._write(piece)
            return
        self._write(_SPACES.sub(" ", data))

    def text(self) -> str:
        self._newline()
        return "\n".join(self.lines).strip()


def html_to_text(html: str) -> str:
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    return extractor.text()


# A line that starts the quoted history: everything from it on is the earlier conversation.
_QUOTE_HEADERS = [
    re.compile(r"^-{2,}\s*(original message|ursprüngliche nachricht|исходное сообщение)\s*-{2,}$"),
    re.compile(r"^on .{1,300} wrote:$"),  # Gmail, Apple Mail, Thunderbird
    re.compile(r"^(le|el|am|il|op) .{1,300} (a écrit|escribió|schrieb|ha scritto|schreef)\s?:$"),
    re.compile(r"^.{1,300}\bпишет:$"),  # "12 мая 2024 г., в 10:00, Иван <i@x.ru> пишет:"
    re.compile(r"^在.{1,300}写道[:：]$"),  # 在 2024年5月12日 10:00，张三 <z@x.cn> 写道：
]
_OUTLOOK_FROM = re.compile(r"^\*?(from|от|发件人)\s*[:：]", re.IGNORECASE)
_OUTLOOK_SENT = re.compile(r"^\*?(sent|date|отправлено|发送时间|日期)\s*[:：]", re.IGNORECASE)
_SIGNATURE_DELIMITER = re.compile(r"^--\s?$")
_MOBILE_FOOTER = re.compile(
    r"^(sent from my .{1,60}|sent from (mail|outlook|yahoo mail|gmail).{0,60}|"
    r"get outlook for .{1,40}|sent from my mobile device|sent via .{1,40}|"
    r"отправлено с .{1,60}|отправлено из .{1,60}|发自我的.{1,40})$",
    re.IGNORECASE,
)
_FOOTER_WINDOW = 3  # a mobile footer counts only among the last few non-empty lines


def _starts_quote(lines: list[str], index: int) -> bool:
    line = lines[index].strip()
    lowered = line.lower()
    if any(pattern.match(lowered) for pattern in _QUOTE_HEADERS):
        return True
    # Clients wrap a long "On <date>, <name> <address>" line before "wrote:".
    if index + 1 < len(lines) and lowered.startswith(("on ", "le ", "am ", "el ")):
        joined = f"{lowered} {lines[index + 1].strip().lower()}"
        if any(pattern.match(joined) for pattern in _QUOTE_HEADERS[1:3]):
            return True
    # Outlook: "From: ..." followed within a few lines by "Sent: ..." (or "Date:").
    if _OUTLOOK_FROM.match(line):
        following = lines[index + 1 : index + 5]
        return any(_OUTLOOK_SENT.match(other.strip()) for other in following)
    return False


def strip_quoted(text: str) -> str:
    """The text above the quoted history, without ``>`` lines and without the signature."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        if _starts_quote(lines, index):
            break
        if _SIGNATURE_DELIMITER.match(line):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line.rstrip())
    kept = _without_mobile_footer(kept)
    while kept and kept[-1].strip() in ("", "_" * len(kept[-1].strip())):
        kept.pop()  # trailing blank lines and Outlook's "________" separator
    result = "\n".join(kept).strip("\n")
    result = re.sub(r"\n{3,}", "\n\n", result).strip()
    return result or text.strip()


def _without_mobile_footer(lines: list[str]) -> list[str]:
    seen = 0
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index].strip()
        if not line:
            continue
        if _MOBILE_FOOTER.match(line):
            return lines[:index]
        seen += 1
        if seen >= _FOOTER_WINDOW:
            break
    return lines
