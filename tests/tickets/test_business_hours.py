"""Business time: the pure clock, with explicit instants (never the wall clock)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from deskpilot.kit.errors import InvalidInput
from deskpilot.models import BusinessCalendar
from deskpilot.tickets.sla.calendar import BusinessHours, validate_calendar, validation_errors

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def office(
    zone: str = "UTC", *, holidays: tuple[str, ...] = (), lunch: bool = False
) -> BusinessHours:
    day = [["09:00", "12:00"], ["13:00", "17:00"]] if lunch else [["09:00", "17:00"]]
    return BusinessHours.from_definition(zone, dict.fromkeys(WEEKDAYS, day), list(holidays))


def at(text: str, zone: str = "UTC") -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


def test_without_a_calendar_the_clock_runs_around_the_clock() -> None:
    hours = BusinessHours.of(None)
    start = at("2026-11-21T23:30")  # a Saturday night
    assert hours.is_open(start)
    assert hours.add(start, 90) == at("2026-11-22T01:00")
    assert hours.minutes_between(start, at("2026-11-22T01:00")) == 90
    assert hours.minutes_between(at("2026-11-22T01:00"), start) == 0


def test_adding_within_a_day_and_across_the_night() -> None:
    hours = office()
    assert hours.add(at("2026-11-23T10:00"), 60) == at("2026-11-23T11:00")  # Monday
    # 16:00 + 2h: one hour on Monday, one on Tuesday morning
    assert hours.add(at("2026-11-23T16:00"), 120) == at("2026-11-24T10:00")
    assert hours.minutes_between(at("2026-11-23T16:00"), at("2026-11-24T10:00")) == 120
    # a full working day ends exactly at closing time
    assert hours.add(at("2026-11-23T09:00"), 480) == at("2026-11-23T17:00")


def test_a_start_outside_hours_waits_for_the_next_opening() -> None:
    hours = office()
    assert not hours.is_open(at("2026-11-23T07:00"))
    assert hours.add(at("2026-11-23T07:00"), 30) == at("2026-11-23T09:30")
    assert hours.add(at("2026-11-23T20:00"), 30) == at("2026-11-24T09:30")
    assert hours.minutes_between(at("2026-11-23T17:00"), at("2026-11-24T09:00")) == 0


def test_weekends_are_skipped() -> None:
    hours = office()
    friday = at("2026-11-27T16:30")
    assert hours.add(friday, 60) == at("2026-11-30T09:30")  # Monday
    assert not hours.is_open(at("2026-11-28T12:00"))
    assert hours.minutes_between(friday, at("2026-11-30T09:30")) == 60


def test_holidays_are_closed_days() -> None:
    hours = office(holidays=("2026-11-26",))  # Thursday
    assert not hours.is_open(at("2026-11-26T10:00"))
    assert hours.add(at("2026-11-25T16:00"), 120) == at("2026-11-27T10:00")


def test_several_intervals_a_day() -> None:
    hours = office(lunch=True)
    assert not hours.is_open(at("2026-11-23T12:30"))
    assert hours.is_open(at("2026-11-23T13:00"))
    assert hours.add(at("2026-11-23T11:30"), 60) == at("2026-11-23T13:30")
    assert hours.minutes_between(at("2026-11-23T08:00"), at("2026-11-23T18:00")) == 420


def test_hours_are_local_to_the_calendar_zone() -> None:
    shanghai = office("Asia/Shanghai")  # UTC+8 all year
    # 09:00 in Shanghai is 01:00 UTC
    assert shanghai.is_open(at("2026-11-23T01:30"))
    assert not shanghai.is_open(at("2026-11-23T09:30"))  # 17:30 in Shanghai
    result = shanghai.add(at("2026-11-23T08:00"), 60)  # 16:00 local: one hour left today
    assert result == at("2026-11-23T17:00", "Asia/Shanghai")
    assert result.tzinfo is UTC
    moscow = office("Europe/Moscow")  # UTC+3
    assert moscow.add(at("2026-11-23T05:00"), 60) == at("2026-11-23T10:00", "Europe/Moscow")


def test_a_day_ending_at_midnight_and_a_night_shift() -> None:
    hours = BusinessHours.from_definition(
        "UTC", {"mon": [["22:00", "24:00"]], "tue": [["00:00", "02:00"]]}, []
    )
    assert hours.add(at("2026-11-23T23:00"), 120) == at("2026-11-24T01:00")
    assert hours.minutes_between(at("2026-11-23T21:00"), at("2026-11-24T03:00")) == 240


def test_new_york_across_the_end_of_daylight_saving_time() -> None:
    hours = office("America/New_York")
    friday = at("2026-10-30T16:00", "America/New_York")  # EDT (UTC-4)
    due = hours.add(friday, 120)
    # Monday after the change back to EST (UTC-5): 10:00 local is 15:00 UTC, not 14:00
    assert due == at("2026-11-02T10:00", "America/New_York")
    assert due == datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
    assert hours.minutes_between(friday, due) == 120


def test_around_the_clock_calendar_across_a_dst_change_counts_real_time() -> None:
    every_day = {day: [["00:00", "24:00"]] for day in (*WEEKDAYS, "sat", "sun")}
    hours = BusinessHours.from_definition("America/New_York", every_day, [])
    # the night of 2026-03-08 has 23 hours in New York; business time is real time
    start = at("2026-03-07T12:00", "America/New_York").astimezone(UTC)
    assert hours.add(start, 24 * 60) == start + timedelta(hours=24)
    assert hours.minutes_between(start, start + timedelta(hours=30)) == 30 * 60
    assert hours.add(start, 24 * 60) == at("2026-03-08T13:00", "America/New_York")


def test_built_from_a_stored_calendar() -> None:
    calendar = BusinessCalendar(
        name="Berlin", timezone="Europe/Berlin", hours={"mon": [["09:00", "17:00"]]}, holidays=[]
    )
    hours = BusinessHours.of(calendar)
    assert hours.is_open(at("2026-11-23T09:00", "Europe/Berlin"))
    assert not hours.is_open(at("2026-11-24T09:00", "Europe/Berlin"))


def test_naive_instants_are_taken_as_utc() -> None:
    hours = office()
    assert hours.add(datetime(2026, 11, 23, 10, 0), 30) == at("2026-11-23T10:30")


@pytest.mark.parametrize(
    ("timezone", "hours", "holidays", "field"),
    [
        ("Mars/Olympus", {}, [], "body.timezone"),
        ("UTC", {"monday": [["09:00", "17:00"]]}, [], "body.hours.monday"),
        ("UTC", {"mon": [["9:00", "17:00"]]}, [], "body.hours.mon.0"),
        ("UTC", {"mon": [["09:00", "24:30"]]}, [], "body.hours.mon.0"),
        ("UTC", {"mon": [["17:00", "09:00"]]}, [], "body.hours.mon.0"),
        ("UTC", {"mon": [["09:00", "13:00"], ["12:00", "17:00"]]}, [], "body.hours.mon.1"),
        ("UTC", {"mon": "09:00-17:00"}, [], "body.hours.mon"),
        ("UTC", {"mon": [["09:00"]]}, [], "body.hours.mon.0"),
        ("UTC", {}, ["2026-02-30"], "body.holidays.0"),
        ("UTC", {}, ["next friday"], "body.holidays.0"),
    ],
)
def test_calendars_are_validated_field_by_field(
    timezone: str, hours: dict[str, object], holidays: list[str], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        validate_calendar(timezone, hours, holidays)
    assert [f.field for f in refused.value.fields] == [field]


def test_a_good_calendar_has_no_errors() -> None:
    assert (
        validation_errors(
            "Europe/Moscow",
            {"mon": [["09:00", "12:00"], ["12:00", "24:00"]], "sat": []},
            ["2026-12-31"],
        )
        == []
    )
