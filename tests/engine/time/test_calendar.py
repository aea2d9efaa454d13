"""Deadlines in office time (Perpres 21/2023), worked out by hand.

Every expected value is a literal, reasoned in the comment above it; the same cases are the
table in README, "Waktu kerja (batas waktu)". 2026 holidays used here (holidays.ID,
public + government): 16-17 Feb Imlek, 18-24 Mar Nyepi/Idul Fitri with cuti bersama,
14-15 May Kenaikan with cuti bersama, 24-25 Dec Natal with cuti bersama.
"""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest

from engine.time.calendar import DEFAULT_CALENDAR, WorkCalendar, deadline
from engine.time.duration import InvalidDuration
from engine.time.hours import PERPRES_21_2023, RamadanPeriod, Schedule

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
WIT = ZoneInfo("Asia/Jayapura")
RAMADAN_2026 = WorkCalendar(ramadan=(RamadanPeriod(date(2026, 2, 18), date(2026, 3, 19)),))


def wib(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WIB)


@pytest.mark.parametrize(("start", "duration", "expected"), [
    # Before opening: counting starts at 07.30, so 30 office minutes end at 08.00.
    (wib(2026, 11, 23, 6), "PT30M", wib(2026, 11, 23, 8)),
    # Before opening: moved to Mon 07.30, one working day later is Tue 07.30.
    (wib(2026, 11, 23, 6), "P1D", wib(2026, 11, 24, 7, 30)),
    # In the break: counting starts at 13.00, one hour later is 14.00.
    (wib(2026, 11, 24, 12, 20), "PT1H", wib(2026, 11, 24, 14)),
    # In the break: moved to Tue 13.00, one working day later is Wed 13.00.
    (wib(2026, 11, 24, 12, 20), "P1D", wib(2026, 11, 25, 13)),
    # After closing: moved to Tue 07.30, one working day later is Wed 07.30.
    (wib(2026, 11, 23, 17), "P1D", wib(2026, 11, 25, 7, 30)),
    # "1 hari kerja" on Friday afternoon: same clock time on Monday, not 24 office hours.
    (wib(2026, 11, 27, 15, 50), "P1D", wib(2026, 11, 30, 15, 50)),
    # "2 jam" on Friday: 40 min to 16.30, the other 80 min from Mon 07.30.
    (wib(2026, 11, 27, 15, 50), "PT2H", wib(2026, 11, 30, 8, 50)),
    # Friday 16.15 is office time, but Monday closes at 16.00: closing.
    (wib(2026, 11, 27, 16, 15), "P1D", wib(2026, 11, 30, 16)),
    # "2 Hari Kerja" from Thursday: Friday, then Monday.
    (wib(2026, 11, 26, 9), "P2D", wib(2026, 11, 30, 9)),
    # Minutes across lunch: 15 min to 12.00, break to 13.00, 15 min more.
    (wib(2026, 11, 23, 11, 45), "PT30M", wib(2026, 11, 23, 13, 15)),
    # Friday lunch is 11.30-13.00: 15 min before, 45 min after.
    (wib(2026, 11, 27, 11, 15), "PT1H", wib(2026, 11, 27, 13, 45)),
    # Eve of Kenaikan: Thu 14 holiday, Fri 15 cuti bersama, weekend, so Monday.
    (wib(2026, 5, 13, 10), "P1D", wib(2026, 5, 18, 10)),
    # Eve of Kenaikan: 30 min to Wed 16.00, 30 min from Mon 07.30.
    (wib(2026, 5, 13, 15, 30), "PT1H", wib(2026, 5, 18, 8)),
    # Nyepi, Idul Fitri and cuti bersama close 18-24 March: next working day is 25 March.
    (wib(2026, 3, 17, 10), "P1D", wib(2026, 3, 25, 10)),
    # Natal: 24 Dec cuti bersama, 25 Dec holiday, weekend, so Monday 28.
    (wib(2026, 12, 23, 15), "P1D", wib(2026, 12, 28, 15)),
    # Natal: 60 min to Wed 16.00, 60 min from Mon 28 Dec 07.30.
    (wib(2026, 12, 23, 15), "PT2H", wib(2026, 12, 28, 8, 30)),
    # "1 Minggu" = 5 working days: Tue to Fri, then Mon.
    (wib(2026, 11, 23, 10), "P1W", wib(2026, 11, 30, 10)),
    # A week across Natal: 22, 23, 28, 29, 30 Dec.
    (wib(2026, 12, 21, 10), "P1W", wib(2026, 12, 30, 10)),
    # "1 bulan": same date and time a month later, a working day.
    (wib(2026, 11, 23, 10), "P1M", wib(2026, 12, 23, 10)),
    # 30 Jan + 1 month clamps to Sat 28 Feb: the next office moment is Mon 2 Mar 07.30.
    (wib(2026, 1, 30, 10), "P1M", wib(2026, 3, 2, 7, 30)),
    # "1 Triwulan": three months later, Tue 23 Feb 2027 10.00 is office time.
    (wib(2026, 11, 23, 10), "P3M", wib(2027, 2, 23, 10)),
    # Triwulan ending on 31 June clamps to Tue 30 June.
    (wib(2026, 3, 31, 10), "P3M", wib(2026, 6, 30, 10)),
    # Triwulan landing on Nyepi (19 Mar): next office moment after the holidays, 25 Mar 07.30.
    (wib(2025, 12, 19, 10), "P3M", wib(2026, 3, 25, 7, 30)),
    # Days first (Mon 15.00), then 2 h: 60 min to 16.00, 60 min from Tue 07.30.
    (wib(2026, 11, 27, 15), "P1DT2H", wib(2026, 12, 1, 8, 30)),
])
def test_deadline_in_office_time(start, duration, expected):
    assert deadline(start, duration) == expected


