"""Checking submitted values against a declared form (JSON Schema, ``engine.bpmn.forms``).

Values are checked on the server with the ``jsonschema`` library (draft 2020-12); each
problem becomes an Indonesian sentence keyed by the field's name. Values typed into an
HTML form arrive as text and are first read into their JSON types (``read_posted``).
"""

import re
from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any

from engine.bpmn.form_messages import GROUPED, TYPED_NUMBER, exact_number, messages
from engine.bpmn.form_validator import FormValidator
from engine.bpmn.form_values import (
    FORMATS,
    NUMBER_LIMIT,
    YEARS_TEXT,
    kept_exactly,
    within_years,
)
from engine.bpmn.forms import fields
from engine.text import trimmed


def validate(form: dict[str, Any] | None, data: Mapping[str, Any]) -> tuple[
        dict[str, Any], dict[str, str]]:
    """Check ``data`` (``{field name: JSON value}``) against ``form``.

    Empty values (None, ``""``, ``[]``) count as not given; text is stripped.

    Returns:
        ``(cleaned values, {field name: Indonesian message})``; only the form's fields are
        looked at (the caller refuses unknown names).
    """
    if not form:
        return {}, {}
    labels = {field["name"]: field["label"] for field in fields(form)}
    cleaned = {}
    for name in labels:
        value = data.get(name)
        value = trimmed(value) if isinstance(value, str) else value
        if value not in (None, "", []):
            cleaned[name] = value
    problems: dict[str, str] = {name: f'"{labels[name]}" harus {NUMBER_LIMIT}'
                                for name, value in cleaned.items() if not kept_exactly(value)}
    validator = FormValidator(form["schema"], format_checker=FORMATS)
    # A NaN or an infinity (refused above) would raise inside jsonschema's own checks.
    for error in validator.iter_errors({name: value for name, value in cleaned.items()
                                        if name not in problems}):
        for name, message in messages(error, labels, cleaned):
            problems.setdefault(name, message)
    for field in fields(form):
        value = cleaned.get(field["name"])
        if field["kind"] in ("date", "datetime") and isinstance(value, str) and \
                not within_years(value):
            problems.setdefault(field["name"], f'"{field["label"]}" harus {YEARS_TEXT}')
    return cleaned, problems


def read_posted(form: dict[str, Any] | None, posted: Any,
                zone: tzinfo | None = None) -> dict[str, Any]:
    """Read an HTML form's values (``posted``: a mapping with ``getlist``, e.g. Flask's
    ``request.form``) into JSON values for ``form``'s fields: numbers (a number field's
    choice too) as numbers when they read as one, yes/no as booleans, many-of as lists.
    Several different values for a field that takes one stay a list, which ``validate``
    refuses ("hanya satu nilai") instead of keeping the first; an empty value beside one
    given is no second value (the one given is kept). A date-time typed on the page (a
    datetime-local input: the office's wall clock, to the minute) is given the office's
    ``zone`` (``2026-12-06T23:30:00+09:00``), so that it stays the same moment when the
    office's zone changes, as one sent with its zone through the API does. Unreadable
    values stay text so that ``validate`` names them."""
    values: dict[str, Any] = {}
    for field in fields(form):
        name, kind = field["name"], field["kind"]
        if kind == "multi":
            values[name] = [v for v in posted.getlist(name) if v]
            continue
        sent = [value for value in posted.getlist(name) if trimmed(value)]
        if len(set(sent)) > 1 and kind != "file":  # one field, one value: which is unknown
            values[name] = sent
            continue
        raw = trimmed(sent[0] if sent else posted.get(name))
        numeric = kind == "number" or (kind == "choice" and form["schema"]["properties"][name]
                                       .get("type") in ("number", "integer"))
        if numeric and TYPED_NUMBER.fullmatch(raw) and not GROUPED.fullmatch(raw) \
                and exact_number(raw):
            number = float(raw.replace(",", "."))
            values[name] = int(number) if number.is_integer() else number
        elif kind == "boolean" and raw:
            values[name] = {"ya": True, "tidak": False}.get(raw, raw)
        elif kind == "datetime" and raw:
            values[name] = _wall_clock_moment(raw, zone)
        else:
            values[name] = raw
    return values


def _wall_clock_moment(typed: str, zone: tzinfo | None) -> str:
    """A datetime-local input's minutes (``2026-12-06T23:30``) with seconds and, given,
    ``zone``'s offset; anything else as typed, for ``validate`` to check."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}", typed):
        return typed
    if zone is None:
        return typed + ":00"
    try:
        return datetime.fromisoformat(typed).replace(tzinfo=zone).isoformat()
    except ValueError:  # 30 February: refused by the format check, named as typed
        return typed + ":00"


