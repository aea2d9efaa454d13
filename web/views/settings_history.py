"""The settings history on the Pengaturan page in words: each changed field under the name
of its section on the page, its old and new value as the record keeps them."""

import json
from typing import Any

from flask_babel import lazy_gettext

# The page's sections, by the setting that holds their fields.
SECTIONS = {"smtp": lazy_gettext("Surel (SMTP)"), "webhook": lazy_gettext("Webhook"),
            "escalation": lazy_gettext("Eskalasi"), "calendar": lazy_gettext("Kalender kerja"),
            "substitution": lazy_gettext("Plh dan Plt"), "sla_minor": lazy_gettext("Layanan TI"),
            "alert_priorities": lazy_gettext("Layanan TI"),
            "identity": lazy_gettext("Identitas kantor")}
MAX_VALUE = 120  # characters of one value shown; the record keeps it whole


def change_lines(detail: dict[str, Any]) -> list[str]:
    """A ``settings.changed`` record's changes, one line per field in field order:
    ``Kalender kerja · added: {} → {"2026-12-31": "Libur kantor"}``."""
    lines = []
    for field, change in sorted((detail.get("changes") or {}).items()):
        key, _, entry = field.partition(".")
        name = str(SECTIONS.get(key, key)) + (f" · {entry}" if entry else "")
        lines.append(f"{name}: {_shown(change.get('old'))} → {_shown(change.get('new'))}")
    return lines


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= MAX_VALUE else text[:MAX_VALUE - 1] + "…"
