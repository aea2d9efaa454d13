"""Template filters: times in the office's zone and audit actions in words, in the user's
language; the wording of deadlines and spans is ``web.time_words``."""

from collections.abc import Iterable
from datetime import datetime, time
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, g, request, url_for
from flask_babel import gettext, lazy_gettext, lazy_pgettext, ngettext

from engine import settings
from engine.people.access import requester_only
from engine.process.attachments import ALLOWED
from engine.process.other_lane import MOVED_REASON
from engine.search_text import searches_nothing
from engine.time.calendar import Timeline, WorkCalendar
from engine.time.wall_clock import ZONE_NAMES
from web.extensions import clock, db
from web.failure_words import failure_in_reader_language
from web.i18n import per_language

MONTHS = (lazy_pgettext("month", "Jan"), lazy_pgettext("month", "Feb"),
          lazy_pgettext("month", "Mar"), lazy_pgettext("month", "Apr"),
          lazy_pgettext("month", "Mei"), lazy_pgettext("month", "Jun"),
          lazy_pgettext("month", "Jul"), lazy_pgettext("month", "Agu"),
          lazy_pgettext("month", "Sep"), lazy_pgettext("month", "Okt"),
          lazy_pgettext("month", "Nov"), lazy_pgettext("month", "Des"))


def local_time(value: datetime | None, *, seconds: bool = False) -> str:
    """``21 Nov 2026 14.30 WIB`` in the office's time zone (its calendar setting); with
    ``seconds`` (the filter ``waktu_detik``) ``21 Nov 2026 14.30.05 WIB``: Jejak audit, where
    a minute holds many records, told apart and matched with its download's ISO times."""
    if value is None:
        return "—"
    zone, pattern, months, zone_label, to_the_second = _time_format()
    try:
        local = value.astimezone(zone)
    except OverflowError:  # at the calendar's edge (year 1, 9999): shown as written
        return value.isoformat()
    return (to_the_second if seconds else pattern) % {
        "day": local.day, "month": months[local.month - 1], "year": local.year,
        "hour": local.hour, "minute": local.minute, "second": local.second, "zone": zone_label}


def zone_label() -> str:
    """The office time zone as every time on the pages names it: ``WIB``, ``WITA``, ``WIT``
    (the zone's own name for another), once per request and language."""
    return _time_format()[3]


def _time_format() -> tuple[ZoneInfo, str, list[str], str, str]:
    """What ``local_time`` needs, once per request and language (a list page asks per
    row): the zone, the pattern to the minute, the months, the zone's label, the pattern
    to the second."""
    def build() -> tuple[ZoneInfo, str, list[str], str, str]:
        zone_name = office_calendar().timezone
        return (ZoneInfo(zone_name),
                gettext("%(day)d %(month)s %(year)d %(hour)02d.%(minute)02d %(zone)s"),
                [str(month) for month in MONTHS], ZONE_NAMES.get(zone_name, zone_name),
                gettext("%(day)d %(month)s %(year)d %(hour)02d.%(minute)02d.%(second)02d "
                        "%(zone)s"))

    return per_language("alur_time_format", build)


def office_calendar() -> WorkCalendar:
    """The office's business calendar, read once per request (the inbox asks per row)."""
    if "alur_calendar" not in g:
        g.alur_calendar = settings.work_calendar(db.session)
    return g.alur_calendar


def office_timeline() -> Timeline:
    """Office time from now, kept for the request: the inbox asks once per row, and each
    row then costs at most a week of days (``engine.time.calendar.Timeline``)."""
    if "alur_timeline" not in g:
        g.alur_timeline = office_calendar().timeline(clock().now())
    return g.alur_timeline


def end_of_office_day() -> datetime:
    """23.59.59 of today in the office's time zone (aware): "jatuh tempo hari ini" ends here."""
    zone = ZoneInfo(office_calendar().timezone)
    today = clock().now().astimezone(zone).date()
    return datetime.combine(today, time(23, 59, 59), zone)


def is_late(due: datetime | None) -> bool:
    """True when ``due`` has passed on the app's clock."""
    return due is not None and due < clock().now()


