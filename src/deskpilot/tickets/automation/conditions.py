"""Rule conditions: ``{"field": "ticket.priority", "op": "in", "value": ["high", "urgent"]}``.

Every condition of a rule must hold. Fields come in families (``ticket.*``, ``customer.*``,
``ai.*``, ``event.*``, and the time fields); each field has a kind that decides which operators
and values it takes, checked when a rule is saved (``validate``) so a saved rule cannot fail on
a typo. Evaluation (``holds``) is pure: it takes the field's value and the event's changes.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from deskpilot.kit.errors import FieldError
from deskpilot.models import Priority, TicketSource, TicketStatus, TicketType

TEXT, ID, ENUM, LIST, NUMBER, ANY, SEGMENTS = (
    "text",
    "id",
    "enum",
    "list",
    "number",
    "any",
    "segments",
)


@dataclass(frozen=True, slots=True)
class FieldSpec:
    kind: str
    choices: tuple[str, ...] = ()
    change_key: str | None = None  # the ticket column ``changed``/``changed_to`` look at


def _ticket(kind: str, column: str, choices: tuple[str, ...] = ()) -> FieldSpec:
    return FieldSpec(kind, choices, change_key=column)


FIELDS: dict[str, FieldSpec] = {
    "ticket.status": _ticket(ENUM, "status", tuple(TicketStatus)),
    "ticket.priority": _ticket(ENUM, "priority", tuple(Priority)),
    "ticket.type": _ticket(ENUM, "type", tuple(TicketType)),
    "ticket.source": _ticket(ENUM, "source", tuple(TicketSource)),
    "ticket.category": _ticket(TEXT, "category"),
    "ticket.labels": _ticket(LIST, "labels"),
    "ticket.assignee_id": _ticket(ID, "assignee_id"),
    "ticket.team_id": _ticket(ID, "team_id"),
    "ticket.language": _ticket(TEXT, "language"),
    "ticket.subject": _ticket(TEXT, "subject"),
    "ticket.description": _ticket(TEXT, "description"),
    "ticket.customer_id": _ticket(ID, "customer_id"),
    "ticket.channel_type": FieldSpec(TEXT),
    "ticket.hours_since_update": FieldSpec(NUMBER),
    "ticket.hours_in_status": FieldSpec(NUMBER),
    "ticket.hours_since_created": FieldSpec(NUMBER),
    "customer.segments": FieldSpec(SEGMENTS),
    "customer.email_domain": FieldSpec(TEXT),
    "customer.language": FieldSpec(TEXT),
    "customer.country": FieldSpec(TEXT),
    "ai.intent": FieldSpec(TEXT),
    "ai.intent_confidence": FieldSpec(NUMBER),
    "ai.sentiment": FieldSpec(TEXT),
    "ai.sentiment_score": FieldSpec(NUMBER),
    "ai.language": FieldSpec(TEXT),
    "ai.urgency": FieldSpec(TEXT),
    "event.changes": FieldSpec(LIST),
    "event.score": FieldSpec(NUMBER),
    "event.actor_type": FieldSpec(TEXT),
}
TRAIT_PREFIX = "customer.traits."
_TRAIT_NAME = re.compile(r"^[A-Za-z_][\w.-]{0,63}$")

OPS = (
    "eq",
    "ne",
    "in",
    "not_in",
    "contains",
    "not_contains",
    "gt",
    "gte",
    "lt",
    "lte",
    "changed",
    "changed_to",
    "is_set",
    "is_empty",
)
_COMPARE = ("gt", "gte", "lt", "lte")
_NO_VALUE = ("changed", "is_set", "is_empty")
_ALLOWED_KEYS = {"field", "op", "value"}


def spec_of(field: str) -> FieldSpec | None:
    if field.startswith(TRAIT_PREFIX) and _TRAIT_NAME.match(field[len(TRAIT_PREFIX) :]):
        return FieldSpec(ANY)
    return FIELDS.get(field)


def validate(conditions: Sequence[object], path: str = "conditions") -> list[FieldError]:
    """Every problem of ``conditions``, each named by its path (``conditions[1].op``)."""
    errors: list[FieldError] = []
    for index, condition in enumerate(conditions):
        where = f"{path}[{index}]"
        if not isinstance(condition, dict):
            errors.append(FieldError(where, "must be an object with field, op and value"))
            continue
        for key in sorted(set(condition) - _ALLOWED_KEYS):
            errors.append(FieldError(f"{where}.{key}", "unknown key"))
        field, op = condition.get("field"), condition.get("op")
        spec = spec_of(field) if isinstance(field, str) else None
        if spec is None:
            errors.append(FieldError(f"{where}.field", f"unknown field {field!r}"))
        if op not in OPS:
            errors.append(FieldError(f"{where}.op", f"unknown operator {op!r}"))
        if spec is None or op not in OPS:
            continue
        assert isinstance(op, str)
        reason = _check(spec, op, condition.get("value"), "value" in condition)
        if reason is not None:
            target = "op" if reason.startswith("operator") else "value"
            errors.append(FieldError(f"{where}.{target}", reason))
    return errors


def _check(spec: FieldSpec, op: str, value: object, given: bool) -> str | None:
    """Why ``op`` with ``value`` does not suit a field of ``spec``; None when it does."""
    if op in ("changed", "changed_to") and spec.change_key is None:
        return "operator only applies to ticket fields (on ticket.updated)"
    if op in _COMPARE and spec.kind not in (NUMBER, ANY):
        return f"operator {op} needs a number field"
    if op in ("contains", "not_contains") and spec.kind not in (TEXT, LIST, SEGMENTS, ANY):
        return f"operator {op} needs a text or list field"
    if op in _NO_VALUE:
        return "takes no value" if given and value is not None else None
    if not given:
        return "is required"
    if op in ("in", "not_in"):
        if not isinstance(value, list) or not value:
            return "must be a non-empty list"
        reasons = [r for r in (_scalar(spec, v, op) for v in value) if r is not None]
        return reasons[0] if reasons else None
    return _scalar(spec, value, op)


def _scalar(spec: FieldSpec, value: object, op: str) -> str | None:
    if spec.kind == NUMBER or (op in _COMPARE and spec.kind == ANY):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok else "must be a number"
    if spec.kind == ANY:
        ok = value is None or isinstance(value, str | int | float | bool)
        return None if ok else "must be a string, number, boolean or null"
    if spec.kind == ENUM:
        return None if value in spec.choices else f"must be one of {', '.join(spec.choices)}"
    if spec.kind == ID and value is None and op in ("eq", "ne", "changed_to"):
        return None  # "assignee_id eq null": nobody is assigned
    if not isinstance(value, str) or not value:
        return "must be a non-empty string"
    return None


def holds(condition: dict[str, Any], value: object, changes: dict[str, Any] | None) -> bool:
    """Whether ``condition`` holds for the field's ``value`` (``changes``: the event's
    ``{column: [before, after]}``, for ``changed``/``changed_to``; None outside updates)."""
    op, expected = condition["op"], condition.get("value")
    spec = spec_of(condition["field"])
    if op in ("changed", "changed_to"):
        key = spec.change_key if spec is not None else None
        if changes is None or key is None or key not in changes:
            return False
        return op == "changed" or _equal(changes[key][1], expected)
    if op == "is_set":
        return not _empty(value)
    if op == "is_empty":
        return _empty(value)
    if op == "eq":
        return _equal(value, expected)
    if op == "ne":
        return not _equal(value, expected)
    if op in ("in", "not_in"):
        found = any(_equal(value, e) for e in expected or ())
        return found if op == "in" else not found
    if op in ("contains", "not_contains"):
        found = _contains(value, expected)
        return found if op == "contains" else not found
    return _compare(op, value, expected)


def _empty(value: object) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _equal(value: object, expected: object) -> bool:
    """Equality that ignores the case of text and matches a list holding ``expected``
    (labels, segments by id or name)."""
    if isinstance(value, list):
        return any(_equal(item, expected) for item in value)
    if isinstance(value, str) and isinstance(expected, str):
        return value.casefold() == expected.casefold()
    if isinstance(value, bool) or isinstance(expected, bool):
        return value is expected
    return value == expected


def _contains(value: object, expected: object) -> bool:
    if isinstance(value, list):
        return any(_equal(item, expected) for item in value)
    if isinstance(value, str) and isinstance(expected, str | int | float):
        return str(expected).casefold() in value.casefold()
    return False


def _compare(op: str, value: object, expected: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        if not isinstance(value, str):
            return False
        try:
            value = float(value)  # a trait stored as text ("42")
        except ValueError:
            return False
    assert isinstance(expected, int | float)
    number = float(value)
    return {
        "gt": number > expected,
        "gte": number >= expected,
        "lt": number < expected,
        "lte": number <= expected,
    }[op]


Lookup = Callable[[str], Awaitable[object]]


async def all_hold(
    conditions: Sequence[dict[str, Any]], lookup: Lookup, changes: dict[str, Any] | None
) -> bool:
    """True when every condition holds (an empty list always does); stops at the first miss,
    so facts nobody asks about are never loaded."""
    for condition in conditions:
        if not holds(condition, await lookup(condition["field"]), changes):
            return False
    return True
