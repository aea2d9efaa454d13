"""Filters of the HTML lists read from the query string (``dari``, ``sampai``, ``sop``): a
value that is not one is refused with a 400 page naming the parameter, before anything is
read."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import request
from flask_babel import gettext
from sqlalchemy import select

from engine.models import ProcessDefinition
from web.errors import refuse_parameter
from web.extensions import db
from web.filters import office_calendar


def day_filter(name: str, label: str, end: bool = False) -> datetime | None:
    """The ``YYYY-MM-DD`` filter ``name`` as the office's local midnight (the next one for
    ``end``: the day is included), an aware datetime; None when empty. ``label``: the
    field's label on the page, which a refusal names beside the parameter.

    Raises:
        werkzeug.exceptions.HTTPException: 400 naming ``name`` for a date that is not one,
            or outside the years 2000–2100 the reports accept.
    """
    text = (request.values.get(name) or "").strip()  # a list's form repeats it (POST)
    if not text:
        return None
    day = read_day(text)
    if day is None:
        refuse_parameter(name, gettext(
            '%(label)s (%(name)s): "%(value)s" bukan tanggal TTTT-BB-HH tahun 2000–2100.',
            label=label, name=name, value=text[:20]), gettext("tanggal TTTT-BB-HH"))
    return office_midnight(day, end)


def read_day(text: str) -> date | None:
    """``text`` as a day ``YYYY-MM-DD`` of the years 2000–2100 the reports accept, or None."""
    try:
        day = datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        return None
    return day if 2000 <= day.year <= 2100 else None


def office_midnight(day: date, end: bool = False) -> datetime:
    """The office's midnight starting ``day`` (``end``: the one ending it, so that a range
    of days includes it), an aware datetime in the office's time zone."""
    zone = ZoneInfo(office_calendar().timezone)
    return datetime.combine(day + timedelta(days=1) if end else day, time(0), zone)


def day_range(since_label: str, until_label: str) -> tuple[datetime | None, datetime | None]:
    """The ``dari``–``sampai`` filters (``day_filter``) as ``(since, before)``: the office's
    midnight starting ``dari`` and the one ending ``sampai``, each None when empty.

    Raises:
        werkzeug.exceptions.HTTPException: 400 as ``day_filter``, and naming ``sampai``
            when it falls before ``dari`` (the list would be empty for a typing slip).
    """
    since = day_filter("dari", since_label)
    before = day_filter("sampai", until_label, end=True)
    if since is not None and before is not None and before <= since:
        refuse_parameter("sampai", gettext(
            "%(until)s sebelum %(since)s: tanggal akhir harus sama dengan atau sesudah "
            "tanggal awal.", until=until_label, since=since_label))
    return since, before


def sop_filter(name: str = "sop") -> str | None:
    """The SOP (process key) filter ``name`` of a list, or None when empty.

    Raises:
        werkzeug.exceptions.HTTPException: 400 naming ``name`` for a key no version of any
            SOP has (a typo, or an SOP of another office), which would list nothing.
    """
    key = (request.values.get(name) or "").strip()[:128] or None
    if key is not None and not known_sop(key):
        refuse_parameter(name, gettext(
            'SOP "%(value)s" tidak dikenal; pilih SOP dari daftarnya atau kosongkan.',
            value=key[:40]), gettext("kunci SOP dari daftar"))
    return key


def known_sop(key: str) -> bool:
    """Whether a version of an SOP with process key ``key`` was ever deployed."""
    return db.session.scalar(select(ProcessDefinition.id)
                             .where(ProcessDefinition.key == key).limit(1)) is not None
