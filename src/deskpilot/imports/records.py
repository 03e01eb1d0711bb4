"""From a file's row to a checked customer or order record (pure: no database).

A mapping names, for each field, the column that holds it (``{"email": "E-mail"}``). A field
that is not mapped is read from a column of the same name, if there is one. For customers, every
column that no field uses becomes a custom attribute; ``attributes.<key>`` maps a column to an
attribute of another name. Order files have no attributes: their other columns are ignored.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from deskpilot.customers.identity import normalise_email, normalise_phone
from deskpilot.imports.readers import lookup
from deskpilot.models import IdentityKind


class ImportKind(enum.StrEnum):
    CUSTOMERS = "customers"
    ORDERS = "orders"


CUSTOMER_FIELDS = (
    "external_id",
    "name",
    "first_name",
    "last_name",
    "email",
    "phone",
    "language",
    "locale",
    "country",
    "date_of_birth",
    "city",
    "address",
    "postcode",
    "tags",
)
ORDER_FIELDS = (
    "external_id",
    "customer_external_id",
    "customer_email",
    "customer_phone",
    "status",
    "currency",
    "total",
    "items",
    "placed_at",
    "shipping_address",
    "billing_address",
    "payment_methods",
    "fulfillments",
    "tracking_number",
    "carrier",
)
FIELDS = {ImportKind.CUSTOMERS: CUSTOMER_FIELDS, ImportKind.ORDERS: ORDER_FIELDS}
ATTRIBUTE_PREFIX = "attributes."
MAX_TOTAL = Decimal("999999999999.99")  # Numeric(14, 2)


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    field: str
    reason: str


class RowInvalid(Exception):
    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{f}: {r}" for f, r in errors))
        self.errors = errors


Key = tuple[IdentityKind, str]


@dataclass(slots=True)
class CustomerRecord:
    row: int
    keys: list[Key]  # in matching order: external id, email, phone
    values: dict[str, Any]  # profile fields present in the row (never None)
    tags: list[str] = field(default_factory=list)
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class OrderRecord:
    row: int
    external_id: str
    customer_keys: list[tuple[str, Key]]  # (the field it came from, the identity)
    values: dict[str, Any]


class Mapper:
    """Applies a mapping to rows of one kind; an unknown field is refused up front.

    A field that is not mapped reads the column of its name, ignoring case, spaces and dashes
    (``Country``, ``Date of Birth``), unless a mapping already uses that column.
    """

    def __init__(self, kind: ImportKind, mapping: Mapping[str, str]) -> None:
        fields = FIELDS[kind]
        unknown = [
            name
            for name in mapping
            if name not in fields
            and not (kind is ImportKind.CUSTOMERS and name.startswith(ATTRIBUTE_PREFIX))
        ]
        if unknown:
            raise ValueError(f"unknown field {unknown[0]!r}; the fields are: {', '.join(fields)}")
        self.kind = kind
        self.mapped = {name: column for name, column in mapping.items() if name in fields}
        self.consumed = {c.split(".", 1)[0] for c in mapping.values()} | set(mapping.values())
        self.automatic = [name for name in fields if name not in mapping]
        self.attribute_columns = {
            name.removeprefix(ATTRIBUTE_PREFIX): column
            for name, column in mapping.items()
            if name.startswith(ATTRIBUTE_PREFIX)
        }

    def split(self, record: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """The row's fields (blank values left out) and its other columns (custom attributes)."""
        values = {name: lookup(record, column) for name, column in self.mapped.items()}
        used = set(self.consumed)
        for key in record:
            if key in used:
                continue
            name = _field_name(key)
            if name in self.automatic and name not in values:
                values[name] = record[key]
                used.add(key)
        attributes = {k: v for k, v in record.items() if k not in used and not _blank(v)}
        for key, column in self.attribute_columns.items():
            value = lookup(record, column)
            if not _blank(value):
                attributes[key] = value
        return {k: v for k, v in values.items() if not _blank(v)}, attributes


def _field_name(column: str) -> str:
    return column.strip().lower().replace(" ", "_").replace("-", "_")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(values: dict[str, Any], name: str, limit: int) -> str | None:
    value = values.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise RowInvalid([(name, "must be text")])
    text = str(value).strip()
    if len(text) > limit:
        raise RowInvalid([(name, f"is longer than {limit} characters")])
    return text