HISTORY_TEXT = {
    "instance.started": lazy_gettext("Proses dimulai"),
    "instance.completed": lazy_gettext("Proses selesai"),
    "task.claimed": lazy_gettext("Tugas diambil"),
    "task.released": lazy_gettext("Tugas dilepaskan"),
    "task.assigned": lazy_gettext("Tugas dialihkan"),
    "instance.migrated": lazy_gettext("Dipindahkan ke versi baru SOP"),
    "instance.deadlines_recounted": lazy_gettext(
        "Batas waktu langkah dihitung ulang: kalender kantor berubah"),
    "instance.failed": lazy_gettext("Proses berhenti karena galat"),
    "instance.retried": lazy_gettext("Proses dijalankan ulang"),
    "instance.cancelled": lazy_gettext("Proses dibatalkan"),
    "task.completed": lazy_gettext("Langkah diselesaikan"),
    "task.cancelled": lazy_gettext("Langkah ditutup mesin proses (tanpa dikerjakan)"),
    "task.escalated": lazy_gettext("Eskalasi: langkah melewati batas waktu"),
    "attachment.added": lazy_gettext("Lampiran ditambahkan"),
    "comment.added": lazy_gettext("Komentar ditambahkan"),
    "ticket.message": lazy_gettext("Pesan tiket (pemohon dan petugas)"),
    "ticket.rated": lazy_gettext("Tiket dinilai pemohon"),
    "ticket.closed_unrated": lazy_gettext("Tiket ditutup tanpa penilaian"),
    "sla.paused": lazy_gettext("Jam SLA berhenti: menunggu pemohon"),
    "sla.resumed": lazy_gettext("Jam SLA berjalan lagi"),
}


# A human task's state in words, keyed as ``engine.process.task_states.TASK_STATE_WORDS``.
TASK_STATE_TEXT = {"open": lazy_gettext("Menunggu"), "completed": lazy_gettext("Selesai"),
                   "cancelled": lazy_gettext("Dibatalkan")}


def task_state_text(state: str, claimed: bool = False) -> str:
    """A human task's state in the user's language (``completed`` -> ``Selesai``); an open
    task someone has taken (``claimed``) is "Dalam proses", no longer "Menunggu"."""
    if state == "open" and claimed:
        return str(lazy_gettext("Dalam proses"))
    return str(TASK_STATE_TEXT.get(state, state))


# A ticket's status and priority as the requester reads them (``engine.desk.tickets``
# gives the Indonesian words): in the user's language.
TICKET_WORDS = {"diterima": lazy_gettext("diterima"), "dikerjakan": lazy_gettext("dikerjakan"),
                "menunggu Anda": lazy_gettext("menunggu Anda"),
                "menunggu pemohon": lazy_gettext("menunggu pemohon"),
                "selesai": lazy_gettext("selesai"), "dibatalkan": lazy_gettext("dibatalkan"),
                "kritis": lazy_gettext("kritis"), "mayor": lazy_gettext("mayor"),
                "minor": lazy_gettext("minor")}


def ticket_word(word: str | None) -> str:
    """A ticket's status or priority word in the user's language (``diterima`` ->
    ``received``); another word as it is."""
    return str(TICKET_WORDS.get(word or "", word or ""))


# An escalation's recipients the history names one by one; the rest are counted.
SHOWN_RECIPIENTS = 5


def history_text(action: str) -> str:
    """An audit action in words (``task.completed`` -> ``Langkah diselesaikan``)."""
    return str(HISTORY_TEXT.get(action, action))


