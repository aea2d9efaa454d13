"""Deadlines from time standards: the one place that computes a deadline.

A time standard is written in BPMN as an ISO 8601 duration ("PT30M", "P1D", "P1W",
"P1M"), translated from the SOP's Waktu column (README, "Konvensi BPMN"), and counted in
the office's working time: Perpres 21/2023 hours (or the office's own), Ramadan periods,
national holidays and cuti bersama. The rules and worked examples are in README,
"Waktu kerja (batas waktu)".
"""

from calendar import monthrange
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from engine.time.duration import MAX_COUNTED_YEARS, parse_duration
from engine.time.hours import PERPRES_21_2023, Interval, RamadanPeriod, Schedule, schedule_week

# A calendar whose office never opens would otherwise search forever.
_MAX_CLOSED_DAYS = 366
# Days whose office intervals a calendar keeps (a few years' worth).
_KEPT_DAYS = 2048
# Office time between two moments is counted over at most this span (README "Batas"); a
# task ten years late is shown as ten years late. Deadlines need far less: the longest
# time standard is a year (engine.time.duration).
MAX_SPAN = timedelta(days=3653)
_WEEK = timedelta(days=7)
_DAY = timedelta(days=1)


@lru_cache(maxsize=64)
def _national_holidays(year: int) -> frozenset[date]:
    """National holidays and cuti bersama of ``year`` (SKB 3 Menteri, ``holidays`` package).

    Built once per year: ``holidays.ID`` is slow to build, a frozenset is fast to search.
    """
    return frozenset(day for day, _ in national_holidays(year))


@lru_cache(maxsize=64)
def national_holidays(year: int, language: str = "id") -> tuple[tuple[date, str], ...]:
    """The national holidays and cuti bersama of ``year`` (SKB 3 Menteri, as the
    ``holidays`` package knows them; Islamic holidays of years not yet decreed are its
    estimates) as ``(day, name)`` in date order, named in ``language`` (``id`` or
    ``en_US``). Cached per year and language."""
    found = holidays.ID(categories=("public", "government"), years=year, language=language)
    return tuple(sorted(found.items()))


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment} has no time zone: pass an aware datetime")
    return moment


def _shifted(moment: datetime, delta: timedelta) -> datetime:
    """``moment + delta``, or the first or last moment a datetime can hold."""
    try:
        return moment + delta
    except OverflowError:
        return (datetime.max if delta > timedelta() else datetime.min).replace(tzinfo=UTC)


