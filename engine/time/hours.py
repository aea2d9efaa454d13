"""Weekly office hours: Perpres 21/2023, its Ramadan hours, an office's own."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType

Interval = tuple[time, time]


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


@lru_cache(maxsize=16)
def schedule_week(schedule: Schedule) -> tuple[timedelta, frozenset[int]]:
    """Office time of one whole week of ``schedule``, and its working weekdays (0 = Monday)."""
    def length(start: time, end: time) -> timedelta:
        return datetime.combine(date.min, end) - datetime.combine(date.min, start)

    span = sum((length(start, end) for intervals in schedule.days.values()
                for start, end in intervals), timedelta())
    return span, frozenset(day for day, intervals in schedule.days.items() if intervals)
