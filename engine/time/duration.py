"""Time standards as ISO 8601 durations ("PT30M", "P1D", "P1W", "P3M"): a strict parser
with Alur's ceiling.

Only the designator form is read (``PnYnMnWnDTnHnMnS``, each part optional, in that
order, at least one present); no alternative format (``P0001-02-03``), no sign, no
exponent. Only the smallest time part (hours, minutes or seconds) may have a fraction,
as ISO 8601 allows only for the last component; years, months, weeks and days must be
whole (a working day is a clock time on another day, README "Waktu kerja").

The longest time standard is ``MAX_TIME_STANDARD`` (one year, README "Batas"): the
longest Waktu in the office's SOPs is "1 Triwulan" and the yearly SOPs (SKP, monitoring)
run for a year, so anything longer is a typing error. Durations counted internally may be
longer, up to ``MAX_COUNTED_YEARS`` (an escalation level is a multiple of the time
standard, at most ``MAX_ESCALATION_MULTIPLE``), which keeps every deadline computation
bounded.
"""

import re
from decimal import Decimal
from fractions import Fraction

MAX_TIME_STANDARD = "P1Y"
MAX_ESCALATION_MULTIPLE = 10
MAX_COUNTED_YEARS = MAX_ESCALATION_MULTIPLE
MAX_DURATION_CHARS = 40  # "P1Y11M4W6DT23H59M59.999S" has 24

UNITS = ("years", "months", "weeks", "days", "hours", "minutes", "seconds")
# How many of each unit make one year (the ceiling), counted on the wall clock; in office
# time each of them is shorter than a wall-clock year would be, so the ceiling holds.
_PER_YEAR = {"years": 1, "months": 12, "weeks": 52, "days": 365, "hours": 365 * 24,
             "minutes": 365 * 24 * 60, "seconds": 365 * 24 * 3600}
_NUMBER = r"([0-9]{1,9}(?:[.,][0-9]{1,6})?)"  # ASCII digits: "PT１H" is no duration
_PATTERN = re.compile(
    rf"P(?:{_NUMBER}Y)?(?:{_NUMBER}M)?(?:{_NUMBER}W)?(?:{_NUMBER}D)?"
    rf"(?:T(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?")
_EXAMPLES = '(contoh: "PT30M", "P1D", "P1W", "P3M")'


class InvalidDuration(ValueError):
    """The time standard is not an ISO 8601 duration Alur can count (message in Indonesian)."""


def parse_duration(duration: str, longest_years: int = 1) -> dict[str, float]:
    """The designators of an ISO 8601 duration: ``{"days": 1.0, "hours": 2.0}`` for
    ``"P1DT2H"``; only the designators written appear, units as in ``UNITS``.

    Args:
        longest_years: the ceiling; 1 (``MAX_TIME_STANDARD``) for a time standard, up to
            ``MAX_COUNTED_YEARS`` for an escalation level's multiple of one.

    Raises:
        InvalidDuration: not a duration in the designator form, a number of more than 9
            digits, empty (``"P"``, ``"PT"``),
            a fraction of a year, month, week or day or on a part that is not the last,
            or longer than ``longest_years``.
    """
    text = duration.strip().upper() if isinstance(duration, str) else ""
    match = _PATTERN.fullmatch(text) if len(text) <= MAX_DURATION_CHARS else None
    if match is None and len(text) <= MAX_DURATION_CHARS and re.search(r"[0-9]{10}", text):
        raise InvalidDuration(f"'{text}': angka paling banyak 9 digit (batas waktu "
                              f'terpanjang {longest_years} tahun, "P{longest_years}Y")')
    if match is None or not any(match.groups()) or text.endswith("T"):
        raise InvalidDuration(f"'{str(duration)[:MAX_DURATION_CHARS]}' bukan durasi ISO 8601 "
                              f"{_EXAMPLES}")
    written = {unit: Decimal(value.replace(",", "."))
               for unit, value in zip(UNITS, match.groups(), strict=True) if value is not None}
    fractional = [unit for unit, value in written.items() if value != int(value)]
    if any(unit in ("years", "months", "weeks", "days") for unit in fractional):
        raise InvalidDuration(f"'{text}': tahun, bulan, minggu dan hari harus bilangan bulat "
                              '(contoh: "P1D")')
    if fractional and fractional != [list(written)[-1]]:
        raise InvalidDuration(f"'{text}': hanya bagian terakhir yang boleh berpecahan "
                              '(contoh: "PT1H30M" atau "PT1.5H")')
    if sum(Fraction(value) / _PER_YEAR[unit] for unit, value in written.items()) > longest_years:
        raise InvalidDuration(f"'{text}' melebihi batas waktu terpanjang, {longest_years} tahun "
                              f'("P{longest_years}Y" = "P{12 * longest_years}M" = '
                              f'"P{52 * longest_years}W" = "P{365 * longest_years}D")')
    return {unit: float(value) for unit, value in written.items()}


