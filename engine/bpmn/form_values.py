"""What a form's value may be, whoever writes it: an official on the form, the API, or the
SOP's author in a field's ``default`` (checked at upload, ``engine.bpmn.forms``). README,
"Formulir"."""

import math
import re
from datetime import UTC, datetime
from typing import Any

from jsonschema import FormatChecker

from engine.text import written_date

# The formats of a form's text fields (README, "Formulir"): jsonschema's own "date"
# reads more than a written day, and its "date-time" is not checked without a package.
FORMATS = FormatChecker()
# Numbers are kept exactly only below 2^53 (JSON, JavaScript, SQLite's REAL): the README's
# "bilangan bulat di bawah 2^53".
MAX_NUMBER = 2**53
# What a number field or a free data value says when its number is not one Alur keeps.
NUMBER_LIMIT = "angka terhingga di bawah 2^53 (9.007.199.254.740.992)"


def kept_exactly(value: Any) -> bool:
    """Whether ``value`` is not a number, or a finite one below ``MAX_NUMBER`` (a NaN,
    an infinity or a larger number is no JSON or not exact)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return True
    if isinstance(value, int):  # math.isfinite overflows on an int past a float's range
        return abs(value) < MAX_NUMBER
    return math.isfinite(value) and abs(value) < MAX_NUMBER


# The shape the README promises for a date-time (a date, "T", hours and minutes): Python's
# fromisoformat alone also reads "20261220T0800" and "2026-W51-3T08:00".
_DATE_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?"
                        r"(Z|[+-][0-9]{2}:[0-9]{2})?")


# README "Formulir": a form's date or date-time lies in the years 1900–2100, as written and,
# given with its zone, in UTC. Year 1 or 9999 is a date to Python, but one that cannot be
# moved to the office's zone to be shown (OverflowError), and no office date either.
FIRST_FORM_YEAR, LAST_FORM_YEAR = 1900, 2100
YEARS_TEXT = f"dalam tahun {FIRST_FORM_YEAR}–{LAST_FORM_YEAR}"


def within_years(value: str) -> bool:
    """Whether a date (``TTTT-BB-HH``) or date-time ``value`` that reads as one lies in
    ``FIRST_FORM_YEAR``–``LAST_FORM_YEAR``, as written and, when it gives its zone, in
    UTC. A value that does not read as a date is the format check's to refuse (True)."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return True
    years = [moment.year]
    if moment.tzinfo is not None:
        try:
            years.append(moment.astimezone(UTC).year)
        except OverflowError:
            return False
    return all(FIRST_FORM_YEAR <= year <= LAST_FORM_YEAR for year in years)


@FORMATS.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    return not isinstance(value, str) or (
        bool(written_date(value)))


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    return not isinstance(value, str) or (
        bool(_DATE_TIME.fullmatch(value)) and bool(datetime.fromisoformat(value)))
