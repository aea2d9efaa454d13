"""Case data as officials read it (issue "the case itself"): a choice by its label, a date
and a time in words of the office's calendar, a number with Indonesian grouping, yes/no,
a list joined; never a choice key, an ISO timestamp or ``True``."""

from datetime import date, datetime
from typing import Any

from flask import Flask
from flask_babel import gettext

from web.filters import MONTHS, local_time
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
            return number(value, 6)
    return str(value)


def _moment(text: str) -> str:
    """An ISO date as ``24 Des 2026``, a date and time as ``local_time`` writes it; a text
    that is neither as it is."""
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is None:  # typed on a page: the office's wall clock
        return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year} " \
               f"{moment.hour:02d}.{moment.minute:02d}"
    return local_time(moment)


def register(app: Flask) -> None:
    """Install ``nilai_isian`` (``field_value``) as a template filter."""
    app.add_template_filter(field_value, "nilai_isian")