class _Collector:
    """Runs field checks and keeps every failure, so a row reports all its bad fields at once."""

    def __init__(self) -> None:
        self.errors: list[tuple[str, str]] = []

    def text(self, values: dict[str, Any], name: str, limit: int) -> str | None:
        try:
            return _text(values, name, limit)
        except RowInvalid as exc:
            self.errors.extend(exc.errors)
            return None

    def check(self, name: str, reason: str) -> None:
        self.errors.append((name, reason))


def customer_record(
    row: int, record: Mapping[str, Any], mapper: Mapper, default_region: str | None
) -> CustomerRecord:
    """The customer a row describes, or RowInvalid with every bad field."""
    values, attributes = mapper.split(record)
    out = _Collector()
    profile: dict[str, Any] = {}
    for column, limit in (
        ("language", 16),
        ("locale", 32),
        ("city", 120),
        ("address", 500),
        ("postcode", 20),
    ):
        if (text := out.text(values, column, limit)) is not None:
            profile[column] = text
    name = out.text(values, "name", 200)
    if name is None:
        parts = [out.text(values, "first_name", 100), out.text(values, "last_name", 100)]
        name = " ".join(p for p in parts if p) or None
    if name is not None:
        profile["name"] = name
    country = out.text(values, "country", 100)
    if country is not None:
        if len(country) != 2 or not country.isalpha():
            out.check("country", "must be a two-letter ISO 3166 code such as US or DE")
        else:
            profile["country"] = country.upper()
    keys: list[Key] = []
    if (external_id := out.text(values, "external_id", 200)) is not None:
        keys.append((IdentityKind.EXTERNAL, external_id))
    if (email := out.text(values, "email", 320)) is not None:
        try:
            keys.append((IdentityKind.EMAIL, _email_key(email)))
            profile["email"] = email
        except ValueError:
            out.check("email", "is not an email address")
    if (phone := out.text(values, "phone", 64)) is not None:
        try:
            e164 = normalise_phone(phone, profile.get("country") or default_region)
            keys.append((IdentityKind.PHONE, e164))
            profile["phone"] = e164
        except ValueError:
            out.check("phone", "is not a phone number (national numbers need a country)")
    if (born := values.get("date_of_birth")) is not None:
        try:
            profile["date_of_birth"] = date.fromisoformat(str(born).strip())
        except ValueError:
            out.check("date_of_birth", "must be a date as YYYY-MM-DD")
    tags = _tags(values.get("tags"), out)
    if not keys and not out.errors:
        out.check("external_id", "a row needs an external_id, email or phone to be matched by")
    if out.errors:
        raise RowInvalid(out.errors)
    return CustomerRecord(row, keys, profile, tags, attributes)


def _email_key(email: str) -> str:
    key = normalise_email(email)
    local, _, domain = key.partition("@")
    if not local or "." not in domain or any(c.isspace() for c in key) or "@" in domain:
        raise ValueError(email)
    return key


_TAG_SEPARATORS = re.compile(r"[;,|]")


def _tags(value: Any, out: _Collector) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        items: list[Any] = _TAG_SEPARATORS.split(value)
    elif isinstance(value, list):
        items = value
    else:
        out.check("tags", "must be a list, or text separated by , ; or |")
        return []
    tags = [str(item).strip() for item in items if not _blank(item)]
    if any(len(tag) > 100 for tag in tags):
        out.check("tags", "a tag is longer than 100 characters")
    return list(dict.fromkeys(tags))


