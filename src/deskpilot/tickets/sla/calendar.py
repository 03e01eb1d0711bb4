"""Business time: opening hours in a time zone, minus holidays.

The interface other modules use (routing checks ``is_open``; the SLA clock adds and counts):
``BusinessHours.of(calendar)`` then ``is_open(at)``, ``add(start, minutes)`` and
``minutes_between(start, end)``. Everything here is pure (no I/O, no clock).

Opening hours are local wall-clock intervals per weekday (``{"mon": [["09:00", "17:00"]]}``,
several a day allowed, ``"24:00"`` allowed as an end); a day without intervals is closed, and
so is every holiday (ISO dates, local to the calendar's zone). Local times become instants
through :mod:`zoneinfo`, so a working day across a DST change is an hour shorter or longer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from deskpilot.kit.errors import FieldError, InvalidInput
from deskpilot.models import BusinessCalendar

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # index = date.weekday()
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
# A calendar that never opens (or only opens beyond this) would loop forever: give up here.
_SEARCH_DAYS = 3700

Interval = tuple[int, int]  # minutes after local midnight: [start, end)


def _minutes(text: str, *, end: bool) -> int | None:
    if end and text == "24:00":
        return 24 * 60
    match = _HHMM.match(text)
    return int(match[1]) * 60 + int(match[2]) if match else None


def _aware(at: datetime) -> datetime:
    """Naive instants are taken as UTC (the database's convention)."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at


def validation_errors(
    timezone: Any, hours: Any, holidays: Any, prefix: str = "body"
) -> list[FieldError]:
    """Every problem of a calendar definition, by field (``body.hours.mon.0``)."""
    errors: list[FieldError] = []
    if not isinstance(timezone, str) or not timezone:
        errors.append(FieldError(f"{prefix}.timezone", "must be a time zone name"))
    else:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            errors.append(FieldError(f"{prefix}.timezone", f"unknown time zone {timezone!r}"))
    if not isinstance(hours, Mapping):
        errors.append(FieldError(f"{prefix}.hours", 'must map days ("mon".."sun") to intervals'))
    else:
        for day, intervals in hours.items():
            errors.extend(_day_errors(f"{prefix}.hours.{day}", day, intervals))
    if not isinstance(holidays, list):
        errors.append(FieldError(f"{prefix}.holidays", "must be a list of ISO dates"))
    else:
        for index, holiday in enumerate(holidays):
            try:
                if not isinstance(holiday, str):
                    raise ValueError
                date.fromisoformat(holiday)
                if len(holiday) != 10:
                    raise ValueError
            except ValueError:
                errors.append(
                    FieldError(f"{prefix}.holidays.{index}", "must be a date like 2026-12-25")
                )
    return errors


def _day_errors(field: str, day: Any, intervals: Any) -> list[FieldError]:
    if day not in DAYS:
        return [FieldError(field, f"unknown day; use one of {', '.join(DAYS)}")]
    if not isinstance(intervals, list):
        return [FieldError(field, 'must be a list of ["HH:MM", "HH:MM"] intervals')]
    errors: list[FieldError] = []
    parsed: list[tuple[Interval, int]] = []
    for index, interval in enumerate(intervals):
        where = f"{field}.{index}"
        if (
            not isinstance(interval, list | tuple)
            or len(interval) != 2
            or not all(isinstance(part, str) for part in interval)
        ):
            errors.append(FieldError(where, 'must be ["HH:MM", "HH:MM"]'))
            continue
        start, end = _minutes(interval[0], end=False), _minutes(interval[1], end=True)
        if start is None or end is None:
            errors.append(FieldError(where, "times must be HH:MM (00:00 to 24:00)"))
        elif start >= end:
            errors.append(FieldError(where, "the start must be before the end"))
        else:
            parsed.append(((start, end), index))
    parsed.sort()
    for (previous, _), (current, index) in pairwise(parsed):
        if current[0] < previous[1]:
            errors.append(FieldError(f"{field}.{index}", "overlaps another interval"))
    return errors


def validate_calendar(timezone: Any, hours: Any, holidays: Any, prefix: str = "body") -> None:
    """Raise :class:`InvalidInput` naming every invalid field."""
    errors = validation_errors(timezone, hours, holidays, prefix)
    if errors:
        raise InvalidInput.of(errors)


class BusinessHours:
    """Around the clock when built from ``None``."""

    def __init__(
        self,
        zone: ZoneInfo | None = None,
        week: Sequence[Sequence[Interval]] | None = None,
        holidays: frozenset[date] = frozenset(),
    ) -> None:
        self.zone = zone or ZoneInfo("UTC")
        self.week = [sorted(day) for day in week] if week is not None else None
        self.holidays = holidays

    @classmethod
    def of(cls, calendar: BusinessCalendar | None) -> BusinessHours:
        if calendar is None:
            return cls()
        return cls.from_definition(calendar.timezone, calendar.hours, calendar.holidays)

    @classmethod
    def from_definition(
        cls, timezone: str, hours: Mapping[str, Any], holidays: Sequence[str]
    ) -> BusinessHours:
        """Build from stored (already validated) values; invalid parts are skipped."""
        try:
            zone = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            zone = ZoneInfo("UTC")
        week: list[list[Interval]] = [[] for _ in DAYS]
        for index, day in enumerate(DAYS):
            for interval in hours.get(day) or []:
                start, end = _minutes(interval[0], end=False), _minutes(interval[1], end=True)
                if start is not None and end is not None and start < end:
                    week[index].append((start, end))
        days: set[date] = set()
        for holiday in holidays:
            try:
                days.add(date.fromisoformat(holiday))
            except (TypeError, ValueError):
                continue
        return cls(zone, week, frozenset(days))

    @property
    def always_open(self) -> bool:
        return self.week is None

    def _local_day(self, at: datetime) -> date:
        return _aware(at).astimezone(self.zone).date()

    def _instant(self, day: date, minutes: int) -> datetime:
        moment = time((minutes % 1440) // 60, minutes % 60)
        local = datetime.combine(day + timedelta(days=minutes // 1440), moment, self.zone)
        return local.astimezone(UTC)

    def _open_intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        """The day's opening hours as UTC instants (empty on holidays and closed days)."""
        if self.week is None or day in self.holidays:
            return []
        result = []
        for start, end in self.week[day.weekday()]:
            opens, closes = self._instant(day, start), self._instant(day, end)
            if opens < closes:  # a DST gap may swallow a short interval
                result.append((opens, closes))
        return result

    def _intervals_from(self, day: date) -> Iterator[tuple[datetime, datetime]]:
        for offset in range(_SEARCH_DAYS):
            yield from self._open_intervals(day + timedelta(days=offset))

    def is_open(self, at: datetime) -> bool:
        """Whether ``at`` (aware, any zone) falls in opening hours on a working day."""
        if self.week is None:
            return True
        at = _aware(at).astimezone(UTC)
        day = self._local_day(at)
        return any(
            opens <= at < closes
            for offset in (-1, 0, 1)
            for opens, closes in self._open_intervals(day + timedelta(days=offset))
        )

    def add(self, start: datetime, minutes: float) -> datetime:
        """The instant ``minutes`` business minutes after ``start`` (aware, UTC).

        Starting outside opening hours, the clock starts at the next opening; the result is
        the earliest instant with that much business time since ``start``."""
        start = _aware(start).astimezone(UTC)
        if self.week is None or minutes <= 0:
            return start + timedelta(minutes=max(0.0, minutes))
        remaining = timedelta(minutes=minutes)
        cursor = start
        for opens, closes in self._intervals_from(self._local_day(start) - timedelta(days=1)):
            if closes <= cursor:
                continue
            begin = max(opens, cursor)
            if remaining <= closes - begin:
                return begin + remaining
            remaining -= closes - begin
            cursor = closes
        return cursor  # never opens again within the search horizon

    def minutes_between(self, start: datetime, end: datetime) -> float:
        """Business minutes from ``start`` to ``end`` (0 if end is not after start)."""
        start, end = _aware(start).astimezone(UTC), _aware(end).astimezone(UTC)
        if end <= start:
            return 0.0
        if self.week is None:
            return (end - start).total_seconds() / 60
        total = timedelta()
        day = self._local_day(start) - timedelta(days=1)
        last = self._local_day(end) + timedelta(days=1)
        while day <= last:
            for opens, closes in self._open_intervals(day):
                overlap = min(closes, end) - max(opens, start)
                if overlap > timedelta():
                    total += overlap
            day += timedelta(days=1)
        return total.total_seconds() / 60
