"""Reading import files as a stream of rows: CSV, a JSON array, or NDJSON.

Every reader is a generator over ``(row_number, record)``; nothing holds more than one row (and
one read buffer) in memory, so a file of a million rows reads in bounded memory. Row numbers
count records from 1 (for CSV the header line is not a row). A row that cannot be parsed is
yielded as a :class:`BrokenRow` so the import reports it with its number and goes on.
"""

from __future__ import annotations

import codecs
import csv
import enum
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any

# Large CRM exports put whole JSON documents in a cell (order items, addresses).
csv.field_size_limit(16 * 1024 * 1024)

_CHUNK = 64 * 1024
MAX_ROW_CHARS = 16 * 1024 * 1024  # one JSON row larger than this is refused, not buffered


class FileFormat(enum.StrEnum):
    CSV = "csv"
    JSON = "json"
    NDJSON = "ndjson"


@dataclass(frozen=True, slots=True)
class BrokenRow:
    """A row the reader could not parse (bad JSON, not an object): reported, never applied."""

    reason: str


Row = tuple[int, dict[str, Any] | BrokenRow]


class FileError(ValueError):
    """The file as a whole is unreadable (not UTF-8, not a JSON array): nothing can be imported."""


def guess_format(filename: str | None) -> FileFormat | None:
    """The format a file name says (``.csv``, ``.json``, ``.ndjson``/``.jsonl``), if any."""
    name = (filename or "").lower()
    if name.endswith(".csv"):
        return FileFormat.CSV
    if name.endswith((".ndjson", ".jsonl")):
        return FileFormat.NDJSON
    if name.endswith(".json"):
        return FileFormat.JSON
    return None


def read_rows(stream: IO[bytes], file_format: FileFormat) -> Iterator[Row]:
    """The rows of a binary stream in the given format, one at a time."""
    if file_format is FileFormat.CSV:
        return _csv_rows(stream)
    if file_format is FileFormat.NDJSON:
        return _ndjson_rows(stream)
    return _json_array_rows(stream)


def _text(stream: IO[bytes]) -> Iterator[str]:
    """Decoded chunks (a BOM is dropped); invalid UTF-8 is a FileError."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        while chunk := stream.read(_CHUNK):
            yield decoder.decode(chunk)
        yield decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise FileError(f"the file is not UTF-8 text ({exc.reason})") from exc


def _csv_rows(stream: IO[bytes]) -> Iterator[Row]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        reader = csv.reader(text)
        header = next(reader, None)
        if header is None:
            return
        names = [name.strip() for name in header]
        for number, values in enumerate(reader, start=1):
            if not any(v.strip() for v in values):
                continue  # blank lines carry nothing
            if len(values) > len(names):
                yield number, BrokenRow(f"has {len(values)} columns; the header has {len(names)}")
                continue
            yield number, dict(zip(names, values, strict=False))
    except UnicodeDecodeError as exc:
        raise FileError(f"the file is not UTF-8 text ({exc.reason})") from exc
    except csv.Error as exc:
        raise FileError(f"the CSV cannot be read: {exc}") from exc
    finally:
        text.detach()  # leave the caller's stream open


def _ndjson_rows(stream: IO[bytes]) -> Iterator[Row]:
    number = 0
    for raw in stream:
        try:
            line = raw.decode("utf-8-sig" if number == 0 else "utf-8").strip()
        except UnicodeDecodeError as exc:
            raise FileError(f"the file is not UTF-8 text ({exc.reason})") from exc
        if not line:
            continue
        number += 1
        try:
            value = json.loads(line)
        except ValueError as exc:
            yield number, BrokenRow(f"is not JSON: {exc}")
            continue
        yield number, _object(value)


def _object(value: Any) -> dict[str, Any] | BrokenRow:
    if isinstance(value, dict):
        return value
    return BrokenRow(f"is a JSON {type(value).__name__}, not an object")


def _json_array_rows(stream: IO[bytes]) -> Iterator[Row]:
    """The elements of a top-level JSON array, decoded one at a time from a growing buffer.

    Only the current element is buffered. An element that does not parse ends the file (after it
    nothing can be found reliably), so it is a FileError naming the row.
    """
    decoder = json.JSONDecoder()
    chunks = _text(stream)
    buffer = ""
    position = 0
    at_end = False

    def fill() -> bool:
        nonlocal buffer, position, at_end
        chunk = next(chunks, None)
        if chunk is None:
            at_end = True
            return False
        buffer = buffer[position:] + chunk
        position = 0
        return True

    def skip_space() -> str | None:
        """The next non-space character (not consumed), reading more as needed."""
        nonlocal position
        while True:
            while position < len(buffer) and buffer[position] in " \t\r\n":
                position += 1
            if position < len(buffer):
                return buffer[position]
            if not fill():
                return None

    if skip_space() != "[":
        raise FileError("a JSON import must be an array of objects: [{...}, {...}]")
    position += 1
    number = 0
    expect_value = True
    while True:
        char = skip_space()
        if char is None:
            raise FileError("the JSON array is not closed with ]")
        if char == "]":
            return
        if not expect_value:
            if char != ",":
                raise FileError(f"expected , or ] after row {number}")
            position += 1
            expect_value = True
            continue
        number += 1
        while True:
            try:
                value, end = decoder.raw_decode(buffer, position)
            except json.JSONDecodeError as exc:
                if len(buffer) - position > MAX_ROW_CHARS:
                    raise FileError(f"row {number} is not valid JSON or too large") from exc
                if not at_end and fill():
                    continue
                raise FileError(f"row {number} is not valid JSON: {exc.msg}") from exc
            if end == len(buffer) and not at_end and fill():
                continue  # a number may go on in the next chunk: decode it again, whole
            break
        position = end
        expect_value = False
        yield number, _object(value)


def parse_mapping_option(values: list[str]) -> dict[str, str]:
    """``["email=Email", 'name=Full Name']`` (the CLI's ``--map``; commas allowed) → a mapping."""
    mapping: dict[str, str] = {}
    for value in values:
        for part in next(csv.reader([value], skipinitialspace=True)):
            if not part.strip():
                continue
            field, sep, column = part.partition("=")
            if not sep or not field.strip() or not column.strip():
                raise ValueError(f"--map takes field=Column pairs, not {part!r}")
            mapping[field.strip()] = column.strip().strip('"')
    return mapping


def lookup(record: Mapping[str, Any], column: str) -> Any:
    """A column's value; a dotted name (``name.first_name``) reaches into nested JSON objects."""
    if column in record:
        return record[column]
    value: Any = record
    for part in column.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value
