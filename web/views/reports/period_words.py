"""A report period in the user's language (``Triwulan IV 2026``, ``Quarter IV 2026``): the
engine writes ``Period.label`` in Indonesian for the exports, pages show this; and whether
it has begun."""

from datetime import date, datetime

from flask_babel import gettext, lazy_pgettext

from engine.time.periods import Period
from web.extensions import clock

MONTHS = (lazy_pgettext("month", "Januari"), lazy_pgettext("month", "Februari"),
          lazy_pgettext("month", "Maret"), lazy_pgettext("month", "April"),
          lazy_pgettext("month", "Mei"), lazy_pgettext("month", "Juni"),
          lazy_pgettext("month", "Juli"), lazy_pgettext("month", "Agustus"),
          lazy_pgettext("month", "September"), lazy_pgettext("month", "Oktober"),
          lazy_pgettext("month", "November"), lazy_pgettext("month", "Desember"))
ROMAN = ("I", "II", "III", "IV")


def period_label(period: Period) -> str:
    """``period.label`` in the user's language (the engine writes it, and the tables and
    exports keep it, in Indonesian): ``Triwulan IV 2026``, ``23 November 2026 – ...``."""
    if period.kind == "rentang":
        return f"{_day(period.first)} – {_day(period.last)}"
    if period.kind == "bulan":
        return f"{MONTHS[period.number - 1]} {period.year}"
    if period.kind == "tahun":
        return gettext("Tahun %(year)s", year=period.year)
    if period.kind == "semester":
        return gettext("Semester %(number)s %(year)s", number=ROMAN[period.number - 1],
                       year=period.year)
    return gettext("Triwulan %(number)s %(year)s", number=ROMAN[period.number - 1],
                   year=period.year)


def period_days(period: Period) -> str:
    """The period's first and last day as a period of days is written: "1 Juli 2026 – 31
    Desember 2026", never "1/7/2026", which an English reader takes for 7 January."""
    return f"{_day(period.first)} – {_day(period.last)}"


def not_begun(period: Period) -> bool:
    """Whether ``period`` begins after now (the app's clock): its report has nothing yet."""
    return clock().now() < period.start


def taken_at() -> datetime:
    """The moment a report's figures are read (the clock's now, aware), which the page and
    its printout state as "data per …": a period not yet over changes from day to day."""
    return clock().now()


def _day(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
