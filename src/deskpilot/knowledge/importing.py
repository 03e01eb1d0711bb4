"""Import articles from files: Markdown, HTML, CSV/JSON FAQs, JSONL.

Every item has an external id (the file path, or the path and the row's id or question), so
importing the same files again updates the articles (a new version when the text changed)
instead of duplicating them. A bad item is reported and skipped; the others are imported.

- Markdown (``.md``): the title is the first ``# `` heading (removed from the body), else the
  file name; a folder of the path that names a category puts the article in it.
- HTML (``.html``): the title is ``<title>`` or the first ``<h1>``; the body becomes plain
  Markdown-ish text (headings, paragraphs, list items).
- CSV and JSON (an array, or an object with ``items``): FAQ rows with ``question`` and
  ``answer`` (or ``title`` and ``content``/``body``), optionally ``id``, ``category``,
  ``language``, ``tags``; one article per row.
- JSONL (``.jsonl``/``.ndjson``): one such object per line.

An item's language is its own (a ``language`` column or key), else the import's ``language``
option, else the one its text is written in among the workspace's enabled languages (the
workspace's default when that cannot be told). Importing again updates the text, and the
language only when the item names it: a language corrected by hand stays, like visibility, the
tags (kept unless the item has tags) and the category (kept unless the item, a folder or the
``category`` option names one).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.errors import DeskPilotError, InvalidInput
from deskpilot.kit.language import detect_language
from deskpilot.knowledge import service
from deskpilot.knowledge.repository import (
    ArticleRepository,
    CategoryRepository,
    workspace_languages,
)
from deskpilot.knowledge.schemas import (
    LANGUAGE,
    ArticleCreate,
    ArticleUpdate,
    ImportItemResult,
    ImportResult,
)
from deskpilot.models.knowledge import ArticleStatus, Visibility

MARKDOWN = {".md", ".markdown", ".txt"}
HTML = {".html", ".htm"}
SUFFIXES = MARKDOWN | HTML | {".csv", ".json", ".jsonl", ".ndjson"}
EXTERNAL_ID_LENGTH = 300
DETECT_CHARS = 2000
"""The language of an item is told from the start of its title and text (enough, and fast)."""


@dataclass(frozen=True, slots=True)
class Source:
    path: str  # relative, with "/" between folders
    data: bytes


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """``language`` is for items that name none (None: detect each one's). ``publish_refusal``
    says why the importer may not publish (None: it may): then an item that would change the
    visibility, language or category of a published article fails and that article stays."""

    language: str | None = None
    category: str | None = None
    visibility: Visibility = Visibility.PUBLIC
    publish: bool = False
    publish_refusal: str | None = None


@dataclass(frozen=True, slots=True)
class _Languages:
    default: str
    enabled: list[str]


@dataclass(slots=True)
class Item:
    external_id: str
    title: str | None = None
    body: str | None = None
    category: str | None = None
    folders: tuple[str, ...] = ()
    language: str | None = None
    tags: list[str] = field(default_factory=list)
    error: str | None = None


def _external_id(path: str, key: str | None = None) -> str:
    value = path if key is None else f"{path}#{key}"
    if len(value) > EXTERNAL_ID_LENGTH:
        digest = hashlib.sha256(value.encode()).hexdigest()[:32]
        value = value[: EXTERNAL_ID_LENGTH - 33] + "~" + digest
    return value


class ImportItemError(ValueError):
    """A file that cannot be read as text at all (reported as one failed item)."""


def _decode(data: bytes) -> str:
    """The file's text: UTF-8 (with or without a byte order mark), or UTF-16 with one (what
    spreadsheet programs export as "Unicode text"). Anything else is refused rather than
    imported as replacement characters."""
    encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise ImportItemError("is not UTF-8 text: save it as UTF-8 and import it again") from None
    if "\x00" in text:
        raise ImportItemError("is a binary file, not text")
    return text


def _markdown(source: Source) -> Item:
    text = _decode(source.data).replace("\r\n", "\n")
    path = PurePosixPath(source.path)
    title: str | None = None
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if line.startswith("# "):
            title = line[2:].strip()
            del lines[index]
            break
    body = "\n".join(lines).strip()
    return Item(
        external_id=_external_id(source.path),
        title=title or path.stem.replace("-", " ").replace("_", " ").strip(),
        body=body,
        folders=tuple(path.parent.parts),
    )


class _HtmlText(HTMLParser):
    BLOCKS = {"p", "div", "section", "article", "table", "tr", "ul", "ol", "br", "blockquote"}
    SKIP = {"script", "style", "head", "nav", "footer"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: str | None = None
        self.h1: str | None = None
        self._in: list[str] = []
        self._skip = 0
        self._capture: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP and tag != "head":
            self._skip += 1
        self._in.append(tag)
        if tag in {"title", "h1"}:
            self._capture = []
        if re.fullmatch(r"h[1-6]", tag):
            self.parts.append("\n\n" + "#" * int(tag[1]) + " ")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in self.BLOCKS:
            self.parts.append("\n\n" if tag != "br" else "\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and tag != "head" and self._skip:
            self._skip -= 1
        if tag == "title" and self.title is None:
            self.title = " ".join("".join(self._capture).split()) or None
        if tag == "h1" and self.h1 is None:
            self.h1 = " ".join("".join(self._capture).split()) or None
        if tag in self._in:
            while self._in and self._in.pop() != tag:
                pass
        if re.fullmatch(r"h[1-6]", tag) or tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if "title" in self._in or "h1" in self._in:
            self._capture.append(data)
        if self._skip or "title" in self._in or ("head" in self._in and "body" not in self._in):
            return
        self.parts.append(re.sub(r"\s+", " ", data))

    def text(self) -> str:
        joined = "".join(self.parts)
        lines = [line.strip() for line in joined.split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _html(source: Source) -> Item:
    parser = _HtmlText()
    parser.feed(_decode(source.data))
    parser.close()
    body = parser.text()
    title = parser.title or parser.h1 or PurePosixPath(source.path).stem
    if parser.h1 and body.startswith(f"# {parser.h1}"):
        body = body[len(parser.h1) + 2 :].strip()
    return Item(
        external_id=_external_id(source.path),
        title=title,
        body=body,
        folders=tuple(PurePosixPath(source.path).parent.parts),
    )


def _first(row: dict[str, Any], *names: str) -> Any:
    lowered = {str(k).strip().lower(): v for k, v in row.items()}
    for name in names:
        value = lowered.get(name)
        if value is not None and str(value).strip():
            return value
    return None


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _row(path: str, row: Any, position: int) -> Item:
    if not isinstance(row, dict):
        return Item(external_id=_external_id(path, f"row-{position}"), error="is not an object")
    title = _first(row, "question", "title")
    body = _first(row, "answer", "content", "body", "text")
    row_id = _first(row, "id", "external_id")
    if row_id is not None and _scalar(row_id):
        key: str | None = str(row_id).strip()
    else:
        key = " ".join(title.split()) if isinstance(title, str) else None
    item = Item(external_id=_external_id(path, key or f"row-{position}"))
    if title is None or body is None:
        item.error = "needs question and answer (or title and content)"
        return item
    if not (_scalar(title) and _scalar(body)):
        item.error = "question and answer (or title and content) must be text"
        return item
    item.title = " ".join(str(title).split())  # a title is one line, even from a CSV cell
    item.body = str(body).strip()
    category = _first(row, "category")
    item.category = str(category).strip() if category is not None else None
    language = _first(row, "language", "lang")
    item.language = str(language).strip() if language is not None else None
    tags = _first(row, "tags")
    if isinstance(tags, list):
        item.tags = [str(t) for t in tags if _scalar(t) and str(t).strip()]
    elif isinstance(tags, str):
        item.tags = [t for t in re.split(r"[,;|]", tags) if t.strip()]
    return item


def _rows(source: Source) -> Iterator[Item]:
    suffix = PurePosixPath(source.path).suffix.lower()
    text = _decode(source.data)
    if suffix == ".csv":
        reader = csv.DictReader(io.StringIO(text, newline=""))
        position = 0
        try:
            for position, row in enumerate(reader, start=1):
                yield _row(source.path, row, position)
        except csv.Error as exc:
            yield Item(
                external_id=_external_id(source.path, f"row-{position + 1}"),
                error=f"is not valid CSV from row {position + 1} on: {exc}",
            )
    elif suffix == ".json":
        try:
            value = json.loads(text)
        except RecursionError:
            yield Item(external_id=_external_id(source.path), error="is nested too deeply")
            return
        except ValueError as exc:
            yield Item(external_id=_external_id(source.path), error=f"is not JSON: {exc}")
            return
        if isinstance(value, dict):
            value = value.get("items", value.get("faqs", [value]))
        if not isinstance(value, list):
            yield Item(external_id=_external_id(source.path), error="needs an array of rows")
            return
        for position, row in enumerate(value, start=1):
            yield _row(source.path, row, position)
    else:  # JSON Lines
        for position, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except (ValueError, RecursionError):
                yield Item(
                    external_id=_external_id(source.path, f"line-{position}"),
                    error=f"line {position} is not JSON",
                )
                continue
            yield _row(source.path, row, position)


def sources_from_path(path: Path) -> list[Source]:
    """A file, or every importable file under a folder (sorted), named relative to it."""
    if path.is_file():
        return [Source(path=path.name, data=path.read_bytes())]
    if not path.is_dir():
        raise InvalidInput.field("path", f"no such file or folder: {path}")
    return [
        Source(path=file.relative_to(path).as_posix(), data=file.read_bytes())
        for file in sorted(path.rglob("*"))
        if file.is_file()
        and file.suffix.lower() in SUFFIXES
        and not any(part.startswith(".") for part in file.relative_to(path).parts)
    ]


def items_of(source: Source) -> list[Item]:
    """The articles one file holds (or one item with an error)."""
    suffix = PurePosixPath(source.path).suffix.lower()
    try:
        if suffix in MARKDOWN:
            items = [_markdown(source)]
        elif suffix in HTML:
            items = [_html(source)]
        elif suffix in SUFFIXES:
            items = list(_rows(source))
        else:
            items = []
    except ImportItemError as exc:
        return [Item(external_id=_external_id(source.path), error=str(exc))]
    if suffix in SUFFIXES:
        if not items:
            return [Item(external_id=_external_id(source.path), error="is empty: no rows")]
        for item in items:
            if item.error is None and not (item.body or "").strip():
                item.error = "has no text"
        return items
    return [
        Item(
            external_id=_external_id(source.path),
            error=f"unknown file type {suffix or '(none)'}: use .md, .html, .csv, .json, .jsonl",
        )
    ]


async def import_sources(
    session: AsyncSession,
    workspace_id: str,
    sources: list[Source],
    options: ImportOptions,
    author_id: str | None,
    max_items: int | None = None,
) -> ImportResult:
    """Create or update one article per item; errors are reported per item. With
    ``max_items``, files holding more items are refused (422) before anything is written."""
    if options.language is not None and not LANGUAGE.match(options.language):
        raise InvalidInput.field("body.language", "must be a language tag such as en, zh or pt-BR")
    await service.ensure_categories(session, workspace_id)
    slugs = {c.slug for c in await CategoryRepository(session, workspace_id).ordered()}
    if options.category is not None and options.category not in slugs:
        raise InvalidInput.field("body.category", f"no category {options.category!r}")
    items = [item for source in sources for item in items_of(source)]
    if max_items is not None and len(items) > max_items:
        raise InvalidInput.field(
            "body.files",
            f"hold {len(items)} articles; at most {max_items} in one request: split them, "
            "or use `deskpilot import kb`",
        )
    default_language, enabled = await workspace_languages(session, workspace_id)
    languages = _Languages(default_language, enabled)
    result = ImportResult()
    seen: set[str] = set()
    for item in items:
        if item.error is None and item.external_id in seen:
            # Two rows with the same id (or question) would overwrite each other on every import.
            item.error = "repeats the id (or question) of an earlier item; it was skipped"
        seen.add(item.external_id)
        outcome = await _import_item(
            session, workspace_id, item, slugs, options, languages, author_id
        )
        result.items.append(outcome)
        if outcome.outcome == "created":
            result.created += 1
        elif outcome.outcome == "updated":
            result.updated += 1
        elif outcome.outcome == "unchanged":
            result.unchanged += 1
        else:
            result.failed += 1
    return result


def _category_of(item: Item, slugs: set[str], options: ImportOptions) -> str | None:
    if item.category is not None:
        return item.category  # checked by service.category_id
    for folder in reversed(item.folders):
        if folder.lower() in slugs:
            return folder.lower()
    return options.category


def _language_of(item: Item, options: ImportOptions, languages: _Languages) -> str:
    """The item's own language, else ``--language``, else the language its text is written in
    among the workspace's enabled ones (the workspace's default when that cannot be told)."""
    if item.language is not None:
        return item.language
    if options.language is not None:
        return options.language
    text = f"{item.title or ''}\n{item.body or ''}"[:DETECT_CHARS]
    guess = detect_language(text, languages.enabled, default=languages.default)
    return guess.code or languages.default


async def _import_item(
    session: AsyncSession,
    workspace_id: str,
    item: Item,
    slugs: set[str],
    options: ImportOptions,
    languages: _Languages,
    author_id: str | None,
) -> ImportItemResult:
    failed = ImportItemResult(external_id=item.external_id, outcome="failed", error=item.error)
    if item.error is not None:
        return failed
    category = _category_of(item, slugs, options)
    if category is not None and category not in slugs:
        failed.error = f"category: no category {category!r}"
        return failed
    try:
        create = ArticleCreate(
            title=item.title or "",
            body=item.body or "",
            category=category,
            language=_language_of(item, options, languages),
            visibility=options.visibility,
            tags=item.tags,
            note="import",
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        reason = str(first["msg"]).removeprefix("Value error, ")
        failed.error = f"{'.'.join(str(p) for p in first['loc'])}: {reason}"
        return failed
    try:
        existing = await ArticleRepository(session, workspace_id).by_external_id(item.external_id)
        if existing is None:
            article = await service.create_article(
                session, workspace_id, create, author_id, external_id=item.external_id
            )
            outcome = "created"
        else:
            before = existing.current_version
            skip = {"visibility", "owner_team", "review_due_on"}
            if not item.tags:
                skip.add("tags")  # keep the tags set by hand
            if item.language is None:
                skip.add("language")  # keep a language set by hand (or detected before)
            if category is None:
                skip.add("category")  # nothing names one: keep the category set by hand
            changes = create.model_dump(exclude=skip)
            article = await service.update_article(
                session,
                workspace_id,
                existing.id,
                ArticleUpdate(**changes),
                author_id,
                publish_refusal=options.publish_refusal,
            )
            outcome = "updated" if article.current_version != before else "unchanged"
        if options.publish and (
            article.status != ArticleStatus.PUBLISHED
            or article.published_version != article.current_version
        ):
            await service.publish(session, workspace_id, article.id, author_id=author_id)
            outcome = "updated" if outcome == "unchanged" else outcome
    except DeskPilotError as exc:
        failed.error = str(exc)
        return failed
    return ImportItemResult(external_id=item.external_id, article_id=article.id, outcome=outcome)