def released_text(detail: dict[str, Any], holder: str) -> str:
    """Why a step went back to its unit (``task.released`` not by its holder), naming the
    former ``holder`` (full name) and the cause the record keeps (records older than causes:
    only that he may no longer act); a release with a ``reason`` but no cause (a move to a
    version whose step has another lane) says the reason."""
    cause = detail.get("cause")
    # A version move put the step in another lane (its version in ``moved``, or only in the
    # reason of a record kept before ``moved`` was).
    said = MOVED_REASON.fullmatch(str(detail.get("reason") or ""))
    moved = detail.get("moved") or (said[1] if said else None)
    if cause is None and moved:
        return gettext("%(holder)s tidak lagi memegangnya: dipindahkan ke versi %(version)s, "
                       "Pelaksana langkahnya berubah", holder=holder, version=moved)
    if cause is None and detail.get("reason"):
        return gettext("%(holder)s tidak lagi memegangnya: %(reason)s", holder=holder,
                       reason=detail["reason"])
    if cause == "disabled":
        return gettext("akun %(holder)s dinonaktifkan", holder=holder)
    if cause == "roles":
        return gettext("peran %(holder)s diubah; ia tidak lagi dapat bertindak dalam peran ini",
                       holder=holder)
    if cause == "ended":
        return gettext("Plh/Plt %(holder)s diakhiri lebih awal", holder=holder)
    if cause == "lapsed":
        return gettext("%(holder)s tidak lagi dapat bertindak dalam peran ini (masa Plh/Plt-nya "
                       "berakhir, atau pejabatnya tidak lagi memegang peran itu)", holder=holder)
    return gettext("%(holder)s tidak lagi dapat bertindak dalam peran ini", holder=holder)


def record_text(record: Any) -> str:
    """An audit record's action in words; an escalation by its level as the notification
    centre names it: ``Pengingat: langkah melewati batas waktu``, ``Eskalasi ke atasan
    (tingkat 2, Kasubbag): langkah melewati batas waktu`` (a record without a level: the
    action's words)."""
    # Here, not at the top: web.notification_words imports web.time_words, which imports
    # this module.
    from web.notification_words import LABELS

    level = record.detail.get("level") if record.action == "task.escalated" else None
    if level is None:
        return history_text(record.action)
    if level == 1:
        return gettext("%(label)s: langkah melewati batas waktu", label=str(LABELS["pengingat"]))
    return gettext("%(label)s (tingkat %(level)s, %(role)s): langkah melewati batas waktu",
                   label=str(LABELS["eskalasi"]), level=level,
                   role=record.detail.get("role", "?"))


def recipients_text(usernames: list[str], people: dict[str, str],
                    told_before: list[str] | None = None,
                    acting: dict[str, str] | None = None) -> str:
    """Who an escalation notified, by full name (``people``: {username: full name}; a
    username no account has any longer as it is), one who got it as Plh/Plt with that
    capacity (``acting``: {username: "Plh. Kasubbag"}): ``diberitahukan kepada Demo Prakom,
    Budi Santoso (Plh. Kasubbag)``, the first ``SHOWN_RECIPIENTS`` then "dan N lainnya";
    none: "tidak ada yang dapat diberi tahu", or, when those it would reach were told at a
    lower level (``told_before``: a Sekretaris who is also Plh. Ketua), that they were."""
    if not usernames and told_before:
        return gettext("sudah diberitahukan pada tingkat sebelumnya kepada %(names)s",
                       names=", ".join(people.get(name, name)
                                       for name in told_before[:SHOWN_RECIPIENTS]))
    if not usernames:
        return gettext("tidak ada yang dapat diberi tahu")
    acting = acting or {}
    names = ", ".join(people.get(name, name) + (f" ({acting[name]})" if name in acting else "")
                      for name in usernames[:SHOWN_RECIPIENTS])
    if len(usernames) > SHOWN_RECIPIENTS:
        return ngettext("diberitahukan kepada %(names)s dan %(num)d lainnya",
                        "diberitahukan kepada %(names)s dan %(num)d lainnya",
                        len(usernames) - SHOWN_RECIPIENTS, names=names)
    return gettext("diberitahukan kepada %(names)s", names=names)


