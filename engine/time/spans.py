"""Long spans of office time in the units people say: "7 hari kerja 3 jam".

Office minutes are exact (``WorkCalendar.working_minutes_between``); for reading, a long
span is split into working days of the office's usual length (Perpres 21/2023: 37.5 hours
over five days, 7 hours 30 minutes a day) and the rest. This keeps the inbox's cost per
row at one count of minutes (``engine.time.calendar.Timeline``) however late a step is.
"""

from fractions import Fraction

from engine.time.calendar import WorkCalendar
from engine.time.hours import schedule_week


def day_minutes(calendar: WorkCalendar) -> Fraction:
    """Office minutes of an average working day of ``calendar``'s usual schedule, exact
    (3,020 minutes over six days is 503⅓, not 503: rounded, the remainder of a long span
    drifted by a third of a minute a day)."""
    week, weekdays = schedule_week(calendar.schedule)
    return Fraction(int(week.total_seconds()), 60 * max(len(weekdays), 1))


def working_days(calendar: WorkCalendar, minutes: int) -> tuple[int, int]:
    """``(working days, whole minutes left)`` of a non-negative count of office minutes."""
    day = day_minutes(calendar) or Fraction(1)
    minutes = max(int(minutes), 0)
    days = int(minutes // day)
    return days, int(minutes - days * day)
