"""Business time: opening hours in a time zone, minus holidays (to be written by the SLA work).

The interface other modules use (routing checks ``is_open``; the SLA clock adds and counts):
"""

from __future__ import annotations

from datetime import datetime, timedelta

from deskpilot.models import BusinessCalendar


class BusinessHours:
    """Around the clock when built from ``None``."""

    @classmethod
    def of(cls, calendar: BusinessCalendar | None) -> BusinessHours:
        return cls()

    def is_open(self, at: datetime) -> bool:
        """Whether ``at`` (aware, any zone) falls in opening hours on a working day."""
        return True

    def add(self, start: datetime, minutes: int) -> datetime:
        """The instant ``minutes`` business minutes after ``start`` (aware, UTC)."""
        return start + timedelta(minutes=minutes)

    def minutes_between(self, start: datetime, end: datetime) -> float:
        """Business minutes from ``start`` to ``end`` (0 if end is not after start)."""
        return max(0.0, (end - start).total_seconds() / 60)
