"""The office's own weekly hours on Pengaturan, as an official writes them: one line per
day or range of days, its working intervals after it, the gaps between them its breaks::

    Senin–Kamis 07.30–12.00, 13.00–16.00
    Jumat 07.30–11.30, 13.00–16.30

A day no line names is closed. Stored in the ``calendar`` setting as ``hours``
(``{"0": [["07:30", "12:00"], …], …}``, 0 = Monday; ``engine.settings.work_calendar``);
empty, or the very hours of Perpres 21/2023, stores nothing: the default applies.
"""

import re
from datetime import time
from typing import Any

from flask_babel import format_decimal, gettext

from engine.time.hours import PERPRES_21_2023, Schedule

DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
# Indonesian names, and English ones for an administrator who reads the page in English
# (English admin probe); the page writes them back in Indonesian.
ENGLISH_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_NUMBER = {name.lower(): number for number, name in enumerate(DAYS)} | {"jum'at": 4} | {
    name: number for number, name in enumerate(ENGLISH_DAYS)}
_DASHES = "-–—"
_LINE = re.compile(rf"\s*(?P<days>[A-Za-z']+(?:\s*[{_DASHES}]\s*[A-Za-z']+)?)\s+(?P<hours>.+)")
_INTERVAL = re.compile(rf"\s*(\d{{1,2}})[.:](\d{{2}})\s*[{_DASHES}]\s*(\d{{1,2}})[.:](\d{{2}})\s*")
MAX_TEXT = 1000
MAX_INTERVALS = 4  # a day's working periods (three breaks at most)


def stored(schedule: Schedule) -> dict[str, list[list[str]]]:
    """``schedule`` as the setting keeps it; empty for Perpres 21/2023's (the default)."""
    if schedule == PERPRES_21_2023:
        return {}
    return {str(day): [[start.strftime("%H:%M"), end.strftime("%H:%M")]
                       for start, end in intervals]
            for day, intervals in sorted(schedule.days.items()) if intervals}


def written(hours: dict[str, Any] | None) -> str:
    """The stored ``hours`` (empty: Perpres 21/2023's) as the form shows them, consecutive
    days with the same hours on one line (``Senin–Kamis 07.30–12.00, 13.00–16.00``)."""
    days = {int(day): intervals for day, intervals in (hours or {}).items()} or {
        day: [[start.strftime("%H:%M"), end.strftime("%H:%M")] for start, end in intervals]
        for day, intervals in PERPRES_21_2023.days.items()}
    lines: list[tuple[int, int, str]] = []
    for day in sorted(days):
        text = ", ".join(f"{start.replace(':', '.')}–{end.replace(':', '.')}"
                         for start, end in days[day])
        if lines and lines[-1][1] == day - 1 and lines[-1][2] == text:
            lines[-1] = (lines[-1][0], day, text)
        else:
            lines.append((day, day, text))
    return "\n".join(f"{DAYS[first]}{'–' + DAYS[last] if last != first else ''} {text}"
                     for first, last, text in lines)


def read(text: str) -> tuple[Schedule | None, str | None]:
    """The hours written in ``text`` and None, or None and what is wrong (the line named,
    in the reader's language). An empty text is Perpres 21/2023's hours."""
    if len(text) > MAX_TEXT:
        return None, gettext("Jam kerja paling banyak %(max)s karakter.",
                             max=format_decimal(MAX_TEXT))
    days: dict[int, tuple[tuple[time, time], ...]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        found = _LINE.fullmatch(line)
        named = _days(found.group("days")) if found else None
        if named == []:
            return None, gettext(
                "Baris %(number)d: rentang hari %(days)s terbalik; tulis dari hari pertama ke "
                "hari terakhir dalam satu minggu (Senin … Minggu), mis. Senin–Jumat.",
                number=number, days=found.group("days").strip())
        if named is None:
            return None, gettext(
                "Baris %(number)d: awali dengan hari atau rentang hari (Senin … Minggu, mis. "
                "Senin–Kamis), lalu jamnya, mis. 07.30–12.00, 13.00–16.00.", number=number)
        intervals = _intervals(found.group("hours"))
        if isinstance(intervals, str):
            return None, gettext("Baris %(number)d: %(problem)s", number=number,
                                 problem=intervals)
        twice = [DAYS[day] for day in named if day in days]
        if twice:
            return None, gettext("Baris %(number)d: %(days)s sudah ditulis di baris lain.",
                                 number=number, days=", ".join(twice))
        days.update(dict.fromkeys(named, intervals))
    if not days:
        return PERPRES_21_2023, None
    return Schedule(days), None


def _days(text: str) -> list[int] | None:
    """The weekdays a line's ``Senin`` or ``Senin–Kamis`` names; empty for a range that
    runs backwards (``Jumat–Senin``); None for words that are no days."""
    first, _, last = re.sub(rf"\s*[{_DASHES}]\s*", "-", text.strip()).lower().partition("-")
    if first not in _DAY_NUMBER or (last and last not in _DAY_NUMBER):
        return None
    start, end = _DAY_NUMBER[first], _DAY_NUMBER[last or first]
    return list(range(start, end + 1))


def _intervals(text: str) -> tuple[tuple[time, time], ...] | str:
    """A line's working intervals, or what is wrong with them (in words)."""
    parts = text.split(",")
    if len(parts) > MAX_INTERVALS:
        return gettext("paling banyak %(max)d rentang jam sehari.", max=MAX_INTERVALS)
    intervals: list[tuple[time, time]] = []
    for part in parts:
        if not part.strip():
            return gettext("ada rentang jam yang kosong (koma berlebih?); tulis mis. "
                           "07.30–12.00, 13.00–16.00.")
        found = _INTERVAL.fullmatch(part)
        if found is None:
            return gettext('"%(part)s" bukan rentang jam; tulis mis. 07.30–12.00.',
                           part=part.strip()[:30])
        hour, minute, end_hour, end_minute = map(int, found.groups())
        try:
            start, end = time(hour, minute), time(end_hour, end_minute)
        except ValueError:
            return gettext('"%(part)s": jam 00.00–23.59.', part=part.strip()[:30])
        if start >= end or (intervals and start < intervals[-1][1]):
            return gettext("rentang jam harus berurutan dari pagi ke sore, tiap rentang "
                           "berakhir sesudah mulainya dan tidak bertumpang tindih.")
        if intervals and start == intervals[-1][1]:  # no break between them: one range
            intervals[-1] = (intervals[-1][0], end)
        else:
            intervals.append((start, end))
    return tuple(intervals)
