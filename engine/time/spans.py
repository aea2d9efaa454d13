"""Long spans of office time in the units people say: "7 hari kerja 3 jam".

Office minutes are exact (``WorkCalendar.working_minutes_between``); for reading, a long
span is split into working days of the office's usual length (Perpres 21/2023: 37.5 hours
over five days, 7 hours 30 minutes a day) and the rest. This keeps the inbox's cost per
row at one count of minutes (``engine.time.calendar.Timeline``) however late a step is.
"""

from engine.time.calendar import WorkCalendar
from engine.time.hours import schedule_week


def day_minutes(calendar: WorkCalendar) -> int:
    """Office minutes of an average working day of ``calendar``'s usual schedule."""
    week, weekdays = schedule_week(calendar.schedule)
    return int(week.total_seconds() // 60) // max(len(weekdays), 1)


def working_days(calendar: WorkCalendar, minutes: int) -> tuple[int, int]:
    """``(working days, minutes left)`` of a non-negative count of office minutes."""
    return divmod(max(int(minutes), 0), max(day_minutes(calendar), 1))
