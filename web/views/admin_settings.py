"""Administration: office settings — SMTP, webhook, escalation chain, business calendar."""

import json
import re
from datetime import date
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from engine import settings
from engine.errors import Conflict
from engine.escalation import outbox_status
from engine.settings import MAX_ESCALATION_LEVELS
from engine.settings_history import settings_history
from engine.time.calendar import national_holidays
from engine.time.duration import MAX_ESCALATION_MULTIPLE, InvalidDuration, office_parts
from web import addresses, office_hours
from web.calendar_lines import dated_lines, periods
from web.extensions import clock, db
from web.paging import page_request
from web.views.admin import admin_required, bp
from web.views.admin_secrets import resealed, unreadable_secrets, webhook_setting
from web.views.settings_history import change_lines, unsaved_lines, without_secrets

# The office logo printed in the SOP document's kop (``web.views.admin_identity``).
MAX_LOGO_BYTES = 200 * 1024
# What a monitoring alert's severity may become (README, "Layanan TI").
PRIORITIES = ("kritis", "mayor", "minor")
# One address, as an SMTP server takes it in MAIL FROM.
EMAIL = re.compile(r"[^@\s<>\"(),;:]+@[^@\s<>\"(),;:]+")
WHOLE = re.compile(r"[0-9]{1,9}")
HISTORY_PER_PAGE = 10  # settings changes a page of the history shows
# Characters each text field of the form takes (its maxlength on the page; a longer value
# sent all the same is refused beside the field).
FIELD_LIMITS = {"smtp_host": 253, "smtp_username": 200, "smtp_password": 500,
                "smtp_sender": 254, "smtp_base_url": 200, "webhook_url": 2000,
                "webhook_secret": 500}
# Each secret setting's inputs: its box, never filled back, and its "Hapus" checkbox.
SECRET_INPUTS = {"smtp.password": ("smtp_password", "smtp_password_clear"),
                 "webhook.secret": ("webhook_secret", "webhook_secret_clear")}
# The settings the form edits (``parse_form``'s): the page's ``versi`` is their stamp.
PAGE_KEYS = ("smtp", "webhook", "escalation", "calendar", "substitution", "accounts", "sla_minor",
             "alert_priorities")
TIMEZONES = {"Asia/Jakarta": "WIB (Asia/Jakarta)", "Asia/Makassar": "WITA (Asia/Makassar)",
             "Asia/Jayapura": "WIT (Asia/Jayapura)"}


@bp.route("/pengaturan", methods=["GET", "POST"])
@admin_required
def office_settings() -> Any:
    current = stored_settings()
    errors: dict[str, str] = {}
    form = request.form
    status = 200
    unsaved: list[str] = []
    if request.method == "POST":
        new, errors = parse_form(request.form, current)
        status = 422 if errors else status
        for secret, _ in SECRET_INPUTS.values() if errors else ():
            # Never sent back into the page: a refusal would drop it unseen (English admin
            # probe), and the next save keep the old one.
            if request.form.get(secret) and secret not in errors:
                errors[secret] = gettext("Isian rahasia ini tidak dikembalikan ke halaman "
                                         "(demi keamanan) dan belum disimpan: ketik lagi "
                                         "sebelum menyimpan.")
        if not errors:
            try:
                changed = settings.save(db.session, clock(), current_user, new,
                                        seen=request.form.get("versi"))
            except Conflict:  # the page's values are no longer the stored ones
                db.session.rollback()
                flash(gettext("Pengaturan sudah diubah (oleh administrator lain, atau di tab "
                              "lain) sejak halaman ini dibuka; tidak ada yang disimpan. "
                              "Halaman ini kini menampilkan nilai terbaru: ulangi perubahan "
                              "Anda."), "error")
                current = stored_settings()
                unsaved = unsaved_lines(_page_showed() or without_secrets(current), new, {
                    field for field, (sent, cleared) in SECRET_INPUTS.items()
                    if request.form.get(sent) or request.form.get(cleared) == "on"})
                form, status = MultiDict(), 409
            else:
                db.session.commit()
                if changed:
                    flash(gettext("Pengaturan disimpan."), "success")
                else:
                    flash(gettext("Tidak ada yang berubah; pengaturan tetap."), "info")
                return redirect(url_for("admin.office_settings"))
    return settings_page(current, form=form, errors=errors, unsaved=unsaved), status


