"""Long spans of office time in the units people say: "7 hari kerja 3 jam".

Office minutes are exact (``WorkCalendar.working_minutes_between``); for reading, a long
span is split into working days of the office's usual length (Perpres 21/2023: 37.5 hours
over five days, 7 hours 30 minutes a day) and the rest. This keeps the inbox's cost per
row at one count of minutes (``engine.time.calendar.Timeline``) however late a step is.
"""

from datetime import datetime, timedelta
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


def late_words(calendar: WorkCalendar, due: datetime, now: datetime,
               round_the_clock: bool = False) -> str:
    """How late a step due at ``due`` is at ``now`` (both aware), in Indonesian as the
    pages say it: ``30 menit kerja``, ``1 jam 5 menit kerja``, ``2 hari kerja 3 jam``; on
    the wall clock (``45 menit``, ``1 hari 2 jam``) for a round-the-clock step. Empty when
    it is less than a whole minute late (or not late)."""
    if now <= due:
        return ""
    if round_the_clock:
        days, minutes = divmod(int((now - due) // timedelta(minutes=1)), 24 * 60)
        unit = "hari"
    else:
        days, minutes = working_days(calendar, calendar.working_minutes_between(due, now))
        unit = "hari kerja"
    hours, minutes = divmod(minutes, 60)
    parts = ([f"{days} {unit}"] if days else []) + ([f"{hours} jam"] if hours else [])
    if minutes and not days:
        parts.append(f"{minutes} menit")
    if not parts:
        return ""
    return " ".join(parts) + (" kerja" if not days and not round_the_clock else "")
