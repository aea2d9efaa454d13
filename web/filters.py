"""Template filters: times in the office's zone and time left, in Bahasa Indonesia."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, g

from engine import settings
from engine.calendar import WorkCalendar

from .extensions import clock, db

MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA",
              "Asia/Jayapura": "WIT"}


def local_time(value: datetime | None) -> str:
    """``21 Nov 2026 14.30 WIB`` in the office's time zone (``ALUR_TIMEZONE``)."""
    if value is None:
        return "—"
    zone_name = current_app.config["ALUR_TIMEZONE"]
    local = value.astimezone(ZoneInfo(zone_name))
    suffix = ZONE_NAMES.get(zone_name, zone_name)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year} {local:%H.%M} {suffix}"


def office_calendar() -> WorkCalendar:
    """The office's business calendar, read once per request."""
    if "alur_calendar" not in g:
        g.alur_calendar = settings.work_calendar(db.session)
    return g.alur_calendar


def time_left(due: datetime | None) -> str:
    """Time to the deadline in the office's working time: ``sisa 2 jam kerja``,
    ``terlambat 1 jam 30 menit kerja``, or ``tanpa batas waktu``."""
    if due is None:
        return "tanpa batas waktu"
    minutes = office_calendar().working_minutes_between(clock().now(), due)
    if due < clock().now():
        return "terlambat " + working_text(-minutes)
    return "sisa " + working_text(minutes)


def working_text(minutes: int) -> str:
    """``2 jam 5 menit kerja`` for a count of office minutes."""
    hours, minutes = divmod(max(minutes, 0), 60)
    parts = [f"{n} {unit}" for n, unit in ((hours, "jam"), (minutes, "menit")) if n]
    return (" ".join(parts) or "0 menit") + " kerja"


def is_late(due: datetime | None) -> bool:
    """True when ``due`` has passed on the app's clock."""
    return due is not None and due < clock().now()


HISTORY_TEXT = {
    "instance.started": "Proses dimulai",
    "instance.completed": "Proses selesai",
    "task.claimed": "Tugas diambil",
    "task.released": "Tugas dilepaskan",
    "task.assigned": "Tugas dialihkan",
    "instance.migrated": "Dipindahkan ke versi baru SOP",
    "task.completed": "Langkah diselesaikan",
    "task.escalated": "Eskalasi: langkah melewati batas waktu",
    "attachment.added": "Lampiran ditambahkan",
    "comment.added": "Komentar ditambahkan",
}


def history_text(action: str) -> str:
    """An audit action in words (``task.completed`` -> ``Langkah diselesaikan``)."""
    return HISTORY_TEXT.get(action, action)


def register(app: Flask) -> None:
    """Install the filters and globals on ``app``."""
    app.add_template_filter(local_time, "waktu")
    app.add_template_filter(time_left, "sisa_waktu")
    app.add_template_filter(is_late, "terlambat")
    app.add_template_filter(history_text, "riwayat")
    app.add_template_filter(working_text, "menit_kerja")