def _page_showed() -> dict[str, Any] | None:
    """The settings the sent page showed (its ``tampil``, without secrets), or None when it
    sent none readable: what its administrator typed is told from what it showed."""
    try:
        shown = json.loads(request.form.get("tampil", ""))
    except ValueError:
        return None
    return shown if isinstance(shown, dict) else None


def stored_settings() -> dict[str, Any]:
    """Every setting as stored now: ``{key of settings.DEFAULTS: value}``."""
    return {key: settings.get(db.session, key) for key in settings.DEFAULTS}


def settings_page(current: dict[str, Any], **shown: Any) -> str:
    """The Pengaturan page for the stored settings ``current`` ({key: value}) with
    ``shown`` (``form``/``errors`` of the settings form, ``identity_form``/
    ``identity_errors`` of the identity form) and how each channel's outbox fares
    (``engine.escalation.outbox_status``). Each form carries ``versi``, the stamp of
    the settings it edits as shown (``settings.save``'s ``seen``), whichever form the
    page answers."""
    return render_template("admin/settings.html", current=current, timezones=TIMEZONES,
                           logo_max=MAX_LOGO_BYTES, national=_national_holidays(current),
                           limits={**FIELD_LIMITS, "hours": office_hours.MAX_TEXT},
                           history=settings_history(db.session, *page_request(HISTORY_PER_PAGE)),
                           change_lines=change_lines,
                           hours=office_hours.written(current["calendar"].get("hours")),
                           outbox=outbox_status.channel_status(db.session),
                           unreadable=unreadable_secrets(current),
                           **{"form": {}, "errors": {}, "unsaved": [], **shown},
                           version=settings.stamp({key: current[key] for key in PAGE_KEYS}),
                           shown=json.dumps(without_secrets({key: current[key]
                                                             for key in PAGE_KEYS})),
                           identity_version=settings.stamp({"identity": current["identity"]}))


def _national_holidays(current: dict[str, Any]) -> list[tuple[int, tuple[tuple[date, str], ...]]]:
    """This year's and next year's national holidays and cuti bersama as Alur counts them
    (``engine.time.calendar.national_holidays``), named in the page's language: ``[(year,
    ((day, name), …)), …]``, the year the office's (its time zone)."""
    year = clock().now().astimezone(ZoneInfo(current["calendar"]["timezone"])).year
    language = "en_US" if str(get_locale()) == "en" else "id"
    return [(shown, national_holidays(shown, language)) for shown in (year, year + 1)]


