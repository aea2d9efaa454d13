"""The settings history on the Pengaturan page in words: each changed field under the name
of its section and its label on the page, its old and new value as an official reads them
(``Kalender kerja · hari libur tambahan: — → 2026-12-31: Libur kantor``)."""

from typing import Any

from flask_babel import lazy_gettext

from engine import settings
from engine.text import shortened
from engine.time.wall_clock import ZONE_NAMES
from web import office_hours
from web.trail_details import fact_words

# The page's sections, by the setting that holds their fields.
SECTIONS = {"smtp": lazy_gettext("Surel (SMTP)"), "webhook": lazy_gettext("Webhook"),
            "escalation": lazy_gettext("Eskalasi"), "calendar": lazy_gettext("Kalender kerja"),
            "substitution": lazy_gettext("Plh dan Plt"), "sla_minor": lazy_gettext("Layanan TI"),
            "alert_priorities": lazy_gettext("Layanan TI"),
            "identity": lazy_gettext("Identitas kantor"), "accounts": lazy_gettext("Akun baru")}
# The fields, by the record's name of them (``setting.field``).
FIELDS = {
    "smtp.host": lazy_gettext("server"), "smtp.port": lazy_gettext("port"),
    "smtp.username": lazy_gettext("nama pengguna"), "smtp.password": lazy_gettext("kata sandi"),
    "smtp.sender": lazy_gettext("pengirim"), "smtp.starttls": lazy_gettext("STARTTLS"),
    "smtp.base_url": lazy_gettext("alamat Alur untuk tautan"),
    "webhook.url": lazy_gettext("alamat"), "webhook.secret": lazy_gettext("rahasia tanda tangan"),
    "escalation.multiples": lazy_gettext("kelipatan Waktu"),
    "calendar.timezone": lazy_gettext("zona waktu"), "calendar.hours": lazy_gettext("jam kerja"),
    "calendar.ramadan": lazy_gettext("periode Ramadan"),
    "calendar.added": lazy_gettext("hari libur tambahan"),
    "calendar.removed": lazy_gettext("libur yang tetap masuk kerja"),
    "substitution.plh_max_days": lazy_gettext("masa Plh paling lama (hari)"),
    "accounts.new_task_notices": lazy_gettext("notifikasi Tugas baru"),
    "sla_minor": lazy_gettext("batas waktu tiket minor"),
    "alert_priorities.critical": lazy_gettext("prioritas peringatan critical"),
    "alert_priorities.warning": lazy_gettext("prioritas peringatan warning"),
    "alert_priorities.info": lazy_gettext("prioritas peringatan info"),
    "identity.office": lazy_gettext("nama kantor"), "identity.unit": lazy_gettext("unit"),
    "identity.logo": lazy_gettext("logo (SHA-256)"),
}
MAX_VALUE = 120  # characters of one value shown; the record keeps it whole
# The entry of a setting that is a secret: stored sealed, never written into a page.
SECRETS = {"smtp": "password", "webhook": "secret"}
# Why a change no administrator's page made was made (the record's ``reason``).
REASONS = {"latihan_pemulihan": lazy_gettext(
    "Latihan pemulihan (alur restore --latihan): salinan ini tidak mengirim surel atau webhook")}


def change_lines(detail: dict[str, Any]) -> list[str]:
    """A ``settings.changed`` record's changes, one line per field in field order:
    ``Kalender kerja · hari libur tambahan: — → 2026-12-31: Libur kantor``; first, when the
    record has one, its reason in words (``REASONS``)."""
    reason = detail.get("reason")
    lines = [str(REASONS.get(reason, reason))] if reason else []
    for field, change in sorted((detail.get("changes") or {}).items()):
        lines.append(f"{_field_name(field)}: {_shown(field, change.get('old'))} → "
                     f"{_shown(field, change.get('new'))}")
    return lines


def unsaved_lines(shown: dict[str, Any], typed: dict[str, Any],
                  secrets_sent: set[str]) -> list[str]:
    """What a page refused as stale sent that differs from what it showed: the changes its
    administrator typed, so that none is lost unseen, and none of another administrator's
    (the regression probe: his values were listed back as if typed). One line per field,
    by setting then field (``Surel (SMTP) · server: mail0.pn.go.id``), secrets masked as
    the history masks them.

    Args:
        shown: {setting: value} as the page showed it, without its secrets (``SECRETS``).
        typed: {setting: value} as ``settings.save`` takes it.
        secrets_sent: the secret fields (``"smtp.password"``) the page typed or cleared.
    """
    lines = []
    for key in sorted(typed):
        was, value, secret = shown.get(key), typed[key], SECRETS.get(key)
        if secret and isinstance(was, dict) and isinstance(value, dict):
            sent = f"{key}.{secret}" in secrets_sent
            was = {**was, secret: None if sent else value.get(secret)}
        for field, _, new in settings.fields_changed(key, was, value):
            lines.append(f"{_field_name(field)}: "
                         f"{_shown(field, settings.shown_in_audit(field, new))}")
    return lines


def without_secrets(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` ({setting: value}) without the entries a page never carries
    (``SECRETS``)."""
    return {key: {name: entry for name, entry in value.items() if name != SECRETS.get(key)}
            if isinstance(value, dict) else value for key, value in values.items()}


def _field_name(field: str) -> str:
    """``Kalender kerja · hari libur tambahan`` for ``calendar.added``."""
    key, _, entry = field.partition(".")
    label = FIELDS.get(field, entry)
    return str(SECTIONS.get(key, key)) + (f" · {label}" if label else "")


def _shown(field: str, value: Any) -> str:
    """One value in words, cut at ``MAX_VALUE`` characters: the office's hours as the page
    writes them (none: Perpres 21/2023's), a Ramadan period as its two days, an extra
    holiday without a description as its day, a time zone
    as the page's choice names it (``WIT (Asia/Jayapura)``)."""
    if field == "calendar.hours":
        text = office_hours.written(value).replace("\n", "; ")
    elif field == "calendar.ramadan" and isinstance(value, list):
        text = ", ".join(f"{period['start']}–{period['end']}" for period in value) or "—"
    elif field == "calendar.added" and isinstance(value, dict) and value:
        # A day without its description is the day alone, not "2026-12-31: —".
        text = "; ".join(f"{day}: {words}" if words else day for day, words in value.items())
    elif field == "calendar.timezone" and value in ZONE_NAMES:
        text = f"{ZONE_NAMES[value]} ({value})"  # as the page's choice reads it
    elif value in (None, "", [], {}):
        text = "—"
    else:
        text = fact_words(field, value)
    return shortened(text, MAX_VALUE)
