"""The office calendar's list fields on Pengaturan, one entry a line: Ramadan periods
(``TTTT-BB-HH TTTT-BB-HH``), extra holidays (``TTTT-BB-HH keterangan``) and national
holidays worked (``TTTT-BB-HH``). Each bad line is named by its number, all of them in one
answer, so that one save shows every line to mend (README, "Pengaturan")."""

from datetime import date

from flask_babel import gettext, ngettext

from engine.text import WRITTEN_DATE, written_date
from engine.time.calendar import national_holidays

# The years a deadline may fall in, and a Ramadan period's length (both ends counted).
CALENDAR_YEARS = (2000, 2100)
MAX_RAMADAN_DAYS = 31
MAX_HOLIDAY_NOTE = 200  # characters of an extra holiday's note
MAX_NAMED = 5  # bad lines of one field named in full; the rest are counted


def named(faults: list[str], field: str, errors: dict[str, str]) -> None:
    """Put ``faults`` (one message a bad line, in order) under ``errors[field]``: the first
    ``MAX_NAMED`` in full, then how many more lines are wrong. Nothing when none."""
    if not faults:
        return
    shown = " ".join(faults[:MAX_NAMED])
    rest = len(faults) - MAX_NAMED
    errors[field] = shown if rest <= 0 else shown + " " + ngettext(
        "Ada %(num)d baris lain yang juga salah.", "Ada %(num)d baris lain yang juga salah.",
        rest)


def periods(text: str, errors: dict[str, str]) -> list[dict[str, str]]:
    """The Ramadan lines of the settings form (``TTTT-BB-HH TTTT-BB-HH`` each, both ends
    Ramadan days) as ``[{"start": iso day, "end": iso day}]``; every bad line is named
    under ``errors["ramadan"]`` (``named``)."""
    periods: list[dict[str, str]] = []
    faults: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        found = _period_line(line, number)
        if isinstance(found, str):
            faults.append(found)
            continue
        start, end = found
        if any(start.isoformat() <= p["end"] and p["start"] <= end.isoformat()
               for p in periods):
            faults.append(gettext("Baris %(number)d: bertumpang tindih dengan periode di "
                                  "atasnya.", number=number))
            continue
        periods.append({"start": start.isoformat(), "end": end.isoformat()})
    named(faults, "ramadan", errors)
    return periods


def _period_line(line: str, number: int) -> tuple[date, date] | str:
    """A Ramadan line's ``(first day, last day)``, or what is wrong with it in words."""
    parts = line.split()
    if len(parts) != 2:
        return gettext("Baris %(number)d: tulis dua tanggal saja, awal lalu akhir, mis. "
                       "'2027-02-08 2027-03-09' (tanpa keterangan).", number=number)
    days = []
    for part in parts:
        try:
            days.append(written_date(part))
        except ValueError:
            return gettext("Baris %(number)d: \"%(value)s\" bukan tanggal (TTTT-BB-HH).",
                           number=number, value=part[:20])
    start, end = days
    if not (CALENDAR_YEARS[0] <= start.year and end.year <= CALENDAR_YEARS[1]):
        return gettext("Baris %(number)d: tahun harus 2000–2100.", number=number)
    if end < start:
        return gettext("Baris %(number)d: tanggal akhir %(end)s sebelum tanggal awal %(start)s; "
                       "tulis awal lalu akhir.", number=number, start=start.isoformat(),
                       end=end.isoformat())
    # Both ends are Ramadan days (README, "Waktu kerja"): 8 Feb-10 Mar is 31 days.
    length = (end - start).days + 1
    if length > MAX_RAMADAN_DAYS:
        return gettext("Baris %(number)d: periode %(length)d hari; Ramadan paling lama %(days)d "
                       "hari.", number=number, length=length, days=MAX_RAMADAN_DAYS)
    return start, end


def _date_form(number: int) -> str:
    """What line ``number`` of a list of days is told when it writes no date of the
    calendar's years."""
    return gettext("Baris %(number)d: tanggal harus berbentuk TTTT-BB-HH, tahun 2000–2100.",
                   number=number)


def dated_lines(text: str, field: str, errors: dict[str, str],
                added: dict[str, str] | None = None) -> dict[str, str]:
    """The lines of ``added`` (``{iso day: note}``) or ``removed`` (days, no note; each a
    national holiday or cuti bersama, or a day of ``added``, which the caller refuses as
    written twice). Every bad line is named under ``errors[field]`` (``named``)."""
    days: dict[str, str] = {}
    faults: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            found = _dated_line(line, number, field, days, added or {})
            if isinstance(found, str):
                faults.append(found)
            else:
                days[found[0].isoformat()] = found[1]
    named(faults, field, errors)
    return days


def _dated_line(line: str, number: int, field: str, days: dict[str, str],
                added: dict[str, str]) -> tuple[date, str] | str:
    """One line of ``dated_lines``: ``(day, note)``, or what is wrong with it in words."""
    day, *rest = line.split(None, 1)
    note = rest[0].strip() if rest else ""
    try:
        found = written_date(day)
    except ValueError:
        # Written right but not in the calendar (2026-02-30): said so, not the form.
        return gettext("Baris %(number)d: %(day)s tidak ada di kalender; periksa bulan dan "
                       "tanggalnya.", number=number, day=day) if WRITTEN_DATE.fullmatch(
            day) else _date_form(number)
    if not CALENDAR_YEARS[0] <= found.year <= CALENDAR_YEARS[1]:
        return _date_form(number)
    if found.isoformat() in days:
        return gettext("Baris %(number)d: tanggal %(day)s sudah ditulis di baris lain.",
                       number=number, day=found.isoformat())
    if note and field == "removed":
        return gettext("Baris %(number)d: tulis satu tanggal saja, tanpa keterangan.",
                       number=number)
    if field == "removed" and found not in dict(national_holidays(found.year)) and (
            found.isoformat() not in added):
        return gettext("Baris %(number)d: %(day)s bukan hari libur nasional atau cuti bersama "
                       "(lihat daftarnya di bawah), jadi sudah hari kerja; periksa tanggalnya.",
                       number=number, day=found.isoformat())
    if len(note) > MAX_HOLIDAY_NOTE:
        return gettext("Baris %(number)d: keterangan paling banyak %(max)d karakter.",
                       number=number, max=MAX_HOLIDAY_NOTE)
    return found, note