def recounted_text(steps: dict[str, dict[str, str]]) -> str:
    """Where a calendar change moved each open step's deadline (``instance.deadlines_recounted``
    keeps ``{step name: {"old": ISO time, "new": ISO time}}``): ``“Memeriksa konsep” Jum 8
    Jan 2027 07.30 WIB → Sen 11 Jan 2027 07.30 WIB``, the first ``SHOWN_RECIPIENTS`` steps
    then "dan N langkah lainnya"."""
    moved = [gettext("“%(step)s” %(old)s → %(new)s", step=name,
                     old=local_time(datetime.fromisoformat(times["old"])),
                     new=local_time(datetime.fromisoformat(times["new"])))
             for name, times in list(steps.items())[:SHOWN_RECIPIENTS]]
    text = "; ".join(moved)
    if len(steps) > SHOWN_RECIPIENTS:
        text += " " + ngettext("dan %(num)d langkah lainnya", "dan %(num)d langkah lainnya",
                               len(steps) - SHOWN_RECIPIENTS)
    return text


# The main menu's links (templates/base.html), by endpoint.
MENU = ("desk.mine", "desk.submit", "inbox.index", "instances.index", "instances.new",
        "notifications.index", "admin.processes", "admin.incidents_list", "admin.users",
        "admin.office_settings", "admin.alert_sources", "reports.index",
        "substitutions.index", "account.profile")


def menu_current(endpoint: str) -> str | None:
    """The ``aria-current`` of the main menu's link to ``endpoint`` (one of ``MENU``):
    ``"page"`` on its own page, ``"true"`` on a page of its section (a path under it, the
    longest such link winning: Mulai Proses ``/proses/baru`` over Daftar Proses
    ``/proses/``), else None (also on a page not found). Kotak Masuk (``/``) is its own
    page only. Worked out once per request."""
    if request.endpoint is None:  # a page not found belongs to no section
        return None
    if "menu_here" not in g:
        paths = {name: url_for(name) for name in MENU}
        under = [name for name, path in paths.items() if request.path == path or (
            path != "/" and request.path.startswith(path.rstrip("/") + "/"))]
        g.menu_here = max(under, key=lambda name: len(paths[name]), default=None)
    if g.menu_here != endpoint:
        return None
    return "page" if request.path == url_for(endpoint) else "true"


def outside_menu() -> None:
    """Mark the page being shown as of no menu section, whatever its path: a ticket the desk
    reads lies under Tiket Saya (``/tiket/``) but is not the reader's own."""
    g.menu_here = None


def shared_names(people: Iterable[Any]) -> set[str]:
    """The full names (of ``people``: users or ``holders.Holder``, each with ``id`` and
    ``full_name``) that two or more different accounts carry, compared without case or
    extra spaces: a chooser adds the user name to those, so that a Kasubbag with two
    "Muhammad Rizki, S.Kom." assigns the step to the right one."""
    people = list(people)
    seen: dict[str, set[int]] = {}
    for person in people:
        seen.setdefault(_name_key(person.full_name), set()).add(person.id)
    return {person.full_name for person in people
            if len(seen[_name_key(person.full_name)]) > 1}


def _name_key(name: str) -> str:
    return " ".join(name.casefold().split())


def register(app: Flask) -> None:
    """Install the filters and globals on ``app``."""
    app.add_template_filter(local_time, "waktu")
    app.add_template_filter(partial(local_time, seconds=True), "waktu_detik")
    app.add_template_filter(is_late, "terlambat")
    app.add_template_filter(record_text, "riwayat")
    app.add_template_global(released_text, "dilepas")
    app.add_template_filter(recipients_text, "penerima")
    app.add_template_filter(recounted_text, "dihitung_ulang")
    app.add_template_filter(ticket_word, "kata_tiket")
    app.add_template_filter(task_state_text, "status_langkah")
    app.add_template_filter(shared_names, "nama_kembar")
    app.add_template_global(requester_only)
    app.add_template_global(searches_nothing)
    app.add_template_filter(failure_in_reader_language, "gagal_kirim")
    app.add_template_global(menu_current)
    app.add_template_global(zone_label, "zona_kantor")
    # What a file field's picker offers: the attachment kinds Alur takes (README, "Batas").
    app.add_template_global(",".join(f".{kind}" for kind in ALLOWED), "attachment_accept")
    app.add_template_global(", ".join(dict.fromkeys(
        kind.upper().replace("JPEG", "JPG") for kind in ALLOWED)), "attachment_kinds")
