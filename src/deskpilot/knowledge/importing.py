"""Import articles from files: Markdown, HTML, CSV/JSON FAQs, JSONL.

Every item has an external id (the file path, or the path and the row's id or question), so
importing the same files again updates the articles (a new version when the text changed)
instead of duplicating them; a file as it was when last imported leaves an article edited by
hand since as it is. A bad item is reported and skipped; the others are imported.

- Markdown (``.md``): YAML front matter at the very start (between ``---`` lines) may name the
  ``title``, ``tags``, ``category``, ``language`` and ``visibility`` (which must be the import's);
  else the title is the first ``# `` heading outside code fences (removed from the body), else
  the file name; a folder of the path that names a category puts the article in it.
- HTML (``.html``): the title is ``<title>`` or the first ``<h1>`` (removed from the body only
  when it is the title); the body becomes Markdown (headings, paragraphs, nested lists, tables
  with one-line cells, ``<pre>`` as code blocks, quotes, definition lists), its text escaped so
  that it shows as written (see ``deskpilot.knowledge.html_import``).
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
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.errors import DeskPilotError, InvalidInput
from deskpilot.kit.language import detect_language
from deskpilot.knowledge import service
from deskpilot.knowledge.html_import import html_to_markdown
from deskpilot.knowledge.repository import (
    ArticleRepository,
    CategoryRepository,
    VersionRepository,
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
    visibility: str | None = None  # named by Markdown front matter; must match the import's
    error: str | None = None
    warning: str | None = None  # what was read but not imported (extra CSV columns)


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


FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
FRONT_MATTER_END = {"---", "..."}


def _front_matter(lines: list[str]) -> tuple[dict[str, Any], list[str]]:
    """The YAML front matter at the very start of a Markdown file (between ``---`` lines), and
    the lines after it. The keys the importer reads must be text (tags: text or a list of it);
    other keys are ignored."""
    if not lines or lines[0].rstrip() != "---":
        return {}, lines
    end = next((i for i, line in enumerate(lines) if i and line.rstrip() in FRONT_MATTER_END), 0)
    if not end:
        raise ImportItemError("starts with --- but its front matter has no closing --- line")
    try:
        # BaseLoader: every value stays text (no "yes" read as true nor dates as dates).
        value = yaml.load("\n".join(lines[1:end]), Loader=yaml.BaseLoader)  # noqa: S506
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or "cannot be read"
        raise ImportItemError(f"front matter is not valid YAML: {problem}") from None
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise ImportItemError("front matter must be key: value lines")
    meta = {str(key).strip().lower(): v for key, v in value.items()}
    for key in ("title", "category", "language", "lang", "visibility", "tags"):
        field_value = meta.get(key, "")
        items = field_value if key == "tags" and isinstance(field_value, list) else [field_value]
        if not all(isinstance(v, str) for v in items):
            kind = "text or a list of text" if key == "tags" else "text"
            raise ImportItemError(f"front matter {key}: must be {kind}")
    return meta, lines[end + 1 :]


_SETEXT_TITLE = re.compile(r"[ ]{0,3}\S[^\n]*\n[ ]{0,3}=+[ \t]*\Z")
_ANY_HEADING = re.compile(r"[ ]{0,3}#{1,6}[ \t]+(\S.*?)[ \t#]*\Z")


def _markdown(source: Source) -> Item:
    text = _decode(source.data).replace("\r\n", "\n").replace("\r", "\n")
    path = PurePosixPath(source.path)
    meta, lines = _front_matter(text.split("\n"))
    title = _first(meta, "title")
    fence: str | None = None  # the fence of the code block the line is in
    for index, line in enumerate(lines):
        opening = FENCE.match(line)
        if fence is None and opening:
            fence = opening.group(1)
        elif fence is not None:
            closing = line.strip()
            if len(closing) >= len(fence) and closing == fence[0] * len(closing):
                fence = None
        elif title is None and line.startswith("# "):
            title = line[2:].strip()
            del lines[index]
            break
        elif title is None and _SETEXT_TITLE.match("\n".join(lines[index : index + 2])):
            title = line.strip()  # "Title" underlined with "===="
            del lines[index : index + 2]
            break
    if title is None:  # no top heading: a heading of any level that opens the file
        first = next((n for n, line in enumerate(lines) if line.strip()), None)
        heading = _ANY_HEADING.match(lines[first]) if first is not None else None
        if heading is not None and first is not None:
            title = heading.group(1).strip()
            del lines[first]
    body = "\n".join(lines).strip()
    if not title:
        title = path.stem.replace("-", " ").replace("_", " ")
    item = Item(
        external_id=_external_id(source.path),
        title=" ".join(title.split()),
        body=body,
        folders=tuple(path.parent.parts),
    )
    _read_metadata(item, meta)
    visibility = _first(meta, "visibility")
    item.visibility = str(visibility).strip() if visibility is not None else None
    return item


def _html(source: Source) -> Item:
    try:
        page = html_to_markdown(_decode(source.data))
    except RecursionError:  # the converter caps nesting; this is its last resort
        raise ImportItemError("is nested too deeply") from None
    body = page.body
    title = page.title or page.h1 or PurePosixPath(source.path).stem
    if page.h1 and title == page.h1 and page.h1_line and body.split("\n", 1)[0] == page.h1_line:
        body = body[len(page.h1_line) :].strip()  # the heading is the title: not twice
    return Item(
        external_id=_external_id(source.path),
        title=title,
        body=body,
        folders=tuple(PurePosixPath(source.path).parent.parts),
    )


TITLE_COLUMNS = ("question", "title")
BODY_COLUMNS = ("answer", "content", "body", "text")
ID_COLUMNS = ("id", "external_id")
LANGUAGE_COLUMNS = ("language", "lang")
CATEGORY_COLUMN = "category"
TAGS_COLUMN = "tags"
KNOWN_COLUMNS = {*TITLE_COLUMNS, *BODY_COLUMNS, *ID_COLUMNS, *LANGUAGE_COLUMNS}
KNOWN_COLUMNS |= {CATEGORY_COLUMN, TAGS_COLUMN}


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
    title = _first(row, *TITLE_COLUMNS)
    body = _first(row, *BODY_COLUMNS)
    row_id = _first(row, *ID_COLUMNS)
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
    _read_metadata(item, row)
    return item


def _read_metadata(item: Item, row: dict[str, Any]) -> None:
    """The category, language and tags a row (or front matter) names."""
    category = _first(row, CATEGORY_COLUMN)
    item.category = str(category).strip() if category is not None else None
    language = _first(row, *LANGUAGE_COLUMNS)
    item.language = str(language).strip() if language is not None else None
    tags = _first(row, TAGS_COLUMN)
    if isinstance(tags, list):
        item.tags = [str(t) for t in tags if _scalar(t) and str(t).strip()]
    elif isinstance(tags, str):
        item.tags = [t for t in re.split(r"[,;|]", tags) if t.strip()]


DELIMITERS = (",", ";", "\t")
_SEP_LINE = re.compile(r"sep=(.)\s*", re.IGNORECASE)


def _delimiter(header: str) -> str:
    """The delimiter whose columns in the header line name a question and an answer (or a
    title and content); else the one of , ; and tab the line has most of."""
    for delimiter in DELIMITERS:
        names = {n.strip().lower() for n in next(csv.reader([header], delimiter=delimiter), [])}
        if names & set(TITLE_COLUMNS) and names & set(BODY_COLUMNS):
            return delimiter
    return max(DELIMITERS, key=header.count)


def _unclosed(record: str, delimiter: str) -> bool:
    """The record (its lines from its first on) opens a quoted field that never closes."""
    try:
        for _ in csv.reader(io.StringIO(record, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def _records(
    lines: list[str], first: int, delimiter: str
) -> Iterator[tuple[int, list[str] | None]]:
    """Each CSV record from ``lines[first:]`` with the number of its first line (1-based). A
    record whose quote never closes would swallow every line after it: it comes as None, and
    the records from its next line on are read as if it were not there."""
    while first < len(lines):
        reader = csv.reader(io.StringIO("".join(lines[first:]), newline=""), delimiter=delimiter)
        start = first + 1
        for fields in reader:
            if reader.line_num + first == len(lines) and _unclosed(
                "".join(lines[start - 1 :]), delimiter
            ):
                yield start, None
                first = start  # go on from the line after the quote
                break
            yield start, fields
            start = first + reader.line_num + 1
        else:
            return


def _csv_items(path: str, text: str) -> Iterator[Item]:
    """One item per row of a CSV file: comma-, semicolon- or tab-separated (told from the
    header line, or named by a first ``sep=`` line as Excel writes it)."""
    lines = io.StringIO(text, newline="").readlines()
    first = 0
    sep = _SEP_LINE.fullmatch(lines[0].rstrip("\r\n")) if lines else None
    if sep is not None:
        first = 1
    while first < len(lines) and not lines[first].strip():
        first += 1
    if first == len(lines):
        return
    header_line = lines[first].rstrip("\r\n")
    delimiter = sep.group(1) if sep is not None else _delimiter(header_line)
    records = _records(lines, first, delimiter)
    try:
        _, header = next(records)
        names = [name.strip().lower() for name in header or []]
        if (
            header is None
            or not set(names) & set(TITLE_COLUMNS)
            or not set(names) & set(BODY_COLUMNS)
        ):
            yield Item(
                external_id=_external_id(path),
                error=(
                    f"has no question and answer (or title and content) columns in its header "
                    f"line {header_line[:200]!r}: name them there, separated by , ; or a tab "
                    "(or start the file with a line such as sep=; to name the separator)"
                ),
            )
            return
        unknown = [h for h, n in zip(header, names, strict=True) if n and n not in KNOWN_COLUMNS]
        rows = ((n, f) for n, f in records if f != [])  # a blank line is no row
        row = next(rows, None)
        position = 1
        while row is not None:
            line, fields = row
            columns = (header, names, unknown if position == 1 else [])
            if fields is None:  # an unclosed quote: its error says whether rows follow
                row = next(rows, None)
                yield _csv_row(path, columns, position, line, fields, row is not None)
            else:
                yield _csv_row(path, columns, position, line, fields)
                row = next(rows, None)
            position += 1
    except csv.Error as exc:
        yield Item(external_id=_external_id(path, "csv"), error=f"is not valid CSV: {exc}")


def _csv_row(
    path: str,
    columns: tuple[list[str], list[str], list[str]],
    position: int,
    line: int,
    fields: list[str] | None,
    rows_follow: bool = False,
) -> Item:
    """The item of one CSV row (``columns``: the header, its names in lower case, the ones not
    imported), warned of the values that are not imported. ``rows_follow``: rows come after it
    (for a row whose quote is never closed, which says so)."""
    header, _, unknown = columns
    if fields is None:
        after = "; the rows after it were" if rows_follow else ""
        return Item(
            external_id=_external_id(path, f"row-{position}"),
            error=(
                f"line {line}: a quote opens a field that is never closed (a quote inside a "
                f'field must be doubled: ""): the row was not imported{after}'
            ),
        )
    row = dict(zip(header, fields[: len(header)], strict=False))
    item = _row(path, row, position)
    warnings = []
    if unknown:
        warnings.append(
            f"the column(s) {', '.join(repr(u) for u in unknown)} are not imported (the known "
            f"ones: {', '.join(sorted(KNOWN_COLUMNS))})"
        )
    extra = [value for value in fields[len(header) :] if value.strip()]
    if extra:
        shown = ", ".join(repr(v[:40]) for v in extra[:5])
        warnings.append(
            f"line {line} has {len(extra)} value(s) beyond the header's columns, which were not "
            f"imported: {shown}"
        )
    item.warning = "; ".join(warnings) or None
    return item


def _rows(source: Source) -> Iterator[Item]:
    suffix = PurePosixPath(source.path).suffix.lower()
    text = _decode(source.data)
    if suffix == ".csv":
        yield from _csv_items(source.path, text)
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
        # Only "\n" ends a line: a JSON string may hold U+2028 or U+0085, which splitlines splits.
        for position, line in enumerate(text.split("\n"), start=1):
            line = line.removesuffix("\r")
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


@dataclass(frozen=True, slots=True)
class Found:
    """What a path holds: the files to import, and the other files, which are skipped (named
    relative to the folder, so the caller can say which)."""

    sources: list[Source]
    skipped: list[str]


def sources_from_path(path: Path) -> Found:
    """A file, or every importable file under a folder (sorted), named relative to it; hidden
    files and folders are left out, other files are skipped and named."""
    if path.is_file():
        return Found([Source(path=path.name, data=path.read_bytes())], [])
    if not path.is_dir():
        raise InvalidInput.field("path", f"no such file or folder: {path}")
    files = [
        file.relative_to(path)
        for file in sorted(path.rglob("*"))
        if file.is_file() and not any(part.startswith(".") for part in file.relative_to(path).parts)
    ]
    importable = [file for file in files if file.suffix.lower() in SUFFIXES]
    skipped = [file.as_posix() for file in files if file.suffix.lower() not in SUFFIXES]
    if not importable:
        raise InvalidInput.field(
            "path",
            f"no file to import in {path}"
            + (f" (skipped {named(skipped)})" if skipped else "")
            + ": use .md, .html, .csv, .json, .jsonl",
        )
    sources = [Source(path=f.as_posix(), data=(path / f).read_bytes()) for f in importable]
    return Found(sources, skipped)


def named(paths: list[str], shown: int = 10) -> str:
    """``a.pdf, b.png and 3 more``: a list of files, short enough for one line."""
    more = len(paths) - shown
    return ", ".join(paths[:shown]) + (f" and {more} more" if more > 0 else "")


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
    if options.category is not None:  # a slug is read ignoring case, as a folder's name is
        options = replace(options, category=options.category.strip().lower())
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
        return item.category.lower()  # slugs are lower case, as for folders
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
    failed = ImportItemResult(
        external_id=item.external_id, outcome="failed", error=item.error, warning=item.warning
    )
    if item.error is not None:
        return failed
    if item.visibility is not None and item.visibility.lower() != options.visibility.value:
        failed.error = (
            f"front matter visibility: {item.visibility!r} is not this import's visibility "
            f"({options.visibility.value}): import it on its own with that visibility"
        )
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
        if existing is not None and await _edited_since_same_import(
            session, workspace_id, existing.id, existing.current_version, create
        ):
            # the file is as it was last imported and the article was edited since: the
            # edits stay (and stay unpublished when they are), the import brings nothing new
            return ImportItemResult(
                external_id=item.external_id,
                article_id=existing.id,
                outcome="unchanged",
                warning=item.warning,
            )
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
        # an article archived by hand stays archived when the file brings nothing new
        kept_archived = article.status == ArticleStatus.ARCHIVED and outcome == "unchanged"
        if (
            options.publish
            and not kept_archived
            and (
                article.status != ArticleStatus.PUBLISHED
                or article.published_version != article.current_version
            )
        ):
            await service.publish(session, workspace_id, article.id, author_id=author_id)
            outcome = "updated" if outcome == "unchanged" else outcome
    except DeskPilotError as exc:
        failed.error = str(exc)
        return failed
    return ImportItemResult(
        external_id=item.external_id, article_id=article.id, outcome=outcome, warning=item.warning
    )


async def _edited_since_same_import(
    session: AsyncSession, workspace_id: str, article_id: str, current: int, item: ArticleCreate
) -> bool:
    """The article's last imported version has the item's title and body, and a newer
    version (an edit by hand, a rollback) was made after it."""
    imported = await VersionRepository(session, workspace_id).last_with_note(article_id, "import")
    return (
        imported is not None
        and imported.number < current
        and (imported.title, imported.body) == (item.title, item.body)
    )
