"""What a form value that its field refuses is told, in Indonesian, whoever wrote it: an
official on the form or through the API (``engine.process.forms.validate``), or the SOP's
author in a field's ``default`` (``engine.bpmn.forms``, at upload). README, "Formulir"."""

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from engine.bpmn.form_values import MAX_NUMBER
from engine.text import written_date

# A number typed into a form: ASCII digits, a point or comma for decimals; not "nan",
# "inf", "1e400" or full-width digits, which Python's float() would also read.
TYPED_NUMBER = re.compile(r"-?[0-9]{1,16}(?:[.,][0-9]{1,20})?")
# A float keeps any 15 significant digits exactly: a number typed with more that it cannot
# keep is refused, not stored changed (12345678901234,567 read back as …,566).
_SIGNIFICANT = 15
# "12.500" as an Indonesian writes twelve thousand five hundred, which the decimal dot
# would read as 12,5: refused with its two readings instead of stored 1,000 times too small.
GROUPED = re.compile(r"-?[1-9][0-9]{0,2}(?:\.[0-9]{3})+")
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


def messages(error: Any, labels: dict[str, str], data: dict[str, Any]
             ) -> Iterator[tuple[str, str]]:
    """``(field name, sentence)`` for a jsonschema ``error`` of the values ``data`` (``{field
    name: value}``) against a form's schema; ``labels``: ``{field name: label}``, which the
    sentences quote (``"Jumlah" paling besar 5``)."""
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


def exact_number(typed: str) -> bool:
    """Whether the number ``typed`` (``TYPED_NUMBER``) is stored as typed: the float it
    reads as writes back the same number (any of up to ``_SIGNIFICANT`` significant
    digits does; a whole number is checked against 2^53 with the form)."""
    number = Decimal(typed.replace(",", "."))
    return number == number.to_integral_value() or Decimal(repr(float(number))) == number


def _type_text(label: str, expected: str, given: Any) -> str:
    if expected in ("number", "integer") and isinstance(given, str) and GROUPED.fullmatch(given):
        whole = given.replace(".", "")
        readings = whole if given.count(".") > 1 else f'{whole} atau {given.replace(".", ",")}'
        return (f'"{label}" {given} dapat dibaca {readings}; tulis tanpa titik ribuan '
                "(mis. 12500), desimal dengan koma (mis. 12,5)")
    if expected in ("number", "integer") and isinstance(given, str) and \
            _GROUPED_DECIMAL.fullmatch(given):
        return (f'"{label}" {given} dapat dibaca {given.replace(".", "")}; tulis tanpa titik '
                "ribuan (mis. 1500000,50)")
    if expected in ("number", "integer") and isinstance(given, str) and \
            _PAPER_AMOUNT.fullmatch(given) and not TYPED_NUMBER.fullmatch(given):
        return (f'"{label}" {given}: tulis angkanya saja, tanpa Rp, spasi dan tanda ribuan '
                "(mis. 1500000 atau 1500000,50)")
    if expected in ("number", "integer") and isinstance(given, str) and \
            TYPED_NUMBER.fullmatch(given) and not exact_number(given):
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
