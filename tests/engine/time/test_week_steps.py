"""Deadlines and working minutes are counted in whole weeks where nothing special
happens, and agree with counting day by day (a reference written here)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from engine.time.calendar import MAX_SPAN, WorkCalendar
from engine.time.duration import parse_duration
from engine.time.hours import RamadanPeriod

WIB = ZoneInfo("Asia/Jakarta")
RAMADAN_2026 = WorkCalendar(ramadan=(RamadanPeriod(date(2026, 2, 18), date(2026, 3, 19)),),
                            added_holidays=frozenset({date(2026, 7, 7)}))
STARTS = [datetime(2026, 1, 1, 10, 15, tzinfo=WIB) + timedelta(days=n, hours=n % 9,
                                                                seconds=n % 2 * 30)
          for n in range(0, 365, 3)]


def day_by_day_minutes(calendar: WorkCalendar, start: datetime, end: datetime) -> int:
    total, day = timedelta(), start.astimezone(WIB).date()
    while datetime.combine(day, time(), WIB) < end:
        for open_, close in calendar.office_intervals(day):
            total += max(min(close, end) - max(open_, start), timedelta())
        day += timedelta(days=1)
    return total // timedelta(minutes=1)


def day_by_day_office_time(calendar: WorkCalendar, start: datetime, span: timedelta) -> datetime:
    day = start.astimezone(WIB).date()
    while True:
        for open_, close in calendar.office_intervals(day):
            open_ = max(open_, start)
            if close > open_:
                if span <= close - open_:
                    return open_ + span
                span -= close - open_
        day += timedelta(days=1)


def day_by_day_working_days(calendar: WorkCalendar, start: datetime, days: int) -> datetime:
    moment = day_by_day_office_time(calendar, start, timedelta())
    day, clock = moment.astimezone(WIB).date(), moment.astimezone(WIB).time()
    while days:
        day += timedelta(days=1)
        days -= calendar.is_working_day(day)
    for open_, close in calendar.office_intervals(day):
        wanted = datetime.combine(day, clock, WIB)
        if wanted < close:
            return max(open_, wanted).astimezone(UTC)
    return close


@pytest.fixture
def day_count(monkeypatch):
    """How many times a calendar day's office hours were looked up."""
    calls = []
    original = WorkCalendar._local_intervals

    def counted(self, day):
        calls.append(day)
        return original(self, day)

    monkeypatch.setattr(WorkCalendar, "_local_intervals", counted)
    return calls


@pytest.mark.parametrize("hours", [1, 7, 40, 300, 1950])
def test_office_hours_agree_with_counting_day_by_day(hours):
    for start in STARTS:
        expected = day_by_day_office_time(RAMADAN_2026, start, timedelta(hours=hours))
        assert RAMADAN_2026.deadline(start, f"PT{hours}H") == expected, start


@pytest.mark.parametrize("days", [1, 4, 5, 6, 23, 100, 260])
def test_working_days_agree_with_counting_day_by_day(days):
    for start in STARTS:
        expected = day_by_day_working_days(RAMADAN_2026, start, days)
        assert RAMADAN_2026.deadline(start, f"P{days}D") == expected, start


@pytest.mark.parametrize("weeks", [0, 1, 2, 9, 52, 150])
def test_working_minutes_agree_with_counting_day_by_day(weeks):
    for start in STARTS:
        end = start + timedelta(weeks=weeks, days=3, hours=5)
        assert RAMADAN_2026.working_minutes_between(start, end) == (
            day_by_day_minutes(RAMADAN_2026, start, end)), start
        assert RAMADAN_2026.working_minutes_between(end, start) == (
            -day_by_day_minutes(RAMADAN_2026, start, end))


def test_a_year_of_working_days_looks_at_weeks_not_days(day_count):
    # 260 working days from 2 Jan 2026 end in early 2027: ~60 calendar weeks. Weeks with a
    # holiday or the start of Ramadan are counted day by day (2026 has about 15), the
    # others in one step, so far fewer lookups than the ~420 days of the span.
    start = datetime(2026, 1, 2, 9, tzinfo=WIB)
    assert RAMADAN_2026.deadline(start, "P365D") == day_by_day_working_days(
        RAMADAN_2026, start, 365)
    day_count.clear()
    RAMADAN_2026.deadline(start, "P365D")
    assert len(day_count) < 200


def test_a_far_deadline_in_office_hours_looks_at_weeks_not_days(day_count):
    # PT8760H of office time is about four and a half years: ~1,640 days, ~235 weeks.
    RAMADAN_2026.deadline(datetime(2026, 1, 2, 9, tzinfo=WIB), "PT8760H")
    assert len(day_count) < 700


def test_minutes_between_far_moments_are_capped(day_count):
    start = datetime(2026, 1, 2, 9, tzinfo=WIB)
    capped = RAMADAN_2026.working_minutes_between(start, start + MAX_SPAN)
    day_count.clear()
    assert RAMADAN_2026.working_minutes_between(start, datetime(9999, 1, 1, tzinfo=UTC)) == capped
    assert RAMADAN_2026.working_minutes_between(start, datetime(1, 1, 2, tzinfo=UTC)) == (
        RAMADAN_2026.working_minutes_between(start, start - MAX_SPAN)) < 0
    # Ten years each way, in week steps (holiday and Ramadan weeks day by day).
    assert len(day_count) < 3600  # three counts of ten years; day by day ~11,000


def test_a_timeline_answers_many_rows_with_at_most_a_week_of_days_each(day_count):
    timeline = RAMADAN_2026.timeline(datetime(2026, 1, 2, 9, tzinfo=WIB))
    for week in range(52):
        timeline.minutes_until(datetime(2026, 1, 5, 10, tzinfo=WIB) + timedelta(weeks=week))
    day_count.clear()
    dues = [datetime(2026, 1, 5, 10, tzinfo=WIB) + timedelta(weeks=w, days=d, minutes=m)
            for w in range(52) for d in range(7) for m in (0, 30)]
    for due in dues:
        timeline.minutes_until(due)
    assert len(day_count) <= 7 * len(dues)


def test_the_third_escalation_of_a_yearly_step_is_counted():
    # A P12M time standard escalates at 3x: 36 months on, then the next office moment.
    start = datetime(2026, 1, 5, 9, tzinfo=WIB)
    assert RAMADAN_2026.deadline(start, "P36M") == datetime(2029, 1, 5, 9, tzinfo=WIB)


def test_an_office_that_never_opens_is_an_error_not_a_hang():
    closed = WorkCalendar(added_holidays=frozenset(
        date(2026, 1, 1) + timedelta(days=n) for n in range(800)))
    with pytest.raises(ValueError, match="no office hours"):
        closed.deadline(datetime(2026, 1, 2, 9, tzinfo=WIB), "PT1H")
    assert parse_duration("PT1H") == {"hours": 1}