class UnknownWaktu(InvalidDuration):
    """A Waktu text that is neither a number of units nor a no-deadline word."""


# Each Waktu unit, larger first (the order they are written in and ISO's): its ISO
# designator, and whether it is a time part (after "T"). "Triwulan" is read as 3 bulan,
# "tahun" as 12, "hari kerja" as hari.
_WAKTU_UNITS = {"bulan": ("M", False), "minggu": ("W", False), "hari": ("D", False),
                "jam": ("H", True), "menit": ("M", True)}
_ISO_ORDER = tuple(_WAKTU_UNITS)
_WAKTU_PER_YEAR = {unit: _PER_YEAR[iso] for unit, iso in zip(
    _WAKTU_UNITS, ("months", "weeks", "days", "hours", "minutes"), strict=True)}
_WAKTU_PART = r"([0-9][0-9.,]*)\s*(menit|jam|hari kerja|hari|minggu|bulan|triwulan|tahun)"
_WAKTU = re.compile(rf"{_WAKTU_PART}(?:\s+{_WAKTU_PART})*", re.IGNORECASE)
# An amount as an Indonesian SOP writes it: "30", "1,5" or "1.5" (one or two decimals),
# "6.000" (thousands grouped with dots, as in the source documents' "6.000 menit").
_GROUPED = re.compile(r"[1-9][0-9]{0,2}(?:\.[0-9]{3})+")
_DECIMAL = re.compile(r"[0-9]+(?:[.,][0-9]{1,2})?")  # the whole Waktu: at most 60 characters
NO_DEADLINE_WORDS = ("relatif", "situasional", "disesuaikan")


def waktu_duration(waktu: str) -> str | None:
    """The ISO 8601 duration of an SOP's Waktu text (README, "Konvensi BPMN"):
    ``"30 menit"`` -> ``"PT30M"``, ``"1 hari kerja"`` -> ``"P1D"``, ``"1 Triwulan"`` ->
    ``"P3M"``, ``"1 tahun"`` -> ``"P12M"``, ``"1,5 jam"`` -> ``"PT1.5H"``, ``"1 jam 30
    menit"`` -> ``"PT1H30M"``, ``"6.000 menit"`` -> ``"PT6000M"``; None for an empty Waktu
    or one without a deadline ("Relatif", ...).

    Raises:
        UnknownWaktu: not written as numbers with units (each unit once, larger first).
        InvalidDuration: longer than ``MAX_TIME_STANDARD``, zero, or a fraction Alur
            cannot count (of a day, or on a part that is not the last); the message
            quotes the Waktu and names its units, never ISO's.
    """
    waktu = " ".join(waktu.split())
    if not waktu or waktu.lower().startswith(NO_DEADLINE_WORDS):
        return None
    if len(waktu) > 60 or not _WAKTU.fullmatch(waktu):
        raise UnknownWaktu(f"'{waktu[:60]}' tidak dikenali")
    parts: dict[str, Decimal] = {}
    for amount_text, unit_text in re.findall(_WAKTU_PART, waktu, re.IGNORECASE):
        unit, amount = unit_text.lower(), _waktu_amount(amount_text, waktu)
        if unit in ("triwulan", "tahun"):
            unit, amount = "bulan", (3 if unit == "triwulan" else 12) * amount
        unit = unit.removesuffix(" kerja")
        if parts and _ISO_ORDER.index(unit) <= _ISO_ORDER.index(list(parts)[-1]):
            raise UnknownWaktu(f"'{waktu[:60]}' tidak dikenali (setiap satuan sekali, yang "
                               "besar dulu, mis. \"1 jam 30 menit\")")
        parts[unit] = amount
    _check_waktu(waktu, parts)
    duration = _iso(parts)
    parse_duration(duration)
    return duration