def parse_form(form: Any, current: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Read the settings form; return ``(new settings, {field: error in the user's language})``."""
    errors: dict[str, str] = {}
    port = _whole(form.get("smtp_port", "25"))
    if port is None or not 0 < port < 65536:
        errors["smtp_port"] = gettext("Port harus angka 1–65535.")
    _longest(form, errors, **FIELD_LIMITS)
    smtp = {
        "host": form.get("smtp_host", "").strip(), "port": port if port is not None else 25,
        "username": form.get("smtp_username", "").strip(),
        # An empty password field keeps the stored one (it is never shown back); a new
        # one is stored sealed with the secret key (the same one again changes nothing).
        "password": (resealed(form.get("smtp_password"), current["smtp"]["password"])
                     if form.get("smtp_password")
                     else "" if form.get("smtp_password_clear") == "on"
                     else current["smtp"]["password"]),
        "sender": form.get("smtp_sender", "").strip() or current["smtp"]["sender"],
        "starttls": form.get("smtp_starttls") == "on",
        "base_url": form.get("smtp_base_url", "").strip().rstrip("/"),
    }
    _smtp_problems(smtp, form, errors)
    if not EMAIL.fullmatch(smtp["sender"]):
        errors.setdefault("smtp_sender", gettext(
            "Alamat pengirim harus satu alamat surel, mis. alur@pn-contoh.go.id."))
    base = addresses.split(smtp["base_url"])
    if smtp["base_url"] and (not addresses.web_address(smtp["base_url"])
                             or base.query or base.fragment):
        errors["smtp_base_url"] = gettext(
            "Alamat Alur harus diawali http:// atau https:// dan berisi nama host (serta port "
            "1–65535) yang terbaca, mis. https://alur.pn-contoh.go.id.")
    multiples = _multiples(form.get("multiples", ""), errors)
    timezone = form.get("timezone", "Asia/Jakarta")
    if timezone not in TIMEZONES:
        errors["timezone"] = gettext("Pilih WIB, WITA atau WIT.")
    added = dated_lines(form.get("added", ""), "added", errors)
    calendar = {
        "timezone": timezone,
        **_hours(form, current["calendar"], errors),
        "ramadan": periods(form.get("ramadan", ""), errors),
        "added": added,
        "removed": sorted(dated_lines(form.get("removed", ""), "removed", errors, added)),
    }
    both = sorted(set(calendar["added"]) & set(calendar["removed"]))
    if both:  # a holiday and a working day at once: one of the two lines is a mistake
        errors.setdefault("removed", gettext(
            "Tanggal %(days)s tertulis juga sebagai hari libur tambahan; tulis di salah satu "
            "daftar saja.", days=", ".join(both)))
    plh_days = _whole(form.get("plh_max_days", str(current["substitution"]["plh_max_days"])))
    if plh_days is None or not 1 <= plh_days <= 365:
        errors["plh_max_days"] = gettext("Masa Plh harus bilangan bulat 1–365 hari.")
    substitution = {"plh_max_days": plh_days if not errors.get("plh_max_days") else 30}
    sla_minor = _sla_minor(form.get("sla_minor", current["sla_minor"]), errors)
    priorities = {severity: form.get(f"priority_{severity}", chosen)
                  for severity, chosen in current["alert_priorities"].items()}
    for severity, priority in priorities.items():
        if priority not in PRIORITIES:
            errors[f"priority_{severity}"] = gettext("Pilih kritis, mayor atau minor.")
    return ({"smtp": smtp, "webhook": webhook_setting(form, current["webhook"], errors),
             "escalation": {"multiples": multiples},
             "calendar": calendar, "substitution": substitution, "sla_minor": sla_minor,
             "accounts": {"new_task_notices": form.get("new_task_notices") == "on"},
             "alert_priorities": priorities}, errors)


def _hours(form: Any, calendar: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """``{"hours": …}`` of the office's own weekly hours as typed, or ``{}`` for Perpres
    21/2023's (so that a calendar that never had its own hours is not changed by a save of
    other settings); a form without the field keeps the hours stored."""
    if "hours" not in form:
        return {"hours": calendar["hours"]} if calendar.get("hours") else {}
    schedule, problem = office_hours.read(form["hours"])
    if schedule is None:
        errors["hours"] = str(problem)
        return {}
    hours = office_hours.stored(schedule)
    return {"hours": hours} if hours else {}


def _smtp_problems(smtp: dict[str, Any], form: Any, errors: dict[str, str]) -> None:
    """The SMTP server's fields that cannot be used as written: a host with a scheme, a
    port or a space (each was saved, then every message failed), a user name with a space
    or line break, a new password together with "delete the stored one"."""
    host = smtp["host"]
    if host and not addresses.readable_host(host.lower()):  # no brackets: smtplib reads ::1
        errors.setdefault("smtp_host", gettext(
            "Tulis nama host atau alamat IP server SMTP saja, mis. mail.pn-contoh.go.id: "
            "tanpa http:// dan tanpa port (port diisi di kolomnya)."))
    if any(character.isspace() or ord(character) < 32 for character in smtp["username"]):
        errors.setdefault("smtp_username", gettext(
            "Nama pengguna SMTP tanpa spasi atau baris baru."))
    if form.get("smtp_password") and form.get("smtp_password_clear") == "on":
        errors.setdefault("smtp_password", gettext(
            "Isi kata sandi baru atau hapus yang tersimpan, bukan keduanya."))


def _whole(text: str) -> int | None:
    """``text`` as a whole number of 1–9 ASCII digits (ports, days, multiples), or None:
    other scripts' digits ("١٢"), which ``int`` would take, are refused as the README's
    "angka" means 0–9."""
    text = text.strip()
    return int(text) if WHOLE.fullmatch(text) else None


def _longest(form: Any, errors: dict[str, str], **limits: int) -> None:
    """Refuse each field of ``limits`` (name=characters) longer than its limit."""
    for name, limit in limits.items():
        if len(form.get(name, "").strip()) > limit:
            errors[name] = gettext("Paling banyak %(max)d karakter.", max=limit)


def _sla_minor(text: str, errors: dict[str, str]) -> str:
    """The minor tickets' SLA: an ISO 8601 duration of office time, 1 minute to a year (a
    shorter one would make every minor ticket late as it is filed)."""
    text = text.strip().upper()
    try:
        months, days, minutes = office_parts(text)
    except InvalidDuration:
        months, days, minutes = 0, 0, 0
    if not (months or days or minutes >= 1):
        errors["sla_minor"] = gettext("Tulis durasi ISO 8601 waktu kerja, mis. P1D (1 hari "
                                      "kerja) atau PT4H, paling pendek 1 menit dan paling "
                                      "lama 1 tahun.")
        return "P1D"
    return text


def _multiples(text: str, errors: dict[str, str]) -> list[int]:
    """The chain's multiples, separated by commas or semicolons: each part a whole number
    above 0 (no empty part, "1,,2"), none below the one before ("1, 1, 2" tells the
    supervisor at the deadline too: README, "Eskalasi")."""
    parts = text.replace(";", ",").split(",")
    numbers = [n for n in map(_whole, parts) if n is not None and n > 0]
    if len(numbers) != len(parts) or any(a > b for a, b in pairwise(numbers)):
        errors["multiples"] = gettext("Tulis kelipatan bilangan bulat naik, misalnya 1, 2, "
                                      "3: %(why)s.", why=_multiples_fault(parts))
        return [1, 2, 3]
    if len(numbers) > MAX_ESCALATION_LEVELS:
        errors["multiples"] = gettext("Paling banyak %(n)d tingkat eskalasi; yang ditulis "
                                      "%(count)d.", n=MAX_ESCALATION_LEVELS,
                                      count=len(numbers))
        return [1, 2, 3]
    if numbers[-1] > MAX_ESCALATION_MULTIPLE:
        errors["multiples"] = gettext("Kelipatan paling besar %(n)d (%(n)d kali Waktu "
                                      "langkahnya); yang ditulis %(last)d.",
                                      n=MAX_ESCALATION_MULTIPLE, last=numbers[-1])
        return [1, 2, 3]
    return numbers


def _multiples_fault(parts: list[str]) -> str:
    """What is wrong with the first bad part of the chain, counted from 1."""
    previous = 0
    for place, part in enumerate(parts, start=1):
        number = _whole(part)
        if not part.strip():
            return gettext("bagian ke-%(n)d kosong", n=place)
        if number is None or number < 1:
            return gettext('bagian ke-%(n)d ("%(part)s") bukan bilangan bulat 1 atau lebih',
                           n=place, part=part.strip()[:20])
        if number < previous:
            return gettext("bagian ke-%(n)d (%(number)d) lebih kecil dari sebelumnya "
                           "(%(previous)d)", n=place, number=number, previous=previous)
        previous = number
    return gettext("periksa urutannya")
