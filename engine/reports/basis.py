"""The arithmetic every report shares: office minutes between moments (fast), nearest-rank
percentiles, on-time bands, and figures in words.

Durations are office minutes as ``WorkCalendar.working_minutes_between`` counts them
(Perpres 21/2023 hours, Ramadan, national holidays and cuti bersama, the office's own days).
"""

import math
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, func

from engine.time.calendar import WorkCalendar

# On-time share bands of the bottleneck heatmap: (lowest share, band), best first.
BANDS = ((0.90, "baik"), (0.75, "cukup"), (0.50, "kurang"), (0.0, "buruk"))
BAND_LABELS = {"baik": "≥ 90% tepat waktu", "cukup": "75–89,9% tepat waktu",
               "kurang": "50–74,9% tepat waktu", "buruk": "< 50% tepat waktu",
               "tanpa_data": "tanpa data atau tanpa batas waktu"}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)
_MINUTE_MICROS = 60_000_000


def nearest_rank(values: Sequence[int], percent: float) -> int | None:
    """The ``percent``-th percentile by the nearest-rank method: sort ascending and take
    the value of rank ``ceil(percent / 100 * n)`` (at least 1). None for no values.

    The median is ``nearest_rank(values, 50)``: of 4 values the 2nd smallest (no
    averaging), of 5 the 3rd. The 90th percentile of 10 values is the 9th smallest.
    """
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(percent * len(ordered) / 100)) - 1]


def nearest_rank_counted(counts: Iterable[tuple[int, int]], percent: float) -> int | None:
    """``nearest_rank`` of values given as ``(value, how many times)`` pairs (the rows of
    a ``GROUP BY value`` with ``count(*)``); None for no values."""
    ordered = sorted(counts)
    total = sum(times for _, times in ordered)
    if not total:
        return None
    rank, seen = max(1, math.ceil(percent * total / 100)), 0
    for value, times in ordered:
        seen += times
        if seen >= rank:
            break
    return value


def band(share: float | None) -> str:
    """The heatmap band of an on-time share (0-1): "baik", "cukup", "kurang", "buruk",
    or "tanpa_data" for None (no step with a deadline in the period)."""
    if share is None:
        return "tanpa_data"
    return next(name for lowest, name in BANDS if share >= lowest)


def instant(value: datetime | None) -> int | None:
    """An aware moment as microseconds since 1970-01-01 UTC (None stays None):
    ``WorkingMinutes`` compares and subtracts these integers instead of building hundreds
    of thousands of aware datetimes."""
    if value is None:
        return None
    return (value - _EPOCH) // _MICRO


def count_where(condition: Any) -> Any:
    """An aggregate: how many rows of the group meet ``condition`` (a SQL expression)."""
    return func.count(case((condition, 1)))


class WorkingMinutes:
    """Office minutes between two moments, equal to ``calendar.working_minutes_between``,
    answered by a binary search over the office intervals of a range of days that is
    walked once (a report measures hundreds of thousands of steps).

    Args:
        calendar: the office calendar.
        first, last: local days (inclusive) that every measured moment falls within.
    """

    def __init__(self, calendar: WorkCalendar, first: date, last: date) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._before: list[int] = []  # office microseconds before each interval
        zone = ZoneInfo(calendar.timezone)
        self._low = instant(datetime.combine(first, time(), zone))
        self._high = instant(datetime.combine(last + timedelta(days=1), time(), zone))
        total, day = 0, first
        while day <= last:
            for open_, close in calendar.office_intervals(day):
                self._starts.append(instant(open_))
                self._ends.append(instant(close))
                self._before.append(total)
                total += self._ends[-1] - self._starts[-1]
            day += timedelta(days=1)

    @classmethod
    def covering(cls, calendar: WorkCalendar, instants: Iterable[int | None]
                 ) -> "WorkingMinutes":
        """An index over the local days of ``instants`` (``instant`` values; None
        ignored), a day either side spare."""
        known = [value for value in instants if value is not None]
        zone = ZoneInfo(calendar.timezone)
        if not known:
            return cls(calendar, date(2000, 1, 1), date(2000, 1, 1))
        first, last = ((_EPOCH + value * _MICRO).astimezone(zone).date()
                       for value in (min(known), max(known)))
        return cls(calendar, first - timedelta(days=1), last + timedelta(days=1))

    def between(self, start: datetime, end: datetime) -> int:
        """Whole office minutes in ``[start, end)`` (aware datetimes); negative if ``end``
        is before ``start``.

        Raises:
            ValueError: a moment outside the index's days.
        """
        return self.minutes(instant(start), instant(end))

    def minutes(self, start: int, end: int) -> int:
        """``between`` for two ``instant`` values."""
        first, second = self.office(start), self.office(end)
        return office_minutes(first, second)

    def office(self, point: int) -> int:
        """Office microseconds from the start of the index's first day to ``point`` (an
        ``instant``); the office minutes between two points are ``office_minutes`` of
        theirs.

        Raises:
            ValueError: ``point`` outside the index's days.
        """
        if not self._low <= point <= self._high:
            raise ValueError(f"{_EPOCH + point * _MICRO} is outside the days this index covers")
        index = bisect_right(self._starts, point) - 1
        if index < 0:
            return 0
        return self._before[index] + min(point, self._ends[index]) - self._starts[index]


def office_minutes(start_office: int, end_office: int) -> int:
    """Whole office minutes between two ``WorkingMinutes.office`` values, negative when the
    end comes first (as ``WorkCalendar.working_minutes_between``)."""
    span = end_office - start_office
    return span // _MINUTE_MICROS if span >= 0 else -(-span // _MINUTE_MICROS)