def _check_waktu(waktu: str, parts: dict[str, Decimal]) -> None:
    """Refuse, in the Waktu's own words, what ``parse_duration`` would refuse in ISO's: a
    zero length, more than one year, a fraction of a day (or longer) or on a unit that is
    not the last."""
    if sum(parts.values()) == 0:
        raise InvalidDuration(f"'{waktu}': lamanya 0; tulis Waktu \"Relatif\" bila "
                              "tanpa batas waktu")
    if sum(Fraction(amount) / _WAKTU_PER_YEAR[unit] for unit, amount in parts.items()) > 1:
        raise InvalidDuration(f"'{waktu}' melebihi batas waktu terpanjang, 1 tahun "
                              "(mis. 12 bulan, 4 triwulan, 52 minggu)")
    fractional = [unit for unit, amount in parts.items() if amount != int(amount)]
    if any(not _WAKTU_UNITS[unit][1] for unit in fractional):
        raise InvalidDuration(f"'{waktu}': bulan, minggu dan hari harus bilangan bulat; "
                              "pecahan hanya pada jam atau menit (mis. \"1 hari 4 jam\", "
                              "\"1,5 jam\")")
    if fractional and fractional != [list(parts)[-1]]:
        raise InvalidDuration(f"'{waktu}': hanya satuan terakhir yang boleh berpecahan "
                              "(mis. \"1 jam 30 menit\" atau \"1,5 jam\")")


def _waktu_amount(text: str, waktu: str) -> Decimal:
    if _GROUPED.fullmatch(text):
        return Decimal(text.replace(".", ""))
    if _DECIMAL.fullmatch(text):
        return Decimal(text.replace(",", "."))
    raise UnknownWaktu(f"'{waktu[:60]}' tidak dikenali")


def _iso(parts: dict[str, Decimal]) -> str:
    """``{"jam": 1, "menit": 30}`` (in ``_ISO_ORDER``) -> ``"PT1H30M"``."""
    date = "".join(f"{_waktu_number(amount)}{_WAKTU_UNITS[unit][0]}"
                   for unit, amount in parts.items() if not _WAKTU_UNITS[unit][1])
    time = "".join(f"{_waktu_number(amount)}{_WAKTU_UNITS[unit][0]}"
                   for unit, amount in parts.items() if _WAKTU_UNITS[unit][1])
    return f"P{date}" + (f"T{time}" if time else "")


def _waktu_number(amount: Decimal) -> str:
    return str(int(amount)) if amount == amount.to_integral_value() else \
        format(amount.normalize(), "f")


def waktu_text(waktu: str) -> str:
    """A Waktu written as numbers and units in one casing: ``"10 Menit"`` ->
    ``"10 menit"``, ``"3 Hari Kerja"`` -> ``"3 hari kerja"``; other texts ("Relatif",
    "Situasional ...") as written, with their spaces tidied."""
    waktu = " ".join(waktu.split())
    return waktu.lower() if len(waktu) <= 60 and _WAKTU.fullmatch(waktu) else waktu


def office_parts(duration: str) -> tuple[float, float, float]:
    """``(months, days, minutes)`` of a duration in office units (a year is 12 months, a
    week 5 working days, an hour 60 minutes; hours never carry into days).

    Raises:
        InvalidDuration: a duration Alur cannot count.
    """
    parts = parse_duration(duration)
    return (12 * parts.get("years", 0) + parts.get("months", 0),
            5 * parts.get("weeks", 0) + parts.get("days", 0),
            60 * parts.get("hours", 0) + parts.get("minutes", 0)
            + parts.get("seconds", 0) / 60)


def office_units(durations: list[str]) -> str:
    """Add ISO 8601 durations and write the sum as "2 bulan 13 hari 2 jam 30 menit".

    Units follow the office calendar (README, "Waktu kerja"): a week is 5 working days,
    a year 12 months; minutes carry into hours, but hours never carry into days, because
    a working day ("P1D") is the same clock time on the next working day, not a number of
    hours. Zero units are left out; an all-zero sum is "0 menit".

    Raises:
        InvalidDuration: a duration Alur cannot count.
    """
    months = days = minutes = 0.0
    for duration in durations:
        more_months, more_days, more_minutes = office_parts(duration)
        months, days, minutes = months + more_months, days + more_days, minutes + more_minutes
    hours, minutes = divmod(round(minutes), 60)
    text = " ".join(f"{_amount(n)} {unit}" for n, unit in (
        (months, "bulan"), (days, "hari"), (hours, "jam"), (minutes, "menit")) if n)
    return text or "0 menit"


def _amount(value: float) -> str:
    """``2`` or ``1,5``: Indonesian decimal comma."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}".replace(".", ",")


def duration_words(duration: str, round_the_clock: bool = False) -> str:
    """A time standard in words: ``"2 hari kerja"``, ``"1 jam 30 menit kerja"``; in
    wall-clock words (``"2 hari"``) for a round-the-clock step.

    Raises:
        InvalidDuration: a duration Alur cannot count.
    """
    text = office_units([duration])
    return text if round_the_clock else f"{text} kerja"
