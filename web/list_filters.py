"""Filters of the HTML lists read from the query string (``dari``, ``sampai``): a value
that is not one is refused with a 400 page naming the parameter, before anything is read."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import request
from flask_babel import gettext

from web.errors import refuse_parameter
from web.filters import office_calendar


def day_filter(name: str, label: str, end: bool = False) -> datetime | None:
    """The ``YYYY-MM-DD`` filter ``name`` as the office's local midnight (the next one for
    ``end``: the day is included), an aware datetime; None when empty. ``label``: the
    field's label on the page, which a refusal names beside the parameter.

    Raises:
        werkzeug.exceptions.HTTPException: 400 naming ``name`` for a date that is not one,
            or outside the years 2000–2100 the reports accept.
    """
    text = (request.args.get(name) or "").strip()
    if not text:
        return None
    try:
        day = datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        day = None
    if day is None or not 2000 <= day.year <= 2100:
        refuse_parameter(name, gettext(
            '%(label)s (%(name)s): "%(value)s" bukan tanggal TTTT-BB-HH tahun 2000–2100.',
            label=label, name=name, value=text[:20]), gettext("tanggal TTTT-BB-HH"))
    zone = ZoneInfo(office_calendar().timezone)
    return datetime.combine(day + timedelta(days=1) if end else day, time(0), zone)
