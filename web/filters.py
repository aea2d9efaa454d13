"""Template filters: times in the office's zone and time left, in Bahasa Indonesia."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask, current_app

from .extensions import clock

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


def duration_text(delta: timedelta) -> str:
    """``2 hari 3 jam``, ``45 menit``: the two largest units of a positive duration."""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{n} {unit}" for n, unit in ((days, "hari"), (hours, "jam"), (minutes, "menit")) if n]
    return " ".join(parts[:2]) or "kurang dari 1 menit"


def time_left(due: datetime | None) -> str:
    """``sisa 2 jam``, ``terlambat 1 hari 3 jam``, or ``tanpa batas waktu``."""
    if due is None:
        return "tanpa batas waktu"
    delta = due - clock().now()
    if delta.total_seconds() < 0:
        return "terlambat " + duration_text(-delta)
    return "sisa " + duration_text(delta)


def is_late(due: datetime | None) -> bool:
    """True when ``due`` has passed on the app's clock."""
    return due is not None and due < clock().now()


HISTORY_TEXT = {
    "instance.started": "Proses dimulai",
    "instance.completed": "Proses selesai",
    "task.claimed": "Tugas diambil",
    "task.completed": "Langkah diselesaikan",
    "task.escalated": "Eskalasi: langkah melewati batas waktu",
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
