"""The items of import files, and the FAQ rows of CSV, JSON and JSONL files read into them.

A row has ``question`` and ``answer`` (or ``title`` and ``content``/``body``/``text``), and
optionally ``id``, ``category``, ``language``/``lang``, ``tags`` and ``visibility``; its
external id is the file's path and the row's id (else its question). Markdown and HTML are read
in ``deskpilot.knowledge.importing``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

ROW_SUFFIXES = {".csv", ".json", ".jsonl", ".ndjson"}
EXTERNAL_ID_LENGTH = 300


@dataclass(slots=True)
class Item:
    external_id: str
    title: str | None = None
    body: str | None = None
    category: str | None = None
    folders: tuple[str, ...] = ()
    language: str | None = None
    tags: list[str] = field(default_factory=list)
    visibility: str | None = None  # a row's own: the article gets it
    front_matter_visibility: str | None = None  # Markdown's: must be the import's
    draft: str | None = None  # the front matter that keeps it unpublished ("draft: true")
    error: str | None = None
    warning: str | None = None  # what was read but not imported (extra CSV columns)


def external_id_of(path: str, key: str | None = None) -> str:
    value = path if key is None else f"{path}#{key}"
    if len(value) > EXTERNAL_ID_LENGTH:
        digest = hashlib.sha256(value.encode()).hexdigest()[:32]
        value = value[: EXTERNAL_ID_LENGTH - 33] + "~" + digest
    return value


class ImportItemError(ValueError):
    """A file that cannot be read as text at all (reported as one failed item)."""


def decode(data: bytes) -> str:
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


TITLE_COLUMNS = ("question", "title")
BODY_COLUMNS = ("answer", "content", "body", "text")
ID_COLUMNS = ("id", "external_id")
LANGUAGE_COLUMNS = ("language", "lang")
CATEGORY_COLUMN = "category"
TAGS_COLUMN = "tags"
VISIBILITY_COLUMN = "visibility"
KNOWN_COLUMNS = {*TITLE_COLUMNS, *BODY_COLUMNS, *ID_COLUMNS, *LANGUAGE_COLUMNS}
KNOWN_COLUMNS |= {CATEGORY_COLUMN, TAGS_COLUMN, VISIBILITY_COLUMN}


def first_value(row: dict[str, Any], *names: str) -> Any:
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
        return Item(external_id=external_id_of(path, f"row-{position}"), error="is not an object")
    title = first_value(row, *TITLE_COLUMNS)
    body = first_value(row, *BODY_COLUMNS)
    row_id = first_value(row, *ID_COLUMNS)
    if row_id is not None and _scalar(row_id):
        key: str | None = str(row_id).strip()
    else:
        key = " ".join(title.split()) if isinstance(title, str) else None
    item = Item(external_id=external_id_of(path, key or f"row-{position}"))
    if title is None or body is None:
        item.error = "needs question and answer (or title and content)"
        return item
    if not (_scalar(title) and _scalar(body)):
        item.error = "question and answer (or title and content) must be text"
        return item
    item.title = " ".join(str(title).split())  # a title is one line, even from a CSV cell
    item.body = str(body).strip()
    read_metadata(item, row)
    visibility = first_value(row, VISIBILITY_COLUMN)
    item.visibility = str(visibility).strip() if visibility is not None else None
    return item


def read_metadata(item: Item, row: dict[str, Any]) -> None:
    """The category, language and tags a row (or front matter) names."""
    category = first_value(row, CATEGORY_COLUMN)
    item.category = str(category).strip() if category is not None else None
    language = first_value(row, *LANGUAGE_COLUMNS)
    item.language = str(language).strip() if language is not None else None
    tags = first_value(row, TAGS_COLUMN)
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
                external_id=external_id_of(path),
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
        yield Item(external_id=external_id_of(path, "csv"), error=f"is not valid CSV: {exc}")


def _csv_row(
    path: str,
    columns: tuple[list[str], list[str], list[str]],
    position: int,
    line: int,
    fields: list[str] | None,
    rows_follow: bool = False,
) -> Item:
    """The item of one CSV row (``columns``: the header, its names in lower case, the ones not
    imported), warned of the columns that are not imported; refused when it has more values
    than the header. ``rows_follow``: rows come after it (for a row whose quote is never
    closed, which says so)."""
    header, _, unknown = columns
    if fields is None:
        after = "; the rows after it were" if rows_follow else ""
        return Item(
            external_id=external_id_of(path, f"row-{position}"),
            error=(
                f"line {line}: a quote opens a field that is never closed (a quote inside a "
                f'field must be doubled: ""): the row was not imported{after}'
            ),
        )
    row = dict(zip(header, fields[: len(header)], strict=False))
    item = _row(path, row, position)
    if unknown:
        item.warning = (
            f"the column(s) {', '.join(repr(u) for u in unknown)} are not imported (the known "
            f"ones: {', '.join(sorted(KNOWN_COLUMNS))})"
        )
    if any(value.strip() for value in fields[len(header) :]):
        # an unquoted separator: the values after it are in the wrong columns
        item.error = (
            f"line {line} has more values than the header ({len(fields)}, not {len(header)}); "
            "quote the answer (or any value that holds the separator)"
        )
    return item


def rows_of(path: str, text: str) -> Iterator[Item]:
    """One item per row of the CSV, JSON or JSONL file ``path`` (by its suffix)."""
    suffix = PurePosixPath(path).suffix.lower()
    if suffix == ".csv":
        yield from _csv_items(path, text)
    elif suffix == ".json":
        yield from _json_rows(path, text)
    else:
        yield from _jsonl_rows(path, text)


def _json_rows(path: str, text: str) -> Iterator[Item]:
    try:
        value = json.loads(text)
    except RecursionError:
        yield Item(external_id=external_id_of(path), error="is nested too deeply")
        return
    except ValueError as exc:
        yield Item(external_id=external_id_of(path), error=f"is not JSON: {exc}")
        return
    if isinstance(value, dict):
        value = value.get("items", value.get("faqs", [value]))
    if not isinstance(value, list):
        yield Item(external_id=external_id_of(path), error="needs an array of rows")
        return
    for position, row in enumerate(value, start=1):
        yield _row(path, row, position)


def _jsonl_rows(path: str, text: str) -> Iterator[Item]:
    # Only "\n" ends a line: a JSON string may hold U+2028 or U+0085, which splitlines splits.
    for position, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except (ValueError, RecursionError):
            yield Item(
                external_id=external_id_of(path, f"line-{position}"),
                error=f"line {position} is not JSON",
            )
            continue
        yield _row(path, row, position)
