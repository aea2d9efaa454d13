"""Long spans in working days of the office's average day, exact to the minute whatever
the day's length (README, "Cara waktu ditulis")."""

from datetime import datetime, time, timedelta, timezone

from engine.time.calendar import WorkCalendar
from engine.time.hours import Schedule
from engine.time.spans import late_words, working_days

COURT_DAY = ((time(8), time(12)), (time(13), time(16, 30)))  # 450 minutes
# Five court days and a long Sunday: 3,020 minutes over six days, 503⅓ a day.
SIX_DAYS = WorkCalendar(schedule=Schedule({**dict.fromkeys(range(5), COURT_DAY),
                                           6: ((time(7), time(7, 40)), (time(7, 50), time(20)))}))


def test_a_day_of_a_fraction_of_a_minute_does_not_drift_over_many_days():
    assert working_days(SIX_DAYS, 36_970) == (73, 226)  # 3 jam 46 menit, not 4 jam 11
    assert working_days(SIX_DAYS, 1_510) == (3, 0)  # three whole days of 503⅓
    assert working_days(SIX_DAYS, 503) == (0, 503)


def test_perpres_days_are_seven_and_a_half_hours():
    assert working_days(WorkCalendar(), 450 * 7 + 180) == (7, 180)
    assert working_days(WorkCalendar(), -5) == (0, 0)


def test_how_late_a_step_is_reads_as_the_pages_write_it():
    """An escalation's e-mail says how late the step is beside its deadline."""
    wib = timezone(timedelta(hours=7))
    due = datetime(2026, 11, 23, 8, 30, tzinfo=wib)  # a Monday
    office = WorkCalendar()
    assert late_words(office, due, due) == ""
    assert late_words(office, due, due + timedelta(seconds=59)) == ""
    assert late_words(office, due, due + timedelta(minutes=30)) == "30 menit kerja"
    assert late_words(office, due, due + timedelta(minutes=95)) == "1 jam 35 menit kerja"
    assert late_words(office, due, datetime(2026, 11, 25, 8, 30, tzinfo=wib)) == "2 hari kerja"
    assert late_words(office, due, datetime(2026, 11, 25, 11, 45, tzinfo=wib)) == \
        "2 hari kerja 3 jam"
    assert late_words(office, due, due + timedelta(hours=26, minutes=5),
                      round_the_clock=True) == "1 hari 2 jam"
    assert late_words(office, due, due + timedelta(minutes=45), round_the_clock=True) == \
        "45 menit"