@pytest.mark.parametrize(("start", "duration", "expected"), [
    # Imlek 16-17 Feb, then Ramadan from 18 Feb: 15.50 is after the 15.00 closing.
    (wib(2026, 2, 13, 15, 50), "P1D", wib(2026, 2, 18, 15)),
    # 07.45 is before the Ramadan opening at 08.00.
    (wib(2026, 2, 13, 7, 45), "P1D", wib(2026, 2, 18, 8)),
    # 30 min to Fri 16.30, then 30 min from the Ramadan opening 08.00.
    (wib(2026, 2, 13, 16), "PT1H", wib(2026, 2, 18, 8, 30)),
    # 11.45 falls in the Ramadan Friday break 11.30-12.30: end of the break.
    (wib(2026, 2, 26, 11, 45), "P1D", wib(2026, 2, 27, 12, 30)),
    # Ramadan break is 12.00-12.30: 10 min before, 20 min after.
    (wib(2026, 2, 23, 11, 50), "PT30M", wib(2026, 2, 23, 12, 50)),
    # 10 min to the Ramadan closing 15.00; after 18-24 Mar, normal hours: 07.30 + 110 min.
    (wib(2026, 3, 17, 14, 50), "PT2H", wib(2026, 3, 25, 9, 20)),
    # Ramadan break moves Tue 12.15 to 12.30; on 25 Mar 12.30 is in the normal break: 13.00.
    (wib(2026, 3, 17, 12, 15), "P1D", wib(2026, 3, 25, 13)),
])
def test_deadline_across_ramadan(start, duration, expected):
    assert deadline(start, duration, RAMADAN_2026) == expected


@pytest.mark.parametrize(("zone", "expected"), [
    # 14.50 WIB is 14.50 WIB: 30 min later, 15.20 WIB.
    ("Asia/Jakarta", datetime(2026, 11, 23, 8, 20, tzinfo=UTC)),
    # 14.50 WIB is 15.50 WITA: 10 min to 16.00, 20 min from Tue 07.30 WITA (23.30 UTC).
    ("Asia/Makassar", datetime(2026, 11, 23, 23, 50, tzinfo=UTC)),
    # 14.50 WIB is 16.50 WIT, closed: Tue 07.30 WIT (22.30 UTC) + 30 min.
    ("Asia/Jayapura", datetime(2026, 11, 23, 23, 0, tzinfo=UTC)),
])
def test_office_hours_are_local_clock_times(zone, expected):
    calendar = WorkCalendar(timezone=zone)
    assert calendar.deadline(wib(2026, 11, 23, 14, 50), "PT30M") == expected


def test_working_day_in_wita_is_the_same_local_clock_time():
    start = datetime(2026, 11, 27, 15, 50, tzinfo=WITA)
    # Fri 15.50 WITA -> Mon 15.50 WITA, which is 07.50 UTC.
    expected = datetime(2026, 11, 30, 7, 50, tzinfo=UTC)
    assert deadline(start, "P1D", WorkCalendar(timezone="Asia/Makassar")) == expected


def test_deadline_is_returned_in_utc():
    start = datetime(2026, 11, 23, 8, tzinfo=WIT)
    assert deadline(start, "PT30M", WorkCalendar(timezone="Asia/Jayapura")).tzinfo is UTC


def test_a_holiday_added_by_the_office_is_skipped():
    calendar = WorkCalendar(added_holidays=frozenset({date(2026, 11, 24)}))
    # Tue 24 Nov is off for this office: Mon 10.00 + 1 working day is Wed 10.00.
    assert calendar.deadline(wib(2026, 11, 23, 10), "P1D") == wib(2026, 11, 25, 10)


