"""Readers: CSV, JSON arrays and NDJSON, one row at a time, with row numbers and mappings."""

from __future__ import annotations

import io
import json
import tracemalloc
from collections.abc import Iterator

import pytest

from deskpilot.imports.readers import (
    BrokenRow,
    FileError,
    FileFormat,
    guess_format,
    parse_mapping_option,
    read_rows,
)
from deskpilot.imports.records import ImportKind, Mapper, RowInvalid, customer_record, order_record
from deskpilot.models import IdentityKind


class Trickle(io.RawIOBase):
    """A stream that hands out a few bytes per read, so every value crosses a chunk border."""

    def __init__(self, data: bytes, step: int = 7) -> None:
        self.data, self.step, self.at = data, step, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        size = min(self.step, len(buffer), len(self.data) - self.at)
        buffer[:size] = self.data[self.at : self.at + size]
        self.at += size
        return size


class Generated(io.RawIOBase):
    """NDJSON produced on demand: the whole file never exists in memory."""

    def __init__(self, rows: int) -> None:
        self.lines: Iterator[bytes] = (
            json.dumps({"email": f"user{i}@example.com", "n": i}).encode() + b"\n"
            for i in range(rows)
        )
        self.pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while len(self.pending) < len(buffer):
            line = next(self.lines, None)
            if line is None:
                break
            self.pending += line
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size


def test_csv_rows_are_numbered_from_one_without_the_header() -> None:
    data = "\ufeffEmail,Full Name\nann@example.com,Ann\n\n,\nbob@example.com,Bob,extra\n"
    rows = list(read_rows(io.BytesIO(data.encode()), FileFormat.CSV))
    assert rows[0] == (1, {"Email": "ann@example.com", "Full Name": "Ann"})
    assert rows[1][0] == 4
    assert isinstance(rows[1][1], BrokenRow)


def test_json_array_streams_across_chunk_borders() -> None:
    records = [
        {"id": i, "name": f"名前 {i}", "nested": {"a": [1, 2, {"b": "]"}]}} for i in range(50)
    ]
    data = json.dumps(records, ensure_ascii=False).encode()
    rows = list(read_rows(io.BufferedReader(Trickle(data)), FileFormat.JSON))
    assert [number for number, _ in rows] == list(range(1, 51))
    assert [record for _, record in rows] == records


def test_json_array_elements_that_are_not_objects_are_broken_rows() -> None:
    rows = list(read_rows(io.BytesIO(b' [ {"a": 1}, 12345 , "x" ] '), FileFormat.JSON))
    assert rows[0] == (1, {"a": 1})
    assert isinstance(rows[1][1], BrokenRow)
    assert isinstance(rows[2][1], BrokenRow)


@pytest.mark.parametrize(
    "data", [b'{"a": 1}', b'[{"a": 1}, {"a": ', b'[{"a": 1} {"a": 2}]', b"\xff\xfe["]
)
def test_a_json_file_that_is_not_an_array_of_objects_is_a_file_error(data: bytes) -> None:
    with pytest.raises(FileError):
        list(read_rows(io.BytesIO(data), FileFormat.JSON))


def test_ndjson_reports_bad_lines_and_goes_on() -> None:
    data = b'{"a": 1}\n\nnot json\n[1]\n{"a": 2}\n'
    rows = list(read_rows(io.BytesIO(data), FileFormat.NDJSON))
    assert rows[0] == (1, {"a": 1})
    assert isinstance(rows[1][1], BrokenRow)
    assert isinstance(rows[2][1], BrokenRow)
    assert rows[3] == (4, {"a": 2})


def test_reading_many_rows_keeps_memory_flat() -> None:
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_rows(io.BufferedReader(Generated(100_000)), FileFormat.NDJSON))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 100_000
    assert peak < 4 * 1024 * 1024  # the file is about 4.5 MB; a reader holds one line at a time


def test_guess_format_and_map_option() -> None:
    assert guess_format("export.CSV") is FileFormat.CSV
    assert guess_format("events.jsonl") is FileFormat.NDJSON
    assert guess_format("dump.json") is FileFormat.JSON
    assert guess_format("data.txt") is None
    assert parse_mapping_option(['email=Email,name="Full Name"', "phone=Tel"]) == {
        "email": "Email",
        "name": "Full Name",
        "phone": "Tel",
    }
    with pytest.raises(ValueError, match="field=Column"):
        parse_mapping_option(["email"])


def test_customer_mapping_fields_identities_and_attributes() -> None:
    mapper = Mapper(ImportKind.CUSTOMERS, {"external_id": "CRM ID", "email": "E-mail"})
    record = customer_record(
        3,
        {
            "CRM ID": "C-7",
            "E-mail": "Ann.Lee+shop@GMail.com",
            "phone": "030 1234567",
            "country": "de",
            "tags": "vip; b2b",
            "Loyalty": "gold",
            "name": "Ann Lee",
        },
        mapper,
        None,
    )
    assert record.keys == [
        (IdentityKind.EXTERNAL, "C-7"),
        (IdentityKind.EMAIL, "annlee@gmail.com"),
        (IdentityKind.PHONE, "+49301234567"),  # national number read in the row's country
    ]
    assert record.values["country"] == "DE"
    assert record.values["name"] == "Ann Lee"
    assert record.tags == ["vip", "b2b"]
    assert record.attributes == {"Loyalty": "gold"}


def test_customer_row_reports_every_bad_field() -> None:
    mapper = Mapper(ImportKind.CUSTOMERS, {})
    with pytest.raises(RowInvalid) as caught:
        customer_record(
            1,
            {"email": "not-an-email", "phone": "12", "date_of_birth": "31/12/1990", "country": "X"},
            mapper,
            None,
        )
    assert {name for name, _ in caught.value.errors} == {
        "email",
        "phone",
        "date_of_birth",
        "country",
    }


def test_unknown_mapping_field_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown field 'mail'"):
        Mapper(ImportKind.CUSTOMERS, {"mail": "Email"})


def test_order_record_from_csv_cells() -> None:
    mapper = Mapper(ImportKind.ORDERS, {"external_id": "Order", "customer_email": "Email"})
    record = order_record(
        2,
        {
            "Order": "#1001",
            "Email": "Ann.Lee@gmail.com",
            "items": '[{"name": "Mug", "price": "4.50", "quantity": 2}]',
            "shipping_address": "1 Main St, Denver",
            "placed_at": "2025-03-01T10:00:00",
            "tracking_number": "1Z999",
            "carrier": "UPS",
        },
        mapper,
        None,
    )
    assert record.external_id == "#1001"
    assert record.customer_keys == [("customer_email", (IdentityKind.EMAIL, "annlee@gmail.com"))]
    assert str(record.values["total"]) == "9.00"  # the items' sum when no total is given
    assert record.values["shipping_address"] == {"address1": "1 Main St, Denver"}
    assert record.values["placed_at"].isoformat() == "2025-03-01T10:00:00+00:00"
    assert record.values["tracking"] == {"tracking_id": ["1Z999"], "carrier": "UPS"}
    assert "status" not in record.values
    assert "currency" not in record.values