def order_record(
    row: int, record: Mapping[str, Any], mapper: Mapper, default_region: str | None
) -> OrderRecord:
    """The order a row describes, or RowInvalid with every bad field."""
    values, _ = mapper.split(record)
    out = _Collector()
    external_id = out.text(values, "external_id", 200)
    if external_id is None and "external_id" not in values:
        out.check("external_id", "is required")
    order: dict[str, Any] = {}  # only what the row gives: an update keeps the rest
    if (status := out.text(values, "status", 40)) is not None:
        order["status"] = status
    if (currency := out.text(values, "currency", 100)) is not None:
        if len(currency) != 3 or not currency.isalpha():
            out.check("currency", "must be a three-letter ISO 4217 code such as USD")
        order["currency"] = currency.upper()
    for name in ("items", "payment_methods", "fulfillments"):
        if name in values:
            order[name] = _objects(values[name], name, out)
    for name in ("shipping_address", "billing_address"):
        if name in values:
            order[name] = _address(values[name], name, out)
    if "total" in values or "items" in order:
        order["total"] = _total(values.get("total"), order.get("items", []), out)
    if "placed_at" in values:
        order["placed_at"] = _moment(values["placed_at"], out)
    if (tracking := out.text(values, "tracking_number", 200)) is not None:
        entry: dict[str, Any] = {"tracking_id": [tracking]}
        if carrier := out.text(values, "carrier", 100):
            entry["carrier"] = carrier
        order["tracking"] = entry
    references: list[tuple[str, Key]] = []
    if (ref := out.text(values, "customer_external_id", 200)) is not None:
        references.append(("customer_external_id", (IdentityKind.EXTERNAL, ref)))
    if (ref := out.text(values, "customer_email", 320)) is not None:
        try:
            references.append(("customer_email", (IdentityKind.EMAIL, _email_key(ref))))
        except ValueError:
            out.check("customer_email", "is not an email address")
    if (ref := out.text(values, "customer_phone", 64)) is not None:
        try:
            references.append(
                ("customer_phone", (IdentityKind.PHONE, normalise_phone(ref, default_region)))
            )
        except ValueError:
            out.check("customer_phone", "is not a phone number (national numbers need a country)")
    if out.errors or external_id is None:
        raise RowInvalid(out.errors)
    return OrderRecord(row, external_id, references, order)


def with_tracking(
    fulfillments: list[dict[str, Any]], entry: dict[str, Any]
) -> list[dict[str, Any]]:
    """The fulfilments with a tracking entry added, unless one already has that number."""
    number = entry["tracking_id"][0]
    for fulfillment in fulfillments:
        value = fulfillment.get("tracking_id")
        known = [str(v) for v in value] if isinstance(value, list) else [str(value)]
        if number in known:
            return fulfillments
    return [*fulfillments, entry]


def _json_cell(value: Any, name: str, out: _Collector) -> Any:
    """CSV cells carry nested values as JSON text."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            out.check(name, "is not valid JSON")
            return None
    return value


def _objects(value: Any, name: str, out: _Collector) -> list[dict[str, Any]]:
    if value is None:
        return []
    parsed = _json_cell(value, name, out)
    if parsed is None:
        return []
    if isinstance(parsed, dict):
        parsed = [parsed]
    if not isinstance(parsed, list) or not all(isinstance(item, dict) for item in parsed):
        out.check(name, "must be a list of objects")
        return []
    return parsed


def _address(value: Any, name: str, out: _Collector) -> dict[str, Any] | None:
    if value is None:
        return None
    if isinstance(value, str) and not value.lstrip().startswith("{"):
        return {"address1": value.strip()}  # one line of text
    parsed = _json_cell(value, name, out)
    if parsed is not None and not isinstance(parsed, dict):
        out.check(name, "must be an object or one line of text")
        return None
    return parsed


def _total(value: Any, items: list[dict[str, Any]], out: _Collector) -> Decimal:
    if value is None:  # the sum of the items, when they have prices
        try:
            return sum(
                (
                    Decimal(str(item.get("price", 0))) * Decimal(str(item.get("quantity", 1)))
                    for item in items
                ),
                Decimal("0"),
            ).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            out.check("items", "an item's price or quantity is not a number")
            return Decimal("0")
    try:
        total = Decimal(str(value).strip().replace(",", "")).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        out.check("total", "is not a number")
        return Decimal("0")
    if not total.is_finite() or abs(total) > MAX_TOTAL:
        out.check("total", "is out of range")
        return Decimal("0")
    return total


def _moment(value: Any, out: _Collector) -> datetime | None:
    if value is None:
        return None
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return datetime.fromtimestamp(value, UTC)
        text = str(value).strip()
        moment = datetime.fromisoformat(text)
    except (ValueError, OverflowError, OSError):
        out.check("placed_at", "must be an ISO 8601 time such as 2024-05-01T10:00:00Z")
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
