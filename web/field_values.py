"""Case data as officials read it (issue "the case itself"): a choice by its label, a date
and a time in words of the office's calendar, a number with Indonesian grouping, yes/no,
a list joined; never a choice key, an ISO timestamp or ``True``."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, request
from flask_babel import format_decimal, gettext
from werkzeug.datastructures import MultiDict

from engine.process import forms
from web.filters import MONTHS, local_time, office_calendar
from web.time_words import number


def field_value(value: Any, field: dict[str, Any] | None = None) -> str:
    """``value`` of the form field ``field`` (``engine.bpmn.forms.fields``; None: unknown,
    shown plainly) in words: ``"Kritis (1 jam)"`` for ``p1``, ``"24 Des 2026"`` for
    ``"2026-12-24"``, ``"1.500.000,75"`` for 1500000.75."""
    if value is True or value is False:
        return gettext("Ya") if value else gettext("Tidak")
    if isinstance(value, list):
        return ", ".join(field_value(item, field) for item in value)
    if field is not None:
        labels = {str(c["value"]): c["label"] for c in field.get("choices") or []}
        if str(value) in labels:
            return labels[str(value)]
        if field.get("kind") in ("date", "datetime") and isinstance(value, str):
            return _moment(value)
        if field.get("kind") == "number" and isinstance(value, int | float):
            # Every decimal the value has (0,0000001 is not 0); four digits are not grouped
            # (CLDR's minimum grouping digits of 2): a year reads 2027, not 2.027.
            places = _decimals(value)
            return number(value, places) if abs(value) >= 10_000 else \
                format_decimal(value, format="0." + "#" * places if places else "0")
    return str(value)


def _decimals(value: float) -> int:
    """How many decimals ``value`` has as Python writes it shortest (1e-07: 7)."""
    if isinstance(value, int) or value.is_integer():
        return 0
    return max(0, -int(Decimal(repr(value)).as_tuple().exponent))


def posted_values(form: dict[str, Any] | None) -> dict[str, Any]:
    """This request's form fields read into ``form``'s JSON values
    (``engine.process.forms.read_posted``), a date-time typed on the page in the office's
    time zone."""
    return forms.read_posted(form, request.form, ZoneInfo(office_calendar().timezone))


def form_defaults(form: dict[str, Any] | None) -> dict[str, Any]:
    """``{field: its schema's default}`` of ``form`` (README "Formulir": ``default``), the
    values a start form opens with."""
    if not form:
        return {}
    return {name: prop["default"] for name, prop in form["schema"]["properties"].items()
            if isinstance(prop, dict) and "default" in prop}


def form_values(declared: list[dict[str, Any]], data: dict[str, Any]) -> MultiDict:
    """The inputs of a step's form (``declared``: ``engine.bpmn.forms.fields``) filled with
    the case's current ``data``, as the page's inputs take them (``"87,5"``, ``"ya"``, a
    datetime-local's minutes), so that a step reopened for revision shows what was
    written before instead of empty fields that, sent back, would clear it. A file field
    gets the name of the attachment it holds (kept unless another file is chosen)."""
    values: MultiDict = MultiDict()
    for field in declared:
        value = data.get(field["name"])
        if value is None or value == "":
            continue
        if isinstance(value, list):
            values.setlist(field["name"], [str(item) for item in value])
        elif isinstance(value, bool):
            values[field["name"]] = "ya" if value else "tidak"
        elif isinstance(value, int | float):
            # Positional, never "1e-07", which the number input would refuse when sent back.
            values[field["name"]] = str(int(value)) if float(value).is_integer() \
                else format(Decimal(repr(value)), "f").replace(".", ",")
        elif field["kind"] == "datetime":
            values[field["name"]] = _wall_clock(str(value))
        else:
            values[field["name"]] = str(value)
    return values


def _wall_clock(text: str) -> str:
    """A stored date-time as a datetime-local input takes it: the office's wall clock to
    the minute (``2026-12-05T09:15`` for ``2026-12-05T02:15:00Z`` in WIB), so that a value
    given with its zone (the API) is not shifted when the step is sent back unchanged."""
    try:
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is not None:
            moment = moment.astimezone(ZoneInfo(office_calendar().timezone))
    except (ValueError, OverflowError):  # OverflowError: year 1 or 9999 past the zone's edge
        return text[:16]
    return moment.strftime("%Y-%m-%dT%H:%M")


def _moment(text: str) -> str:
    """An ISO date as ``24 Des 2026``, a date and time as ``local_time`` writes it; a text
    that is neither, or a moment that cannot be moved to the office's zone (stored before
    form dates were bounded: ``9999-12-31T23:59:59-12:00``), as it is."""
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:  # typed on a page: the office's wall clock, named as such
            moment = moment.replace(tzinfo=ZoneInfo(office_calendar().timezone))
        return local_time(moment)
    except (ValueError, OverflowError):
        return text


def register(app: Flask) -> None:
    """Install ``nilai_isian`` (``field_value``) as a template filter."""
    app.add_template_filter(field_value, "nilai_isian")
