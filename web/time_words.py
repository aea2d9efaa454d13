"""Time in the words people read it (issue 15): a deadline calendar-first ("besok 07.40",
"Sen 7 Des 10.00"), the time left or late second, in office time ("sisa 10 menit kerja")
or, for a round-the-clock step, on the wall clock ("terlambat 1 jam 5 menit"); a
completed step frozen at its completion ("selesai 5 menit kerja sebelum batas"); long
spans in working days ("terlambat 7 hari kerja 3 jam").

Template filters (``register``): ``batas`` (the deadline on the calendar), ``sisa_waktu``
(left or late, now), ``tenggat`` (both), ``hasil_waktu`` (a completed step, frozen),
``waktu_langkah`` (a ``HumanTask``, whichever applies), ``sepanjang_waktu`` (whether a
``HumanTask`` counts wall-clock time), ``menit_kerja`` (a count of office minutes), ``angka`` and ``ukuran`` (numbers and file sizes in the user's locale).
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from flask import Flask
from flask_babel import format_decimal, get_locale, lazy_pgettext

from engine.process.levels import step_clock
from engine.time.duration import InvalidDuration, office_parts, parse_duration
from engine.time.spans import working_days
from web.extensions import clock
from web.filters import MONTHS, office_calendar, office_timeline, zone_label
from web.i18n import per_language
from web.i18n import plural_text as ngettext  # the catalogue once per request, under
from web.i18n import text as gettext  # gettext's names: ``make messages`` finds the texts

WEEKDAYS = (lazy_pgettext("weekday", "Sen"), lazy_pgettext("weekday", "Sel"),
            lazy_pgettext("weekday", "Rab"), lazy_pgettext("weekday", "Kam"),
            lazy_pgettext("weekday", "Jum"), lazy_pgettext("weekday", "Sab"),
            lazy_pgettext("weekday", "Min"))


def clock_time(local: datetime) -> str:
    """A clock time as the user's language writes it: ``07.40`` in Indonesian (PUEBI),
    ``07:40`` in English."""
    return f"{local.hour:02d}{_calendar_words().separator}{local.minute:02d}"


def deadline_text(due: datetime | None) -> str:
    """The deadline as a calendar reads: ``hari ini 15.00 WIB``, ``besok 07.40 WIB``,
    ``kemarin 16.00 WIB``, ``Sen 7 Des 10.00 WIB`` (with the year when it is not this year),
    in the office's time zone, named as every time on the pages is; ``tanpa batas waktu``
    for None."""
    if due is None:
        return gettext("tanpa batas waktu")
    words = _calendar_words()
    local, today = due.astimezone(words.zone), clock().now().astimezone(words.zone).date()
    hour = f"{clock_time(local)} {words.zone_label}"
    offset = (local.date() - today).days
    if offset == 0:
        return gettext("hari ini %(time)s", time=hour)
    if offset == 1:
        return gettext("besok %(time)s", time=hour)
    if offset == -1:
        return gettext("kemarin %(time)s", time=hour)
    year = f" {local.year}" if local.year != today.year else ""
    return gettext("%(weekday)s %(day)d %(month)s%(year)s %(time)s",
                   weekday=words.weekdays[local.weekday()], day=local.day,
                   month=words.months[local.month - 1], year=year, time=hour)


class _CalendarWords(NamedTuple):
    zone: ZoneInfo
    zone_label: str
    separator: str
    weekdays: list[str]
    months: list[str]


def _calendar_words() -> _CalendarWords:
    """What a deadline's words need, once per request and language (the inbox asks per
    row): the office's zone, the clock's separator and the day and month names."""
    return per_language("alur_calendar_words", lambda: _CalendarWords(
        ZoneInfo(office_calendar().timezone),
        zone_label(),
        ":" if get_locale().language == "en" else ".",
        [str(day) for day in WEEKDAYS], [str(month) for month in MONTHS]))


def time_left(due: datetime | None, round_the_clock: bool = False) -> str:
    """Left or late now: ``sisa 2 jam kerja``, ``terlambat 7 hari kerja 4 jam``; on the
    wall clock for a round-the-clock step (``terlambat 1 jam 5 menit``)."""
    if due is None:
        return gettext("tanpa batas waktu")
    now = clock().now()
    if round_the_clock:
        span = span_text(min(now, due), max(now, due), round_the_clock=True)
        minutes = int(abs(now - due) // timedelta(minutes=1))
    else:
        minutes = abs(office_timeline().minutes_until(due))
        span = office_span(minutes)
    if due < now:
        if minutes == 0 and now - due < timedelta(minutes=1):
            return gettext("terlambat, batasnya baru lewat")
        if minutes == 0:  # passed after hours: all night it has not "just" passed
            return gettext("terlambat kurang dari 1 menit kerja")
        return gettext("terlambat %(duration)s", duration=span)
    if minutes == 0:  # seconds left (counted down in whole minutes): not "sisa 0 menit"
        return gettext("sisa kurang dari 1 menit") if round_the_clock \
            else gettext("sisa kurang dari 1 menit kerja")
    return gettext("sisa %(duration)s", duration=span)


def due_text(due: datetime | None, round_the_clock: bool = False) -> str:
    """Calendar first, time left second: ``besok 07.40 · sisa 10 menit kerja``."""
    if due is None:
        return gettext("tanpa batas waktu")
    return f"{deadline_text(due)} · {time_left(due, round_the_clock)}"


def finished_text(completed_at: datetime, due: datetime | None,
                  round_the_clock: bool = False) -> str:
    """A completed step, frozen at its completion: ``selesai 5 menit kerja sebelum
    batas``, ``selesai, terlambat 1 jam kerja``, ``selesai tepat waktu``, ``selesai``
    (no deadline)."""
    if due is None:
        return gettext("selesai")
    span = span_text(min(completed_at, due), max(completed_at, due), round_the_clock)
    if completed_at > due:
        if span.startswith("0 "):  # late by seconds, or after hours: no whole minute
            return gettext("selesai, terlambat kurang dari 1 menit") if round_the_clock \
                else gettext("selesai, terlambat kurang dari 1 menit kerja")
        return gettext("selesai, terlambat %(duration)s", duration=span)
    if span.startswith("0 "):
        return gettext("selesai tepat waktu")
    return gettext("selesai %(duration)s sebelum batas", duration=span)


def task_time(task: Any) -> str:
    """Whichever applies to a ``HumanTask``: frozen when completed, else calendar-first
    with the time left (wall clock for a round-the-clock step)."""
    _, round_the_clock = step_clock(task)
    if task.completed_at is not None:
        return finished_text(task.completed_at, task.due_at, round_the_clock)
    return due_text(task.due_at, round_the_clock)


def step_standard(task: Any) -> str:
    """The Waktu a ``HumanTask`` was given: the SOP's text as the SOP document writes it
    ("10 menit", "Relatif", or "—"), unless its case gave it another (a conditional timer:
    a kritis ticket's 1 hour round the clock), then that one in words of the user's
    language (Alur worked it out: it is no SOP text kept as written)."""
    entry = task.instance.definition.catalog["tasks"].get(task.bpmn_id, {})
    if task.duration is not None and (task.duration, task.round_the_clock) != (
            entry.get("duration"), bool(entry.get("round_the_clock"))):
        try:
            return standard_text(task.duration, task.round_the_clock)
        except InvalidDuration:  # counted when it was set; kept as written
            return task.duration
    return entry.get("waktu") or "—"


def counts_wall_clock(task: Any) -> bool:
    """Whether a ``HumanTask``'s Waktu runs on the wall clock (``step_clock``)."""
    return step_clock(task)[1]


def span_text(start: datetime, end: datetime, round_the_clock: bool = False,
              paused: Sequence[tuple[datetime, datetime]] = ()) -> str:
    """The time from ``start`` to ``end`` (aware, ``start`` first): in office time with
    whole working days (``7 hari kerja 4 jam``, ``2 jam 5 menit kerja``), or on the wall
    clock (``2 hari 3 jam``, ``45 menit``); without the part of each ``paused`` span (a
    ticket's wait for its requester, ``engine.desk.sla.paused_spans``) inside it, which its
    deadline was moved by."""
    inside = [(max(start, a), min(end, b)) for a, b in paused if min(end, b) > max(start, a)]
    if round_the_clock:
        minutes = int((end - start - sum((b - a for a, b in inside), timedelta()))
                      // timedelta(minutes=1))
        days, minutes = divmod(minutes, 24 * 60)
        return _units(days, minutes, working=False)
    between = office_calendar().working_minutes_between
    return office_span(between(start, end) - sum(between(a, b) for a, b in inside))


def clock_minutes_text(minutes: float) -> str:
    """Wall-clock minutes in words: ``45 menit``, ``2 jam 5 menit``, ``1 hari 6 jam`` (a
    fraction rounded)."""
    days, rest = divmod(max(round(minutes), 0), 24 * 60)
    return _units(days, rest, working=False)


def office_span(minutes: int) -> str:
    """Office minutes in words: ``2 jam 5 menit kerja``, or from a working day on
    ``7 hari kerja 3 jam`` (days of the office's usual length, ``engine.time.spans``)."""
    days, rest = working_days(office_calendar(), minutes)
    if days:
        return _units(days, rest, working=True)
    return working_text(rest)


def _units(days: int, minutes: int, *, working: bool) -> str:
    hours, minutes = divmod(minutes, 60)
    parts = []
    if days:
        parts.append(ngettext("%(num)d hari kerja", "%(num)d hari kerja", days) if working
                     else ngettext("%(num)d hari", "%(num)d hari", days))
    parts += [gettext("%(hours)d jam", hours=hours)] if hours else []
    if minutes and not days or not parts:
        parts.append(gettext("%(minutes)d menit", minutes=minutes))
    return " ".join(parts)


def standard_text(duration: str, round_the_clock: bool = False) -> str:
    """A time standard (ISO 8601 duration) in words in the user's language: on the wall
    clock ``1 jam``, ``2 hari 3 jam``; in office time ``4 jam kerja``, ``1 hari kerja``,
    ``1 bulan`` (units as ``engine.time.duration.office_parts`` counts them: a week is 5
    working days, hours never carry into days).

    Raises:
        InvalidDuration: a duration Alur cannot count.
    """
    if round_the_clock:
        parts = parse_duration(duration)
        months = 12 * parts.get("years", 0) + parts.get("months", 0)
        days = 7 * parts.get("weeks", 0) + parts.get("days", 0)
        minutes = (60 * parts.get("hours", 0) + parts.get("minutes", 0)
                   + parts.get("seconds", 0) / 60)
    else:
        months, days, minutes = office_parts(duration)
    words = [ngettext("%(n)s bulan", "%(n)s bulan", int(months), n=int(months))] if months \
        else []
    if round_the_clock:
        if days or minutes or not words:
            words.append(_units(int(days), round(minutes), working=False))
    elif days:
        words.append(_units(int(days), round(minutes), working=True))
    elif minutes or not words:
        words.append(working_text(minutes))
    return " ".join(words)


def working_text(minutes: float) -> str:
    """``2 jam 5 menit kerja`` for a count of office minutes (hours, never days: a day's
    length depends on which day it is; ``1.463 jam kerja``, grouped in the user's locale);
    a fraction is rounded (721,8 → 12 jam 2 menit)."""
    hours, minutes = divmod(max(round(minutes), 0), 60)
    if hours and minutes:
        return gettext("%(hours)s jam %(minutes)d menit kerja", hours=number(hours, 0),
                       minutes=minutes)
    if hours:
        return gettext("%(hours)s jam kerja", hours=number(hours, 0))
    return gettext("%(minutes)d menit kerja", minutes=minutes)


def number(value: float | None, digits: int = 1) -> str:
    """A number in the user's locale: ``19,2`` in Indonesian, ``19.2`` in English."""
    if value is None:
        return "—"
    return format_decimal(value, format="#,##0." + "#" * digits if digits else "#,##0")


def file_size(size: int | None) -> str:
    """Bytes as ``19,2 KB`` / ``1,5 MB`` in the user's locale."""
    if size is None:
        return "—"
    if size < 1024:
        return gettext("%(n)s B", n=number(size, 0))
    if size < 1024 * 1024:
        return gettext("%(n)s KB", n=number(size / 1024))
    return gettext("%(n)s MB", n=number(size / 1024 / 1024))


def register(app: Flask) -> None:
    """Install the time and number filters on ``app``."""
    for name, function in (("batas", deadline_text), ("sisa_waktu", time_left),
                           ("tenggat", due_text), ("hasil_waktu", finished_text),
                           ("waktu_langkah", task_time), ("menit_kerja", working_text),
                           ("sepanjang_waktu", counts_wall_clock),
                           ("waktu_standar", step_standard),
                           ("angka", number), ("ukuran", file_size)):
        app.add_template_filter(function, name)