def _add_months(moment: datetime, months: int) -> datetime:
    """The same local date and time ``months`` later, the day clamped to the month's end."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, monthrange(year, month)[1]))


def _split(duration: str) -> tuple[int, int, int, timedelta]:
    """``duration`` as (months, weeks, days, clock time); a year is 12 months.

    Raises:
        InvalidDuration: see ``engine.time.duration.parse_duration``; at most
            ``MAX_COUNTED_YEARS`` (an escalation level's multiple of a time standard).
    """
    parsed = parse_duration(duration, longest_years=MAX_COUNTED_YEARS)
    years, months, weeks, days = (int(parsed.get(key, 0))
                                  for key in ("years", "months", "weeks", "days"))
    clock = timedelta(hours=parsed.get("hours", 0), minutes=parsed.get("minutes", 0),
                      seconds=parsed.get("seconds", 0))
    return 12 * years + months, weeks, days, clock


@dataclass(frozen=True)
class WorkCalendar:
    """An office's working time (Perpres 21/2023 by default).

    Args:
        timezone: IANA zone of the office's clock: "Asia/Jakarta" (WIB), "Asia/Makassar"
            (WITA) or "Asia/Jayapura" (WIT).
        schedule: weekly office hours outside Ramadan.
        ramadan: dated Ramadan periods with their own hours.
        added_holidays: extra days off decided by the office.
        removed_holidays: national holidays or cuti bersama the office works anyway.

    Raises:
        zoneinfo.ZoneInfoNotFoundError: ``timezone`` is not a known zone.
    """

    timezone: str = "Asia/Jakarta"
    schedule: Schedule = PERPRES_21_2023
    ramadan: tuple[RamadanPeriod, ...] = ()
    added_holidays: frozenset[date] = frozenset()
    removed_holidays: frozenset[date] = frozenset()
    # Each local day's office intervals, as counted (``_local_intervals``).
    _days: dict[date, tuple[tuple[datetime, datetime], ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ZoneInfo(self.timezone)  # fail here on an unknown zone, not at the first deadline

    def is_working_day(self, day: date) -> bool:
        """Whether the office opens on ``day`` (a local date): office hours, not a holiday."""
        return bool(self._hours(day)) and not self._is_holiday(day)

    def office_intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        """The working intervals ``[start, end)`` of local ``day`` as aware UTC datetimes.

        Empty when ``day`` is not a working day; breaks are the gaps between intervals.
        """
        return [(start.astimezone(UTC), end.astimezone(UTC))
                for start, end in self._local_intervals(day)]

    def deadline(self, start: datetime, duration: str | None,
                 round_the_clock: bool = False) -> datetime | None:
        """The deadline of a step that became ready at ``start``, or None for no deadline.

        Args:
            start: aware datetime, any zone.
            duration: ISO 8601 duration ("PT30M", "P1D", "P1W", "P3M", "P1DT2H"); None for
                a Waktu with no fixed standard ("Relatif", "Situasional", "Disesuaikan").
            round_the_clock: count wall-clock time (a step that never stops, e.g. a
                critical server fault) instead of office time.

        Returns:
            An aware UTC datetime. In office time (Perpres 21/2023): calendar months moved
            to the next office moment, then working days (the same office-clock time, never
            24 working hours; a week is five), then office hours, minutes and seconds.

        Raises:
            InvalidDuration: ``duration`` is not a duration Alur can count.
            ValueError: ``start`` is naive.
        """
        return None if duration is None else self._count(start, duration, round_the_clock)

    def working_minutes_between(self, start: datetime, end: datetime) -> int:
        """Whole office minutes in ``[start, end)``; negative if ``end`` is before ``start``.

        Counted in whole weeks where nothing special happens (``Timeline``), at most
        ``MAX_SPAN`` apart.

        Args:
            start, end: aware datetimes, any zone.

        Raises:
            ValueError: ``start`` or ``end`` is naive.
        """
        return self.timeline(start).minutes_until(end)

    def moved_past(self, moment: datetime, pause: tuple[datetime, datetime],
                   round_the_clock: bool) -> datetime:
        """``moment`` (a deadline, aware) moved past ``pause`` (start, end; aware): by its
        wall time for a round-the-clock clock, else by the office minutes in it, so a wait
        for a ticket's requester moves the deadlines it holds up (README, "SLA per
        prioritas"). Returns an aware datetime."""
        start, end = pause
        if round_the_clock:
            return moment + (end - start)
        minutes = self.working_minutes_between(start, end)
        return self.deadline(moment, f"PT{minutes}M") if minutes > 0 else moment

    def timeline(self, anchor: datetime) -> "Timeline":
        """Office time measured from ``anchor`` (aware), for many questions at once (the
        inbox's "sisa" column asks once per row).

        Raises:
            ValueError: ``anchor`` is naive.
        """
        return Timeline(self, anchor)

    @property
    def _zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)  # ZoneInfo caches instances per key

    def _is_holiday(self, day: date) -> bool:
        if day in self.removed_holidays:
            return False
        return day in self.added_holidays or day in _national_holidays(day.year)

    def _schedule(self, day: date) -> Schedule:
        """The schedule in force on ``day``: a Ramadan period's, or the usual one."""
        return next((period.schedule for period in self.ramadan
                     if period.start <= day <= period.end), self.schedule)

    def _hours(self, day: date) -> tuple[Interval, ...]:
        """Office hours of ``day``'s weekday under the schedule in force (Ramadan or not)."""
        return self._schedule(day).days.get(day.weekday(), ())

    def _local_intervals(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """The office intervals of local ``day``, aware in the office's zone; counted once
        per day per calendar (at most ``_KEPT_DAYS`` kept: every deadline and every step's
        office minutes ask for the same days)."""
        known = self._days.get(day)
        if known is None:
            if len(self._days) >= _KEPT_DAYS:
                self._days.clear()
            known = self._days[day] = () if self._is_holiday(day) else tuple(
                (datetime.combine(day, start, self._zone), datetime.combine(day, end, self._zone))
                for start, end in self._hours(day))
        return known

    def _intervals_from(self, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Office intervals from local ``moment`` on, the first one cut to begin at ``moment``.

        Raises:
            ValueError: the office stays closed for more than a year.
        """
        day, closed = moment.date(), 0
        while closed <= _MAX_CLOSED_DAYS:
            intervals = self._local_intervals(day)
            closed = 0 if intervals else closed + 1
            for start, end in intervals:
                if end > moment:
                    yield max(start, moment), end
            day += timedelta(days=1)
        raise ValueError(f"no office hours for {_MAX_CLOSED_DAYS} days before {day}")

    def _next_office_moment(self, moment: datetime) -> datetime:
        """``moment`` if in office time, else the next opening (a break ends, a day opens)."""
        return next(self._intervals_from(moment))[0]

    def _uniform_week(self, day: date) -> "Schedule | None":
        """The schedule in force on all seven days from local ``day`` when none of them is
        a holiday, else None: such a week is counted whole, others day by day."""
        days = [day + n * _DAY for n in range(7)]
        first = self._schedule(day)
        if any(self._schedule(d) is not first or self._is_holiday(d) for d in days):
            return None
        return first

    def _day_time(self, day: date) -> timedelta:
        return sum((end - start for start, end in self._local_intervals(day)), timedelta())

    def _week_time(self, day: date) -> timedelta:
        """Office time of the seven local days from ``day``."""
        schedule = self._uniform_week(day)
        if schedule is not None:
            return schedule_week(schedule)[0]
        return sum((self._day_time(day + n * _DAY) for n in range(7)), timedelta())

    def _add_office_time(self, moment: datetime, span: timedelta) -> datetime:
        """Count ``span`` of office time forward from local ``moment``, skipping breaks and
        days off: the rest of the day, then whole weeks, then day by day.

        Raises:
            ValueError: the office stays closed for more than a year.
        """
        day = moment.date()
        for start, end in self._local_intervals(day):
            if end > moment:
                start = max(start, moment)
                if span <= end - start:
                    return start + span
                span -= end - start
        day, closed = day + _DAY, 0
        while span > (week := self._week_time(day)):
            span -= week
            day, closed = day + _WEEK, 0 if week else closed + 7
            if closed > _MAX_CLOSED_DAYS:
                raise ValueError(f"no office hours for {_MAX_CLOSED_DAYS} days before {day}")
        while True:  # the deadline falls within these seven days
            for start, end in self._local_intervals(day):
                if span <= end - start:
                    return start + span
                span -= end - start
            day += _DAY

    def _add_working_days(self, moment: datetime, days: int) -> datetime:
        """The same office-clock time ``days`` working days later (never 24-hour blocks);
        a plain week after a working day holds that same weekday again, so it is skipped
        whole."""
        moment = self._next_office_moment(moment)
        day = moment.date()
        while days:
            schedule = self._uniform_week(day + _DAY)
            working = schedule_week(schedule)[1] if schedule is not None else frozenset()
            if day.weekday() in working and days >= len(working):
                day, days = day + _WEEK, days - len(working)
                continue
            midnight = datetime.combine(day + _DAY, time(), self._zone)
            day, days = self._next_office_moment(midnight).date(), days - 1
        return self._at_clock(day, moment.time())

    def _at_clock(self, day: date, clock: time) -> datetime:
        """``clock`` on working ``day``, or if not office time then: before opening ->
        opening, in a break -> the end of the break, after closing -> closing."""
        wanted = datetime.combine(day, clock, self._zone)
        intervals = self._local_intervals(day)
        for start, end in intervals:
            if wanted < end:
                return max(start, wanted)
        return intervals[-1][1]

    def _count(self, start: datetime, duration: str, round_the_clock: bool) -> datetime:
        months, weeks, days, clock = _split(duration)
        moment = _aware(start).astimezone(self._zone)
        if round_the_clock:  # elapsed time, so added in UTC
            return (_add_months(moment, months).astimezone(UTC)
                    + timedelta(weeks=weeks, days=days) + clock)
        if months:
            moment = self._next_office_moment(_add_months(moment, months))
        if weeks or days:
            moment = self._add_working_days(moment, 5 * weeks + days)
        if clock:
            moment = self._add_office_time(moment, clock)
        return moment.astimezone(UTC)


class Timeline:
    """Office time of a calendar measured from one ``anchor`` moment.

    The office time from the anchor's local midnight to the start of every week after
    (or before) it is kept as it is counted, so each question costs at most seven days
    of counting after the first, and a question ``n`` weeks away costs ``n`` week steps
    once: a week without holiday or change of schedule is one step (its office time is
    the schedule's), others seven days. Moments further than ``MAX_SPAN`` from the anchor
    count as ``MAX_SPAN`` away.
    """

    def __init__(self, calendar: WorkCalendar, anchor: datetime) -> None:
        self._calendar = calendar
        self._anchor = _aware(anchor)
        self._origin = anchor.astimezone(calendar._zone).date()
        self._marks = {0: timedelta()}  # week k -> office time from origin to origin + k weeks
        self._low = self._high = 0
        self._offset = self._since_origin(anchor)

    def minutes_until(self, moment: datetime) -> int:
        """Whole office minutes from the anchor to aware ``moment``; negative if before
        (then minus the whole minutes from ``moment`` to the anchor).

        Raises:
            ValueError: ``moment`` is naive.
        """
        moment = min(max(_aware(moment), _shifted(self._anchor, -MAX_SPAN)),
                     _shifted(self._anchor, MAX_SPAN))
        span = self._since_origin(moment) - self._offset
        minutes = abs(span) // timedelta(minutes=1)  # whole minutes, either way
        return minutes if span >= timedelta() else -minutes

    def _since_origin(self, moment: datetime) -> timedelta:
        local = moment.astimezone(self._calendar._zone)
        week, rest = divmod((local.date() - self._origin).days, 7)
        total, day = self._week_mark(week), self._origin + week * _WEEK
        for _ in range(rest):
            total += self._calendar._day_time(day)
            day += _DAY
        for start, end in self._calendar._local_intervals(day):
            total += max(min(end, local) - start, timedelta())
        return total

    def _week_mark(self, week: int) -> timedelta:
        week_time = self._calendar._week_time
        while week > self._high:
            self._marks[self._high + 1] = (self._marks[self._high]
                                           + week_time(self._origin + self._high * _WEEK))
            self._high += 1
        while week < self._low:
            self._low -= 1
            self._marks[self._low] = (self._marks[self._low + 1]
                                      - week_time(self._origin + self._low * _WEEK))
        return self._marks[week]


DEFAULT_CALENDAR = WorkCalendar()


def deadline(start: datetime, duration: str, calendar: WorkCalendar = DEFAULT_CALENDAR,
             round_the_clock: bool = False) -> datetime:
    """The deadline of a step that became ready at ``start``, counted in ``calendar``.

    Args:
        start: aware datetime, any zone.
        duration: ISO 8601 duration string, unquoted ("P1D").
        calendar: the office's working time (default: Perpres 21/2023 hours in WIB).
        round_the_clock: count wall-clock time instead of office time.

    Returns:
        An aware UTC datetime; the rules are those of ``WorkCalendar.deadline``.

    Raises:
        InvalidDuration: ``duration`` cannot be parsed or counted.
        ValueError: ``start`` is naive.
    """
    return calendar._count(start, duration, round_the_clock)