def test_a_holiday_removed_by_the_office_is_worked():
    calendar = WorkCalendar(removed_holidays=frozenset({date(2026, 12, 24)}))
    # This office works the cuti bersama of 24 Dec: Wed 15.00 + 1 working day is Thu 15.00.
    assert calendar.deadline(wib(2026, 12, 23, 15), "P1D") == wib(2026, 12, 24, 15)


@pytest.mark.parametrize(("start", "duration", "expected"), [
    # A server fault is counted on the wall clock: Friday night into Saturday.
    (wib(2026, 11, 27, 22), "PT4H", wib(2026, 11, 28, 2)),
    # One day is 24 hours, the weekend included.
    (wib(2026, 11, 27, 15, 50), "P1D", wib(2026, 11, 28, 15, 50)),
    # Months stay calendar months (clamped to 28 Feb), no move to office time.
    (wib(2026, 1, 30, 10), "P1M", wib(2026, 2, 28, 10)),
])
def test_round_the_clock_counts_wall_clock_time(start, duration, expected):
    assert deadline(start, duration, round_the_clock=True) == expected


def test_relatif_has_no_deadline():
    assert DEFAULT_CALENDAR.deadline(wib(2026, 11, 23, 10), None) is None


@pytest.mark.parametrize(("calendar", "start", "end", "expected"), [
    # Fri 15.00-16.30 (90) + Mon 07.30-09.00 (90); the weekend counts nothing.
    (DEFAULT_CALENDAR, wib(2026, 11, 27, 15), wib(2026, 11, 30, 9), 180),
    # Wed 15.00-16.00 (60), Natal 24-25 Dec and the weekend (0), Mon 07.30-08.30 (60).
    (DEFAULT_CALENDAR, wib(2026, 12, 23, 15), wib(2026, 12, 28, 8, 30), 120),
    # The same span backwards.
    (DEFAULT_CALENDAR, wib(2026, 12, 28, 8, 30), wib(2026, 12, 23, 15), -120),
    # The lunch break is not office time.
    (DEFAULT_CALENDAR, wib(2026, 11, 23, 12), wib(2026, 11, 23, 13), 0),
    # A whole week of Perpres 21/2023 hours: 37.5 h.
    (DEFAULT_CALENDAR, wib(2026, 11, 23, 0), wib(2026, 11, 30, 0), 2250),
    # A whole Ramadan week: 32.5 h.
    (RAMADAN_2026, wib(2026, 2, 23, 0), wib(2026, 3, 2, 0), 1950),
])
def test_working_minutes_between(calendar, start, end, expected):
    assert calendar.working_minutes_between(start, end) == expected


@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 11, 23), True),   # an ordinary Monday
    (date(2026, 11, 28), False),  # Saturday
    (date(2026, 3, 20), False),   # cuti bersama Idul Fitri
    (date(2026, 12, 25), False),  # Natal
])
def test_is_working_day(day, expected):
    assert DEFAULT_CALENDAR.is_working_day(day) is expected


def test_office_intervals_of_a_friday_and_of_a_holiday():
    assert DEFAULT_CALENDAR.office_intervals(date(2026, 11, 27)) == [
        (wib(2026, 11, 27, 7, 30), wib(2026, 11, 27, 11, 30)),
        (wib(2026, 11, 27, 13), wib(2026, 11, 27, 16, 30)),
    ]
    assert DEFAULT_CALENDAR.office_intervals(date(2026, 12, 24)) == []


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        deadline(datetime(2026, 11, 23, 10), "PT30M")
    with pytest.raises(ValueError, match="aware"):
        DEFAULT_CALENDAR.working_minutes_between(datetime(2026, 11, 23, 10),
                                                 wib(2026, 11, 23, 11))


@pytest.mark.parametrize("duration", ["1 hari", "P1X", "PT", "P0.5D"])
def test_invalid_durations_are_refused(duration):
    with pytest.raises(InvalidDuration):
        deadline(wib(2026, 11, 23, 10), duration)


def test_an_unknown_time_zone_is_refused():
    with pytest.raises(ZoneInfoNotFoundError):
        WorkCalendar(timezone="Asia/Bandung")


def test_overlapping_office_hours_are_refused():
    with pytest.raises(ValueError, match="office hours"):
        Schedule({0: ((time(8), time(12)), (time(11), time(16)))})


def test_schedules_are_frozen():
    with pytest.raises(TypeError):
        PERPRES_21_2023.days[5] = ((time(8), time(12)),)  # type: ignore[index]
