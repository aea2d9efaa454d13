"""The period a report covers, read from its query string (``periode`` with ``tahun`` and
``bulan``/``triwulan``/``semester``, or ``dari``–``sampai``), and the 400 page that names
the field it cannot read, with the period form as it was filled in."""

from datetime import date
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from flask import render_template, request
from flask_babel import gettext, lazy_gettext

from engine.errors import NotFound
from engine.reports import sop as reports
from engine.text import is_digits, written_date
from engine.time.periods import (
    MAX_RANGE_DAYS,
    PERIOD_KINDS,
    Period,
    calendar_period,
    custom_period,
    period_containing,
)
from web.access import access
from web.extensions import clock, db
from web.filters import office_calendar


class PeriodError(Exception):
    """A period the query string cannot name; the message names the field."""


# The period form's fields: the number of a month, quarter or semester has its own select
# (``bulan``, ``triwulan``, ``semester``); links made by ``Period.query`` use ``ke``.
NUMBER_FIELDS = {"bulan": (lazy_gettext("Bulan"), 12),
                 "triwulan": (lazy_gettext("Triwulan"), 4),
                 "semester": (lazy_gettext("Semester"), 2)}


def asked_period(kind: str | None = None) -> Period:
    """The period named by the query string; this year by default. ``kind``: the kind of
    period the report allows (Tabel 7: ``semester``, this one by default), else
    ``periode``'s.

    Raises:
        PeriodError: a field out of range or malformed (shown as a 400 page naming it).
    """
    kind = kind or (request.args.get("periode") or "").strip() or "tahun"
    zone, today = office_zone(), office_today()
    if kind == "rentang":
        first = _date_field("dari", gettext("Dari"))
        last = _date_field("sampai", gettext("Sampai"))
        if last < first:
            raise PeriodError(gettext(  # as the lists say it (web.list_filters.day_range)
                "%(until)s sebelum %(since)s: tanggal akhir harus sama dengan atau sesudah "
                "tanggal awal.", until=gettext("Sampai"), since=gettext("Dari")))
        if (last - first).days >= MAX_RANGE_DAYS:
            raise PeriodError(gettext("Rentang tanggal (Dari–Sampai): rentang paling panjang "
                                      "%(days)d hari.", days=MAX_RANGE_DAYS))
        return custom_period(first, last, zone)
    if kind not in PERIOD_KINDS:
        raise PeriodError(gettext("Periode \"%(kind)s\" tidak dikenal; pilih Bulan, Triwulan, "
                                  "Semester, Tahun atau Rentang tanggal.", kind=kind[:20]))
    # A value typed or pasted with spaces around it (" 6") is the value.
    year_text = (request.args.get("tahun") or "").strip() or str(today.year)
    if not is_digits(year_text) or not 2000 <= int(year_text) <= 2100:
        raise PeriodError(gettext("Tahun: \"%(value)s\" bukan tahun 2000–2100.",
                                  value=year_text[:20]))
    number = period_containing(kind, today, zone).number  # this month, quarter, semester
    if kind in NUMBER_FIELDS:
        label, count = NUMBER_FIELDS[kind]
        # "Ganti" (another kind of period, without JavaScript) starts from the current one.
        chosen = None if request.args.get("ganti") else (
            (request.args.get(kind) or "").strip() or (request.args.get("ke") or "").strip())
        text = chosen or str(number)
        if not is_digits(text) or not 1 <= int(text) <= count:
            raise PeriodError(gettext("%(field)s: \"%(value)s\" tidak ada; pilih 1–%(count)d.",
                                      field=label, value=text[:20], count=count))
        number = int(text)
    return calendar_period(kind, int(year_text), number, zone)


def _date_field(name: str, label: str) -> date:
    if not request.args.get(name, "").strip():
        raise PeriodError(gettext("%(field)s wajib diisi untuk rentang tanggal (TTTT-BB-HH).",
                                  field=label))
    try:
        day = written_date(request.args.get(name, "").strip())
    except ValueError:
        day = None
    if day is None or not 2000 <= day.year <= 2100:
        raise PeriodError(gettext("%(field)s: \"%(value)s\" bukan tanggal (TTTT-BB-HH) tahun "
                                  "2000–2100.", field=label,
                                  value=request.args.get(name, "")[:20]))
    return day


def period_error_page(error: PeriodError) -> Any:
    """The refusal with the period form as the user filled it in (the kind, year, number
    and dates typed, each cut short), so that one mistake is mended, not all retyped;
    Tabel 7's offers only its semesters."""
    this_year = period_containing("tahun", office_today(), office_zone())
    kinds = ("semester",) if request.endpoint == "reports.tabel7" else PERIOD_KINDS
    kind = request.args.get("periode", "")
    kind = kind if kind in kinds else kinds[0] if len(kinds) == 1 else this_year.kind
    number = (request.args.get(kind) or request.args.get("ke") or "").strip()
    typed = SimpleNamespace(
        kind=kind, year=request.args.get("tahun", "").strip()[:4] or this_year.year,
        number=int(number) if is_digits(number) and len(number) <= 2 else None,
        first=_typed_day("dari", this_year.first, kind),
        last=_typed_day("sampai", this_year.last, kind))
    return render_template("reports/period_error.html", message=str(error), period=typed,
                           kinds=kinds, report=_report_words()), 400


def _report_words() -> str:
    """The refused report as the page names it, with the SOP or person its address names:
    the SOP by its name when the reader may see it (else its key as typed, so no SOP is told
    to who may not see it), the person by the user name typed."""
    words = {
        "reports.sop": gettext("Kinerja SOP"), "reports.heatmap": gettext("Peta hambatan"),
        "reports.step_cases": gettext("Kinerja SOP"),
        "reports.people": gettext("Kinerja per orang"),
        "reports.person": gettext("Kinerja per orang"),
        "reports.person_instances": gettext("Kinerja per orang"),
        "reports.tabel7": gettext("Tabel 7 Monitoring Pelaksanaan SOP"),
        "reports.desk_report": gettext("Laporan Layanan TI"),
    }.get(request.endpoint or "", gettext("Ringkasan laporan"))
    key = (request.view_args or {}).get("key")
    named = _sop_name(key) if key else (request.view_args or {}).get("username")
    return f"{words}: {named[:200]}" if named else words


def _sop_name(key: str) -> str:
    """SOP ``key``'s name (its newest version's) for a reader who may see it; else the key."""
    try:
        definitions = reports.definitions_of(db.session, key)
    except NotFound:
        return key
    return definitions[0].name if access().may_view_definition(definitions) else key


def office_zone() -> str:
    """The office calendar's time zone (``Asia/Jakarta``, …)."""
    return office_calendar().timezone


def office_today() -> date:
    """Today in the office's zone."""
    return clock().now().astimezone(ZoneInfo(office_zone())).date()


def _typed_day(name: str, default: date, kind: str) -> str:
    """A range's day as typed (at most 10 characters), for the refused form: left empty
    when the range was asked for with it empty (the refusal says it is required), the
    year's end otherwise (a range offered from another kind of period)."""
    typed = request.args.get(name, "")[:10]
    return typed if typed or kind == "rentang" else default.isoformat()
