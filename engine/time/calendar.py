"""Deadlines from time standards: the one place that computes a deadline.

A time standard is written in BPMN as an ISO 8601 duration ("PT30M", "P1D", "P1W",
"P1M"), translated from the SOP's Waktu column (README, "Konvensi BPMN"), and counted in
the office's working time: Perpres 21/2023 hours (or the office's own), Ramadan periods,
national holidays and cuti bersama. The rules and worked examples are in README,
"Waktu kerja (batas waktu)".
"""

from calendar import monthrange
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

Interval = tuple[time, time]
# A calendar whose office never opens would otherwise search forever.
_MAX_CLOSED_DAYS = 366


class InvalidDuration(ValueError):
    """The time standard is not an ISO 8601 duration."""


def parse_duration(duration: str) -> dict[str, float]:
    """Parse an ISO 8601 duration ("PT30M", "P2D") into its designators.

    Raises:
        InvalidDuration: not a duration Alur can count.
    """
    if not duration.upper().startswith("P"):
        raise InvalidDuration(f"'{duration}' bukan durasi ISO 8601 (contoh: \"PT30M\", \"P1D\")")
    try:
        return TimerEventDefinition.parse_iso_duration(duration)
    except Exception:  # noqa: BLE001 - SpiffWorkflow raises a bare Exception
        raise InvalidDuration(
            f"'{duration}' bukan durasi ISO 8601 (contoh: \"PT30M\", \"P1D\")") from None


@dataclass(frozen=True)
class Schedule:
    """Weekly office hours: weekday (0 = Monday .. 6 = Sunday) -> working intervals.

    Each interval is a pair of local clock times ``(start, end)``, end exclusive, in order
    and not overlapping; the gaps between them are breaks. A weekday that is missing or
    has no intervals is closed. The mapping is copied and frozen.

    Raises:
        ValueError: a weekday outside 0..6, or intervals empty, unordered or overlapping.
    """

    days: Mapping[int, tuple[Interval, ...]]

    def __post_init__(self) -> None:
        for weekday, intervals in self.days.items():
            bounds = [moment for interval in intervals for moment in interval]
            if (weekday not in range(7) or any(start >= end for start, end in intervals)
                    or bounds != sorted(bounds)):
                raise ValueError(f"weekday {weekday}: bad office hours {intervals}")
        frozen = {day: tuple(map(tuple, intervals)) for day, intervals in self.days.items()}
        object.__setattr__(self, "days", MappingProxyType(frozen))

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.days.items())))


def _week(mon_thu: tuple[Interval, ...], fri: tuple[Interval, ...]) -> Schedule:
    return Schedule({**dict.fromkeys(range(4), mon_thu), 4: fri})


# Perpres 21/2023: 37.5 hours a week from 07.30, Monday to Friday.
PERPRES_21_2023 = _week(
    mon_thu=((time(7, 30), time(12)), (time(13), time(16))),
    fri=((time(7, 30), time(11, 30)), (time(13), time(16, 30))))
# Perpres 21/2023, Ramadan: 32.5 hours a week from 08.00.
RAMADAN_DEFAULT = _week(
    mon_thu=((time(8), time(12)), (time(12, 30), time(15))),
    fri=((time(8), time(11, 30)), (time(12, 30), time(15, 30))))


@dataclass(frozen=True)
class RamadanPeriod:
    """Days ``start`` to ``end`` (both inclusive) on Ramadan office hours.

    Set by the office each year (the dates are decreed, not derived here).

    Raises:
        ValueError: ``end`` is before ``start``.
    """

    start: date
    end: date
    schedule: Schedule = RAMADAN_DEFAULT

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"Ramadan period ends ({self.end}) before it starts ({self.start})")


@lru_cache(maxsize=64)
def _national_holidays(year: int) -> frozenset[date]:
    """National holidays and cuti bersama of ``year`` (SKB 3 Menteri, ``holidays`` package).

    Built once per year: ``holidays.ID`` is slow to build, a frozenset is fast to search.
    """
    return frozenset(holidays.ID(categories=("public", "government"), years=year))


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment} has no time zone: pass an aware datetime")
    return moment


def _add_months(moment: datetime, months: int) -> datetime:
    """The same local date and time ``months`` later, the day clamped to the month's end."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, monthrange(year, month)[1]))


def _split(duration: str) -> tuple[int, int, int, timedelta]:
    """``duration`` as (months, weeks, days, clock time); a year is 12 months.

    Raises:
        InvalidDuration: unparseable, or a fraction of a year, month, week or day.
    """
    parsed = parse_duration(duration)
    whole = [parsed.get(key, 0) for key in ("years", "months", "weeks", "days")]
    if any(value != int(value) for value in whole):
        raise InvalidDuration(
            f"'{duration}': tahun, bulan, minggu dan hari harus bilangan bulat (contoh: \"P1D\")")
    years, months, weeks, days = map(int, whole)
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

        Args:
            start, end: aware datetimes, any zone.

        Raises:
            ValueError: ``start`` or ``end`` is naive.
        """
        if _aware(end) < _aware(start):
            return -self.working_minutes_between(end, start)
        total = timedelta()
        for open_, close in self._intervals_from(start.astimezone(self._zone)):
            if open_ >= end:
                break
            total += min(close, end) - open_
        return total // timedelta(minutes=1)

    @property
    def _zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)  # ZoneInfo caches instances per key

    def _is_holiday(self, day: date) -> bool:
        if day in self.removed_holidays:
            return False
        return day in self.added_holidays or day in _national_holidays(day.year)

    def _hours(self, day: date) -> tuple[Interval, ...]:
        """Office hours of ``day``'s weekday under the schedule in force (Ramadan or not)."""
        schedule = next((period.schedule for period in self.ramadan
                         if period.start <= day <= period.end), self.schedule)
        return schedule.days.get(day.weekday(), ())

    def _local_intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        if self._is_holiday(day):
            return []
        return [(datetime.combine(day, start, self._zone), datetime.combine(day, end, self._zone))
                for start, end in self._hours(day)]

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

    def _add_office_time(self, moment: datetime, span: timedelta) -> datetime:
        """Count ``span`` of office time forward from ``moment``, skipping breaks and days off."""
        intervals = self._intervals_from(moment)
        start, end = next(intervals)
        while span > end - start:
            span -= end - start
            start, end = next(intervals)
        return start + span

    def _add_working_days(self, moment: datetime, days: int) -> datetime:
        """The same office-clock time ``days`` working days later (never 24-hour blocks)."""
        moment = self._next_office_moment(moment)
        day = moment.date()
        for _ in range(days):
            midnight = datetime.combine(day + timedelta(days=1), time(), self._zone)
            day = self._next_office_moment(midnight).date()
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
