"""Checking submitted values against a declared form (JSON Schema, ``engine.bpmn.forms``).

Values are checked on the server with the ``jsonschema`` library (draft 2020-12); each
problem becomes an Indonesian sentence keyed by the field's name. Values typed into an
HTML form arrive as text and are first read into their JSON types (``read_posted``).
"""

import re
from collections.abc import Mapping
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import Any

from engine.bpmn.form_validator import FormValidator
from engine.bpmn.form_values import (
    FORMATS,
    MAX_NUMBER,
    NUMBER_LIMIT,
    YEARS_TEXT,
    kept_exactly,
    within_years,
)
from engine.bpmn.forms import fields
from engine.text import trimmed, written_date

# A number typed into a form: ASCII digits, a point or comma for decimals; not "nan",
# "inf", "1e400" or full-width digits, which Python's float() would also read.
_TYPED_NUMBER = re.compile(r"-?[0-9]{1,16}(?:[.,][0-9]{1,20})?")
# A float keeps any 15 significant digits exactly: a number typed with more that it cannot
# keep is refused, not stored changed (12345678901234,567 read back as …,566).
_SIGNIFICANT = 15
# "12.500" as an Indonesian writes twelve thousand five hundred, which the decimal dot
# would read as 12,5: refused with its two readings instead of stored 1,000 times too small.
_GROUPED = re.compile(r"-?[1-9][0-9]{0,2}(?:\.[0-9]{3})+")
# "1.500.000,50", an amount as Indonesians write it: read as 1500000,50, not stored.
_GROUPED_DECIMAL = re.compile(r"-?[1-9][0-9]{0,2}(?:\.[0-9]{3})+,[0-9]+")
# An amount as it is written on paper: with its currency ("Rp 1.500.000", "Rp-5"), its
# ",-" ("1.500.000,-"), or its thousands grouped by spaces or commas ("1 500 000",
# "1,500,000"); not a typo such as "--5" or "1..5", nor a number too long to keep.
_PAPER_AMOUNT = re.compile(
    r"\s*rp\.?\s*-?\s*[0-9][0-9., ]*(?:,-)?\s*"
    r"|\s*-?[0-9][0-9. ]*,-\s*"
    r"|\s*-?[1-9][0-9]{0,2}(?:( |,)[0-9]{3})(?:\1[0-9]{3})*(?:,-)?\s*", re.IGNORECASE)
# A date's shape (TTTT-BB-HH) at the start of a value: one that has it but is no date
# (30 February) is told so, not told the shape it already has.
_DATE_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


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
        for name, message in _messages(error, labels, cleaned):
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
        if numeric and _TYPED_NUMBER.fullmatch(raw) and not _GROUPED.fullmatch(raw) \
                and _exact(raw):
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


def _messages(error: Any, labels: dict[str, str], data: dict[str, Any]):
    if error.validator == "required" and not error.path:
        for name in error.validator_value:
            if name not in data:
                yield name, f'"{labels.get(name, name)}" wajib diisi'
        return
    if not error.path:
        yield "data", f"data tidak sesuai formulir ({error.validator})"
        return
    name = str(error.path[0])
    label = labels.get(name, name)
    value = error.validator_value
    texts = {
        "enum": lambda: f'"{label}" harus salah satu dari: {", ".join(map(_choice, value))}',
        "const": lambda: f'"{label}" harus salah satu pilihan yang tersedia',
        "oneOf": lambda: f'"{label}" harus salah satu pilihan yang tersedia',
        "type": lambda: _type_text(label, str(value), error.instance),
        "format": lambda: _format_text(label, str(value), error.instance),
        "maxLength": lambda: f'"{label}" paling banyak {value} karakter',
        "minLength": lambda: f'"{label}" paling sedikit {value} karakter',
        "minimum": lambda: f'"{label}" paling kecil {_number(value)}',
        "maximum": lambda: f'"{label}" paling besar {_number(value)}',
        "exclusiveMinimum": lambda: f'"{label}" harus lebih dari {_number(value)}',
        "exclusiveMaximum": lambda: f'"{label}" harus kurang dari {_number(value)}',
        "multipleOf": lambda: f'"{label}" harus kelipatan {_number(value)}',
        "minItems": lambda: f'"{label}": pilih paling sedikit {value}',
        "maxItems": lambda: f'"{label}": pilih paling banyak {value}',
        "uniqueItems": lambda: f'"{label}" tidak boleh memuat pilihan yang sama dua kali',
        "pattern": lambda: f'"{label}" tidak sesuai pola yang diminta',
    }
    yield name, texts.get(error.validator, lambda: f'"{label}" tidak sesuai formulir')()


