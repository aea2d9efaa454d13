"""marshmallow's field messages in Bahasa Indonesia, for the ``fields`` of a 422 answer.

marshmallow words its checks in English ("Missing data for required field.");
``indonesian`` rewrites each message a schema of Alur can produce into the words of the
API's other answers, keeping the field names (the keys) and any message already in
Indonesian. A message not listed here is kept as it is.
"""

import re
from typing import Any

_TYPES = {"integer": "bilangan bulat", "number": "bilangan", "string": "teks",
          "boolean": "benar/salah (true/false)", "list": "daftar (array JSON)",
          "mapping type": "objek JSON", "date": "tanggal (YYYY-MM-DD)",
          "datetime": "waktu ISO 8601",
          "aware datetime": "waktu ISO 8601 dengan zona waktu (mis. 2026-12-03T08:00:00+07:00)",
          "email address": "alamat e-mail", "URL": "URL",
          "UUID": "UUID"}
_COMPARISONS = {"greater than or equal to": "paling kecil", "less than or equal to":
                "paling besar", "greater than": "lebih dari", "less than": "kurang dari"}
_COMPARISON = "|".join(_COMPARISONS)

# (English as marshmallow words it, its Indonesian with the same named groups).
_RULES = [(re.compile(english), indonesian) for english, indonesian in [
    (r"Missing data for required field\.", "wajib diisi"),
    (r"Field may not be null\.", "tidak boleh null"),
    (r"Unknown field\.", "kolom ini tidak dikenal"),
    (r"Invalid input type\.|Invalid type\.|Invalid value\.|Invalid input\.", "nilainya tidak sah"),
    (r"Not a valid (?P<type>[\w ]+)\.", "harus {type}"),
    (r"Must be one of: (?P<choices>.*)\.", "harus salah satu dari: {choices}"),
    (r"Length must be between (?P<min>\d+) and (?P<max>\d+)\.",
     "panjangnya {min} sampai {max} karakter"),
    (r"Longer than maximum length (?P<max>\d+)\.", "paling panjang {max} karakter"),
    (r"Shorter than minimum length (?P<min>\d+)\.", "paling pendek {min} karakter"),
    ((rf"Must be (?P<op1>{_COMPARISON}) (?P<a>[-\d.]+) and (?P<op2>{_COMPARISON}) "
      r"(?P<b>[-\d.]+)\."), "harus {op1} {a} dan {op2} {b}"),
    (rf"Must be (?P<op1>{_COMPARISON}) (?P<a>[-\d.]+)\.", "harus {op1} {a}"),
    (r"String does not match expected pattern\.", "bentuknya tidak sesuai"),
    (r"Number too large\.", "angkanya terlalu besar"),
    (r"Must be equal to (?P<value>.+)\.", "harus {value}"),
]]


def indonesian(messages: Any) -> Any:
    """``messages`` as marshmallow gives them (``{field: [message] | {nested...}}``, or a
    list) with every message translated; same shape, same keys."""
    if isinstance(messages, dict):
        return {key: _whole(value) if key == "_schema" else indonesian(value)
                for key, value in messages.items()}
    if isinstance(messages, list):
        return [indonesian(message) for message in messages]
    if isinstance(messages, str):
        return _translate(messages)
    return messages


def _whole(messages: Any) -> Any:
    """The messages about a whole object (marshmallow's ``_schema``): a body or a nested
    value that is no object (``["x"]``, ``null``) reads "harus objek JSON"."""
    if isinstance(messages, list):
        return [WHOLE_NOT_OBJECT if message == "Invalid input type." else indonesian(message)
                for message in messages]
    return indonesian(messages)


WHOLE_NOT_OBJECT = "harus objek JSON"


def _translate(message: str) -> str:
    for english, words in _RULES:
        found = english.fullmatch(message)
        if found:
            parts = found.groupdict()
            if "type" in parts:
                parts["type"] = _TYPES.get(parts["type"], parts["type"])
            for key in ("op1", "op2"):
                if key in parts:
                    parts[key] = _COMPARISONS[parts[key]]
            return words.format(**parts)
    return message
