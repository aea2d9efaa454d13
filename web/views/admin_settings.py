"""Administration: office settings — SMTP, webhook, escalation chain, business calendar."""

from datetime import date
from typing import Any
from urllib.parse import urlparse

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from engine import audit, settings
from engine.settings import MAX_ESCALATION_LEVELS
from engine.time.duration import MAX_ESCALATION_MULTIPLE, InvalidDuration, parse_duration
from web.extensions import clock, db
from web.views.admin import admin_required, bp

# The office logo printed in the SOP document's kop (``web.views.admin_identity``).
MAX_LOGO_BYTES = 200 * 1024
# What a monitoring alert's severity may become (README, "Layanan TI").
PRIORITIES = ("kritis", "mayor", "minor")
TIMEZONES = {"Asia/Jakarta": "WIB (Asia/Jakarta)", "Asia/Makassar": "WITA (Asia/Makassar)",
             "Asia/Jayapura": "WIT (Asia/Jayapura)"}


@bp.route("/pengaturan", methods=["GET", "POST"])
@admin_required
def office_settings() -> Any:
    current = {key: settings.get(db.session, key) for key in settings.DEFAULTS}
    errors: dict[str, str] = {}
    if request.method == "POST":
        new, errors = parse_form(request.form, current)
        if not errors:
            for key, value in new.items():
                settings.put(db.session, key, value)
            audit.record(db.session, clock(), "settings.changed", actor=current_user,
                         keys=sorted(new))
            db.session.commit()
            flash(gettext("Pengaturan disimpan."), "success")
            return redirect(url_for("admin.office_settings"))
    return render_template("admin/settings.html", current=current, form=request.form,
                           errors=errors, timezones=TIMEZONES,
                           logo_max=MAX_LOGO_BYTES), 422 if errors else 200


def parse_form(form: Any, current: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Read the settings form; return ``(new settings, {field: error in the user's language})``."""
    errors: dict[str, str] = {}
    port = form.get("smtp_port", "25").strip()
    if not port.isdecimal() or not 0 < int(port) < 65536:
        errors["smtp_port"] = gettext("Port harus angka 1–65535.")
    smtp = {
        "host": form.get("smtp_host", "").strip(), "port": int(port) if port.isdecimal() else 25,
        "username": form.get("smtp_username", "").strip(),
        # An empty password field keeps the stored one (it is never shown back); a new
        # one is stored sealed with the secret key.
        "password": (settings.seal(form.get("smtp_password")[:500], current_app.secret_key)
                     if form.get("smtp_password") else current["smtp"]["password"]),
        "sender": form.get("smtp_sender", "").strip() or "alur@localhost",
        "starttls": form.get("smtp_starttls") == "on",
        "base_url": form.get("smtp_base_url", "").strip().rstrip("/")[:200],
    }
    base = urlparse(smtp["base_url"])
    if smtp["base_url"] and (base.scheme not in ("http", "https") or not base.netloc
                             or base.query or base.fragment):
        errors["smtp_base_url"] = gettext(
            "Alamat Alur harus diawali http:// atau https://, mis. https://alur.pn-contoh.go.id.")
    url = form.get("webhook_url", "").strip()
    if url and (urlparse(url).scheme not in ("http", "https") or not urlparse(url).netloc):
        errors["webhook_url"] = gettext("Alamat webhook harus diawali http:// atau https://.")
    multiples = _multiples(form.get("multiples", ""), errors)
    timezone = form.get("timezone", "Asia/Jakarta")
    if timezone not in TIMEZONES:
        errors["timezone"] = gettext("Pilih WIB, WITA atau WIT.")
    calendar = {
        "timezone": timezone,
        "ramadan": _periods(form.get("ramadan", ""), errors),
        "added": _dated_lines(form.get("added", ""), "added", errors),
        "removed": sorted(_dated_lines(form.get("removed", ""), "removed", errors)),
    }
    plh_days = form.get("plh_max_days", str(current["substitution"]["plh_max_days"])).strip()
    if not plh_days.isdecimal() or not 1 <= int(plh_days) <= 365:
        errors["plh_max_days"] = gettext("Masa Plh harus bilangan bulat 1–365 hari.")
    substitution = {"plh_max_days": int(plh_days) if not errors.get("plh_max_days") else 30}
    sla_minor = _sla_minor(form.get("sla_minor", current["sla_minor"]), errors)
    priorities = {severity: form.get(f"priority_{severity}", chosen)
                  for severity, chosen in current["alert_priorities"].items()}
    for severity, priority in priorities.items():
        if priority not in PRIORITIES:
            errors[f"priority_{severity}"] = gettext("Pilih kritis, mayor atau minor.")
    return ({"smtp": smtp, "webhook": {"url": url}, "escalation": {"multiples": multiples},
             "calendar": calendar, "substitution": substitution, "sla_minor": sla_minor,
             "alert_priorities": priorities}, errors)


def _sla_minor(text: str, errors: dict[str, str]) -> str:
    """The minor tickets' SLA: an ISO 8601 duration of office time, at most a year."""
    text = text.strip().upper()
    try:
        parse_duration(text)
    except InvalidDuration:
        errors["sla_minor"] = gettext("Tulis durasi ISO 8601 waktu kerja, mis. P1D (1 hari "
                                      "kerja) atau PT4H, paling lama 1 tahun.")
        return "P1D"
    return text


def _multiples(text: str, errors: dict[str, str]) -> list[int]:
    parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
    numbers = [int(p) for p in parts if p.isdecimal() and int(p) > 0]
    if not parts or len(numbers) != len(parts) or numbers != sorted(numbers):
        errors["multiples"] = gettext("Tulis kelipatan bilangan bulat naik, misalnya 1, 2, 3.")
        return [1, 2, 3]
    if len(numbers) > MAX_ESCALATION_LEVELS:
        errors["multiples"] = gettext("Paling banyak %(n)d tingkat eskalasi (README, \"Batas\").",
                                      n=MAX_ESCALATION_LEVELS)
        return [1, 2, 3]
    if numbers[-1] > MAX_ESCALATION_MULTIPLE:
        errors["multiples"] = gettext("Kelipatan paling besar %(n)d (README, \"Batas\").",
                                      n=MAX_ESCALATION_MULTIPLE)
        return [1, 2, 3]
    return numbers


def _periods(text: str, errors: dict[str, str]) -> list[dict[str, str]]:
    periods = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            start, end = (date.fromisoformat(part) for part in line.split()[:2])
            if end < start:
                raise ValueError
        except ValueError:
            errors["ramadan"] = gettext("Baris %(number)d: tulis 'TTTT-BB-HH TTTT-BB-HH' "
                                        "(awal akhir).", number=number)
            continue
        periods.append({"start": start.isoformat(), "end": end.isoformat()})
    return periods


def _dated_lines(text: str, field: str, errors: dict[str, str]) -> dict[str, str]:
    days = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        day, _, note = line.strip().partition(" ")
        try:
            days[date.fromisoformat(day).isoformat()] = note.strip()
        except ValueError:
            errors[field] = gettext("Baris %(number)d: tanggal harus berbentuk TTTT-BB-HH.",
                                     number=number)
    return days