def _format_text(label: str, expected: str, given: Any) -> str:
    if expected in ("date", "date-time") and isinstance(given, str) and \
            _DATE_SHAPE.match(given):
        try:
            written_date(given[:10])
        except ValueError:
            return f'"{label}": tanggal {given[:10]} tidak ada di kalender'
    return f'"{label}" harus {_FORMAT_TEXT.get(expected, "berformat " + expected)}'


def _choice(value: Any) -> str:
    """A choice of an ``enum`` as the user reads it: ``ya``/``tidak`` for true/false, a
    number as an Indonesian writes it, text as written (not Python's ``True``)."""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, int | float):
        return _number(value)
    return "kosong" if value is None else str(value)


def _number(value: Any) -> str:
    """A bound as an Indonesian writes it: ``0,5``, ``5`` (not ``5.0``)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < MAX_NUMBER:
        return str(int(value))
    if isinstance(value, float):  # positional, never 1e-07
        return format(Decimal(repr(value)), "f").replace(".", ",")
    return str(value)


def one_value_only(label: str, count: int) -> str:
    """The refusal of a list of ``count`` values sent for the field ``label`` that takes
    one, a form's or a step's own (a decision): none is taken for the others; a list of
    one (``["kritis"]`` in a JSON body) is said to be a list."""
    if count == 1:
        return f'"{label}" satu nilai, bukan daftar; kirim nilainya saja'
    return f'"{label}" hanya satu nilai; {count} dikirim'


def _exact(typed: str) -> bool:
    """Whether the number ``typed`` (``_TYPED_NUMBER``) is stored as typed: the float it
    reads as writes back the same number (any of up to ``_SIGNIFICANT`` significant
    digits does; a whole number is checked against 2^53 with the form)."""
    number = Decimal(typed.replace(",", "."))
    return number == number.to_integral_value() or Decimal(repr(float(number))) == number


def _type_text(label: str, expected: str, given: Any) -> str:
    if expected in ("number", "integer") and isinstance(given, str) and _GROUPED.fullmatch(given):
        whole = given.replace(".", "")
        readings = whole if given.count(".") > 1 else f'{whole} atau {given.replace(".", ",")}'
        return (f'"{label}" {given} dapat dibaca {readings}; tulis tanpa titik ribuan '
                "(mis. 12500), desimal dengan koma (mis. 12,5)")
    if expected in ("number", "integer") and isinstance(given, str) and \
            _GROUPED_DECIMAL.fullmatch(given):
        return (f'"{label}" {given} dapat dibaca {given.replace(".", "")}; tulis tanpa titik '
                "ribuan (mis. 1500000,50)")
    if expected in ("number", "integer") and isinstance(given, str) and \
            _PAPER_AMOUNT.fullmatch(given) and not _TYPED_NUMBER.fullmatch(given):
        return (f'"{label}" {given}: tulis angkanya saja, tanpa Rp, spasi dan tanda ribuan '
                "(mis. 1500000 atau 1500000,50)")
    if expected in ("number", "integer") and isinstance(given, str) and \
            _TYPED_NUMBER.fullmatch(given) and not _exact(given):
        return (f'"{label}" {given} punya lebih dari {_SIGNIFICANT} angka bermakna; angka '
                "sepanjang itu tidak tersimpan persis")
    if isinstance(given, list):  # several values posted for a field that takes one
        return one_value_only(label, len(given))
    return f'"{label}" harus berupa {_TYPES.get(expected, expected)}'


_TYPES = {"number": "angka", "integer": "bilangan bulat", "string": "teks",
          "boolean": "ya atau tidak", "array": "daftar pilihan"}
_FORMAT_TEXT = {"date": "tanggal (TTTT-BB-HH)",
                "date-time": "tanggal dan jam (TTTT-BB-HHTJJ:MM, mis. 2026-12-06T09:30)",
                "data-url": "nama berkas lampiran"}
