"""Reporting periods: a month, quarter (triwulan), semester, year or a custom range of days.

A period is the half-open interval ``[start, end)`` between two local midnights in the
office's time zone, so a step finished at 23.59 WIB on 30 June belongs to semester 1 and
one finished at 00.00 on 1 July to semester 2. Permenpan RB 35/2012 asks for SOP
monitoring every semester ("Tabel 7 Monitoring Pelaksanaan SOP"); PermenPANRB 6/2022
monitors the SKP every quarter.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

PERIOD_KINDS = ("bulan", "triwulan", "semester", "tahun", "rentang")
MONTH_NAMES = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
               "September", "Oktober", "November", "Desember")
_ROMAN = ("I", "II", "III", "IV")
# Months per kind of period, and how many such periods a year has.
_SPAN = {"bulan": (1, 12), "triwulan": (3, 4), "semester": (6, 2), "tahun": (12, 1)}
# A custom range longer than this is refused: the reports walk every day of it.
MAX_RANGE_DAYS = 3 * 366
# The calendar years a date typed into Alur may fall in (README "Batas"): reports, the
# office calendar, Plh/Plt. Wide enough for any record an office keeps, and far from
# year 1 and 9999, where moving a time to UTC leaves what a datetime can hold.
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class Period:
    """``[start, end)`` between local midnights; ``first`` and ``last`` are the local days
    it covers (both inclusive). ``kind`` is one of ``PERIOD_KINDS``; ``number`` is the
    month (1-12), quarter (1-4) or semester (1-2) within ``year``, 1 for a year, 0 for a
    custom range."""

    kind: str
    year: int
    number: int
    first: date
    last: date
    start: datetime
    end: datetime
    label: str

    def query(self) -> dict[str, str]:
        """The URL query arguments that name this period (``web.views.reports.views`` reads them)."""
        if self.kind == "rentang":
            return {"periode": "rentang", "dari": self.first.isoformat(),
                    "sampai": self.last.isoformat()}
        return {"periode": self.kind, "tahun": str(self.year), "ke": str(self.number)}

    def slug(self) -> str:
        """A short name for file names: ``2026-S2``, ``2026-T3``, ``2026-07``, ``2026``."""
        if self.kind == "rentang":
            return f"{self.first.isoformat()}_{self.last.isoformat()}"
        return {"bulan": f"{self.year}-{self.number:02d}",
                "triwulan": f"{self.year}-T{self.number}",
                "semester": f"{self.year}-S{self.number}"}.get(self.kind, str(self.year))


def calendar_period(kind: str, year: int, number: int, timezone: str) -> Period:
    """The ``number``-th month, quarter or semester of ``year`` (or the year itself).

    Args:
        kind: "bulan", "triwulan", "semester" or "tahun".
        number: 1-12 for a month, 1-4 for a quarter, 1-2 for a semester; ignored for a year.
        timezone: the office's IANA zone, e.g. "Asia/Jakarta".

    Raises:
        ValueError: unknown kind, a number out of range, or a year outside 2000-2100.
    """
    if kind not in _SPAN:
        raise ValueError(f"jenis periode tidak dikenal: {kind!r}")
    months, count = _SPAN[kind]
    number = 1 if kind == "tahun" else number
    if not 1 <= number <= count:
        raise ValueError(f"{kind} ke-{number} tidak ada (1-{count})")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"tahun {year} di luar {FIRST_YEAR}-{LAST_YEAR}")
    first = date(year, 1 + (number - 1) * months, 1)
    end_month = first.month - 1 + months
    after = date(year + end_month // 12, end_month % 12 + 1, 1)
    if kind == "bulan":
        label = f"{MONTH_NAMES[number - 1]} {year}"
    elif kind == "tahun":
        label = f"Tahun {year}"
    else:
        label = f"{kind.capitalize()} {_ROMAN[number - 1]} {year}"
    return _period(kind, year, number, first, after - timedelta(days=1), timezone, label)


def custom_period(first: date, last: date, timezone: str) -> Period:
    """The days ``first`` to ``last``, both inclusive, in the office's zone.

    Raises:
        ValueError: ``last`` before ``first``, or a range longer than ``MAX_RANGE_DAYS``.
    """
    if last < first:
        raise ValueError("tanggal akhir sebelum tanggal awal")
    if (last - first).days >= MAX_RANGE_DAYS:
        raise ValueError(f"rentang paling panjang {MAX_RANGE_DAYS} hari")
    label = f"{_day(first)} – {_day(last)}"
    return _period("rentang", first.year, 0, first, last, timezone, label)


def period_containing(kind: str, day: date, timezone: str) -> Period:
    """The month, quarter, semester or year (``kind``) that contains local ``day``."""
    months = _SPAN[kind][0] if kind in _SPAN else 12
    return calendar_period(kind, day.year, (day.month - 1) // months + 1, timezone)


def _period(kind: str, year: int, number: int, first: date, last: date, timezone: str,
            label: str) -> Period:
    zone = ZoneInfo(timezone)
    return Period(kind=kind, year=year, number=number, first=first, last=last,
                  start=datetime.combine(first, time(), zone),
                  end=datetime.combine(last + timedelta(days=1), time(), zone), label=label)


def _day(day: date) -> str:
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"
