"""The segment rule language: JSON rules, validated into a tree, compiled to one SQL condition.

A rule is one of (see docs/segments.md for the full reference and examples)::

    {"all": [rule, ...]}                      every rule holds (an empty list holds)
    {"any": [rule, ...]}                      at least one holds (an empty list never holds)
    {"not": rule}                             the rule does not hold
    {"trait": PATH, "op": OP, "value": V}     a comparison on a profile or computed trait
    {"event": NAME, "within_days": N, "count": {"op": ">=", "value": 1}}
                                              CustomerEvent rows named NAME (in the last N days)
    {"in_segment": SEGMENT_ID}                the customer is a member of another segment

``PATH`` is a profile field (``country``, ``tags``, ``created_at``...), ``computed.<trait>``
(``computed.lifetime_value``, ``computed.contacts_by_channel.<channel type>``) or
``attributes.<key>`` (custom attributes). A trait that is missing never matches a comparison,
only ``not_exists``; ``not`` of a comparison on a missing trait therefore holds.

``parse`` turns JSON into a tree or raises ``InvalidInput`` naming the path of every mistake
(``body.rules.all.1.op``). ``compile_rule`` turns a tree into a SQLAlchemy condition over
``customers``, for PostgreSQL and SQLite alike, so that membership of one customer, of a batch
or a count over a whole workspace is one query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    exists,
    false,
    func,
    not_,
    or_,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB

from deskpilot.kit.errors import FieldError, InvalidInput
from deskpilot.models import Customer, CustomerEvent, SegmentMembership

MAX_DEPTH = 8
MAX_NODES = 100
MAX_LIST = 100

COMPARISONS = ("=", "!=", ">", ">=", "<", "<=")
TRAIT_OPS = (
    *COMPARISONS,
    "in",
    "not_in",
    "contains",
    "exists",
    "not_exists",
    "within_last_days",
    "more_than_days_ago",
)

# Profile columns a rule may read, by kind: str, date, datetime, list (tags).
PROFILE_TRAITS: dict[str, str] = {
    "name": "str",
    "email": "str",
    "phone": "str",
    "language": "str",
    "locale": "str",
    "country": "str",
    "city": "str",
    "postcode": "str",
    "date_of_birth": "date",
    "created_at": "datetime",
    "tags": "list",
}

# Computed traits (customers/traits.py writes them into Customer.computed), by kind.
COMPUTED_TRAITS: dict[str, str] = {
    "order_count": "number",
    "lifetime_value": "number",
    "last_order_at": "datetime",
    "last_contact_at": "datetime",
    "contacts_by_channel": "map",  # computed.contacts_by_channel.<channel type>: number
    "avg_sentiment": "number",
    "sentiment_trend_30d": "number",
    "open_tickets": "number",
    "churn_risk": "number",
}

_KEY = re.compile(r"^[A-Za-z0-9_\-]{1,100}$")
_EVENT_NAME_MAX = 200


@dataclass(frozen=True, slots=True)
class All:
    rules: tuple[Rule, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    rules: tuple[Rule, ...]


@dataclass(frozen=True, slots=True)
class Not:
    rule: Rule


@dataclass(frozen=True, slots=True)
class Trait:
    source: str  # "profile" | "computed" | "attributes"
    keys: tuple[str, ...]  # the column, or the JSON path inside computed/attributes
    kind: str  # str, number, bool, date, datetime, list, any
    op: str
    value: Any


@dataclass(frozen=True, slots=True)
class Event:
    name: str
    within_days: int | None
    count_op: str
    count: int


@dataclass(frozen=True, slots=True)
class InSegment:
    segment_id: str


Rule = All | AnyOf | Not | Trait | Event | InSegment


class _Parser:
    def __init__(self) -> None:
        self.errors: list[FieldError] = []
        self.nodes = 0

    def fail(self, path: str, reason: str) -> None:
        self.errors.append(FieldError(path, reason))

    def rule(self, raw: object, path: str, depth: int) -> Rule | None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            if self.nodes == MAX_NODES + 1:
                self.fail(path, f"a segment's rules hold at most {MAX_NODES} conditions")
            return None
        if depth > MAX_DEPTH:
            self.fail(path, f"rules nest at most {MAX_DEPTH} levels deep")
            return None
        if not isinstance(raw, dict):
            self.fail(path, "must be an object")
            return None
        shapes = [k for k in ("all", "any", "not", "trait", "event", "in_segment") if k in raw]
        if len(shapes) != 1:
            self.fail(path, "must have exactly one of all, any, not, trait, event, in_segment")
            return None
        shape = shapes[0]
        allowed = {
            "all": {"all"},
            "any": {"any"},
            "not": {"not"},
            "trait": {"trait", "op", "value"},
            "event": {"event", "within_days", "count"},
            "in_segment": {"in_segment"},
        }[shape]
        for extra in sorted(set(raw) - allowed):
            self.fail(f"{path}.{extra}", f"is not a field of a {shape} rule")
        if shape in ("all", "any"):
            items = raw[shape]
            if not isinstance(items, list):
                self.fail(f"{path}.{shape}", "must be a list of rules")
                return None
            parsed = [self.rule(r, f"{path}.{shape}.{i}", depth + 1) for i, r in enumerate(items)]
            if any(p is None for p in parsed):
                return None
            children = tuple(p for p in parsed if p is not None)
            return All(children) if shape == "all" else AnyOf(children)
        if shape == "not":
            inner = self.rule(raw["not"], f"{path}.not", depth + 1)
            return Not(inner) if inner is not None else None
        if shape == "trait":
            return self.trait(raw, path)
        if shape == "event":
            return self.event(raw, path)
        segment_id = raw["in_segment"]
        if not isinstance(segment_id, str) or not segment_id:
            self.fail(f"{path}.in_segment", "must be a segment id")
            return None
        return InSegment(segment_id)

    def trait(self, raw: dict[str, Any], path: str) -> Trait | None:
        name = raw["trait"]
        if not isinstance(name, str):
            self.fail(f"{path}.trait", "must be a trait name")
            return None
        resolved = _resolve_trait(name)
        if isinstance(resolved, str):
            self.fail(f"{path}.trait", resolved)
            return None
        source, keys, kind = resolved
        op = raw.get("op")
        if op not in TRAIT_OPS:
            self.fail(f"{path}.op", f"must be one of {', '.join(TRAIT_OPS)}")
            return None
        value = raw.get("value")
        checked = self.value(kind, op, value, f"{path}.value", "value" in raw)
        if checked is _INVALID:
            return None
        if kind == "any" and op not in ("exists", "not_exists"):
            kind = _kind_of(checked)
        return Trait(source, keys, kind, op, checked)

    def value(self, kind: str, op: str, value: Any, path: str, given: bool) -> Any:
        if op in ("exists", "not_exists"):
            if given:
                self.fail(path, f"is not taken by {op}")
                return _INVALID
            return None
        if not given:
            self.fail(path, f"is required by {op}")
            return _INVALID
        if op in ("within_last_days", "more_than_days_ago"):
            if kind not in ("date", "datetime", "any"):
                self.fail(path.rsplit(".", 1)[0] + ".op", f"{op} applies to times only")
                return _INVALID
            if not _is_int(value) or not 0 <= value <= 36500:
                self.fail(path, "must be a whole number of days from 0 to 36500")
                return _INVALID
            return value
        if op == "contains":
            if kind != "list":
                self.fail(path.rsplit(".", 1)[0] + ".op", "contains applies to tags only")
                return _INVALID
            if not isinstance(value, str):
                self.fail(path, "must be a string")
                return _INVALID
            return value
        if kind == "list":
            self.fail(path.rsplit(".", 1)[0] + ".op", "tags take contains, exists, not_exists")
            return _INVALID
        if op in ("in", "not_in"):
            if not isinstance(value, list) or not value or len(value) > MAX_LIST:
                self.fail(path, f"must be a list of 1 to {MAX_LIST} values")
                return _INVALID
            checked = [self.scalar(kind, v, f"{path}.{i}") for i, v in enumerate(value)]
            return _INVALID if any(c is _INVALID for c in checked) else checked
        if kind == "any" and isinstance(value, bool) and op not in ("=", "!="):
            self.fail(path, f"true and false compare with = and != only, not {op}")
            return _INVALID
        return self.scalar(kind, value, path)

    def scalar(self, kind: str, value: Any, path: str) -> Any:
        if kind == "number":
            if isinstance(value, bool) or not isinstance(value, int | float):
                self.fail(path, "must be a number")
                return _INVALID
            return float(value)
        if kind == "str":
            if not isinstance(value, str):
                self.fail(path, "must be a string")
                return _INVALID
            return value
        if kind in ("date", "datetime"):
            try:
                if not isinstance(value, str):
                    raise ValueError
                parsed: date | datetime = (
                    date.fromisoformat(value) if kind == "date" else _parse_time(value)
                )
            except ValueError:
                self.fail(path, f"must be an ISO 8601 {kind}")
                return _INVALID
            return parsed
        # attributes: strings, numbers, booleans
        if value is None or isinstance(value, dict | list):
            self.fail(path, "must be a string, a number, true or false")
            return _INVALID
        return value

    def event(self, raw: dict[str, Any], path: str) -> Event | None:
        name = raw["event"]
        ok = True
        if not isinstance(name, str) or not name or len(name) > _EVENT_NAME_MAX:
            self.fail(f"{path}.event", "must be an event name")
            ok = False
        within = raw.get("within_days")
        if within is not None and (not _is_int(within) or not 1 <= within <= 36500):
            self.fail(f"{path}.within_days", "must be a whole number of days from 1 to 36500")
            ok = False
        count_op, count = ">=", 1
        if "count" in raw:
            spec = raw["count"]
            if not isinstance(spec, dict) or set(spec) != {"op", "value"}:
                self.fail(f"{path}.count", 'must be {"op": ..., "value": ...}')
                ok = False
            else:
                if spec["op"] not in COMPARISONS:
                    self.fail(f"{path}.count.op", f"must be one of {', '.join(COMPARISONS)}")
                    ok = False
                if not _is_int(spec["value"]) or spec["value"] < 0:
                    self.fail(f"{path}.count.value", "must be a whole number, 0 or more")
                    ok = False
                if ok:
                    count_op, count = spec["op"], spec["value"]
        if not ok:
            return None
        return Event(str(name), within, count_op, count)


class _Invalid:
    pass


_INVALID = _Invalid()


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _kind_of(value: Any) -> str:
    sample = value[0] if isinstance(value, list) else value
    if isinstance(sample, bool):
        return "bool"
    if isinstance(sample, int | float):
        return "number"
    return "str"


def _parse_time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _resolve_trait(name: str) -> tuple[str, tuple[str, ...], str] | str:
    """(source, keys, kind) of a trait path, or why it is not one."""
    if name in PROFILE_TRAITS:
        return "profile", (name,), PROFILE_TRAITS[name]
    head, _, rest = name.partition(".")
    if head == "computed":
        first, _, sub = rest.partition(".")
        kind = COMPUTED_TRAITS.get(first)
        if kind is None:
            return f"unknown computed trait; known: {', '.join(COMPUTED_TRAITS)}"
        if kind == "map":
            if not _KEY.match(sub):
                return f"name a channel type: computed.{first}.<channel type>"
            return "computed", (first, sub), "number"
        if sub:
            return f"computed.{first} has no fields"
        return "computed", (first,), kind
    if head == "attributes":
        if not _KEY.match(rest):
            return "name a custom attribute: attributes.<key> (letters, digits, _ and -)"
        return "attributes", (rest,), "any"
    return (
        "must be a profile trait (" + ", ".join(PROFILE_TRAITS) + "), computed.<trait> or "
        "attributes.<key>"
    )


def parse(raw: object, path: str = "body.rules") -> Rule:
    """The rule tree of ``raw``, or ``InvalidInput`` with a field error per mistake."""
    parser = _Parser()
    rule = parser.rule(raw, path, 1)
    if parser.errors or rule is None:
        raise InvalidInput.of(parser.errors or [FieldError(path, "is not a valid rule")])
    return rule


def segment_references(rule: Rule) -> set[str]:
    """The segment ids ``in_segment`` conditions of ``rule`` name."""
    if isinstance(rule, All | AnyOf):
        return set().union(*(segment_references(r) for r in rule.rules))
    if isinstance(rule, Not):
        return segment_references(rule.rule)
    if isinstance(rule, InSegment):
        return {rule.segment_id}
    return set()


# ----------------------------------------------------------------------------- compiling to SQL


def iso_time(value: datetime) -> str:
    """How traits store times: UTC, fixed width, so that strings compare like times."""
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _compare(left: Any, op: str, right: Any) -> ColumnElement[bool]:
    condition: ColumnElement[bool]
    match op:
        case "=":
            condition = left == right
        case "!=":
            condition = left != right
        case ">":
            condition = left > right
        case ">=":
            condition = left >= right
        case "<":
            condition = left < right
        case "<=":
            condition = left <= right
        case "in":
            condition = left.in_(right)
        case "not_in":
            condition = left.not_in(right)
        case _:  # pragma: no cover - parse() refuses other operators
            raise ValueError(op)
    return condition


def _trait_condition(rule: Trait, dialect: str, now: datetime) -> ColumnElement[bool]:
    if rule.source == "profile":
        target: Any = getattr(Customer, rule.keys[0])
    else:
        document = Customer.computed if rule.source == "computed" else Customer.attributes
        path = rule.keys[0] if len(rule.keys) == 1 else tuple(rule.keys)
        element = document[path]
        if rule.op in ("exists", "not_exists"):
            target = element.as_string() if dialect == "postgresql" else element.as_json()
            # JSON null counts as missing; SQLite's json_extract gives SQL NULL for both.
        elif rule.kind == "number":
            target = element.as_float()
        elif rule.kind == "bool":
            target = element.as_boolean()
        else:  # str, and times stored as ISO strings
            target = element.as_string()
    if rule.op in ("exists", "not_exists"):
        present: ColumnElement[bool] = (
            target.is_not(None) if rule.op == "exists" else target.is_(None)
        )
        return present
    if rule.kind == "list":  # tags contains
        if dialect == "postgresql":
            found: ColumnElement[bool] = Customer.tags.cast(JSONB).contains([rule.value])
        else:
            each = func.json_each(Customer.tags).table_valued("value")
            found = exists(select(1).select_from(each).where(each.c.value == rule.value))
        return and_(Customer.tags.is_not(None), found)
    value: Any = rule.value
    op = rule.op
    if op in ("within_last_days", "more_than_days_ago"):
        threshold = now - timedelta(days=int(value))
        value = threshold.date() if rule.kind == "date" else threshold
        op = ">=" if op == "within_last_days" else "<"
    if rule.source != "profile":  # times live in JSON as ISO strings
        if isinstance(value, datetime):
            value = iso_time(value)
        elif isinstance(value, list):
            value = [iso_time(v) if isinstance(v, datetime) else v for v in value]
    # A missing trait must be false, not NULL: NOT(NULL) would drop it from "not" rules too.
    return and_(target.is_not(None), _compare(target, op, value))


def _event_condition(rule: Event, workspace_id: str, now: datetime) -> ColumnElement[bool]:
    matching = [
        CustomerEvent.workspace_id == workspace_id,
        CustomerEvent.customer_id == Customer.id,
        CustomerEvent.name == rule.name,
    ]
    if rule.within_days is not None:
        matching.append(CustomerEvent.occurred_at >= now - timedelta(days=rule.within_days))
    if rule.count_op == ">=" and rule.count == 1:
        return exists(select(CustomerEvent.id).where(*matching))
    counted = select(func.count(CustomerEvent.id)).where(*matching).scalar_subquery()
    return _compare(counted, rule.count_op, rule.count)


def compile_rule(
    rule: Rule, *, workspace_id: str, dialect: str, now: datetime
) -> ColumnElement[bool]:
    """A condition over ``customers`` that holds for the customers ``rule`` selects."""
    if isinstance(rule, All):
        if not rule.rules:
            return true()
        return and_(
            *(
                compile_rule(r, workspace_id=workspace_id, dialect=dialect, now=now)
                for r in rule.rules
            )
        )
    if isinstance(rule, AnyOf):
        if not rule.rules:
            return false()
        return or_(
            *(
                compile_rule(r, workspace_id=workspace_id, dialect=dialect, now=now)
                for r in rule.rules
            )
        )
    if isinstance(rule, Not):
        return not_(compile_rule(rule.rule, workspace_id=workspace_id, dialect=dialect, now=now))
    if isinstance(rule, Trait):
        return _trait_condition(rule, dialect, now)
    if isinstance(rule, Event):
        return _event_condition(rule, workspace_id, now)
    return exists(
        select(SegmentMembership.id).where(
            SegmentMembership.workspace_id == workspace_id,
            SegmentMembership.segment_id == rule.segment_id,
            SegmentMembership.customer_id == Customer.id,
        )
    )


__all__ = [
    "COMPUTED_TRAITS",
    "PROFILE_TRAITS",
    "All",
    "AnyOf",
    "Event",
    "InSegment",
    "Not",
    "Rule",
    "Trait",
    "compile_rule",
    "parse",
    "segment_references",
]
