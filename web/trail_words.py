"""Jejak audit in the reader's language: every audit action in words (the process
history's, the account history's, and those only the trail shows), and the kinds of
action an auditor chooses from (``engine.audit_trail.ACTION_GROUPS``)."""

import json
from typing import Any

from flask_babel import gettext, lazy_gettext

from web.account_words import ACCOUNT_TEXT
from web.filters import HISTORY_TEXT, record_text

GROUP_LABELS = {
    "proses": lazy_gettext("Proses"), "langkah": lazy_gettext("Langkah"),
    "lampiran-komentar": lazy_gettext("Lampiran dan komentar"),
    "tiket": lazy_gettext("Tiket Layanan TI"), "akun": lazy_gettext("Akun, masuk dan token API"),
    "plh-plt": lazy_gettext("Plh dan Plt"), "sop": lazy_gettext("SOP: deploy dan aktivasi versi"),
    "pengaturan": lazy_gettext("Pengaturan, sumber peringatan dan pemeliharaan"),
    "kotak-masuk": lazy_gettext("Saringan Kotak Masuk"),
    "unduhan": lazy_gettext("Unduhan: lampiran, daftar dan laporan"),
}
TRAIL_ONLY_TEXT = {
    "instance.start_failed": lazy_gettext("Proses gagal dimulai"),
    "process.deployed": lazy_gettext("Versi SOP dideploy"),
    "process.activated": lazy_gettext("Versi SOP diaktifkan"),
    "settings.changed": lazy_gettext("Pengaturan diubah"),
    "substitution.recorded": lazy_gettext("Plh/Plt dicatat"),
    "substitution.extended": lazy_gettext("Plh/Plt diperpanjang"),
    "substitution.ended": lazy_gettext("Plh/Plt diakhiri"),
    "inbox.filter_saved": lazy_gettext("Saringan Kotak Masuk disimpan"),
    "inbox.filter_deleted": lazy_gettext("Saringan Kotak Masuk dihapus"),
    "alert_source.added": lazy_gettext("Sumber peringatan ditambahkan"),
    "alert_source.token_rotated": lazy_gettext("Token sumber peringatan diganti"),
    "download.attachment": lazy_gettext("Lampiran diunduh"),
    "download.list": lazy_gettext("Daftar atau laporan diunduh"),
    "maintenance.pruned": lazy_gettext("Data lama dibersihkan (alur prune)"),
}


def action_words(record: Any) -> str:
    """A record's action in words (an escalation with its level, as the process history
    says it); the action's code for one Alur has no words for."""
    if record.action in HISTORY_TEXT or record.action == "task.escalated":
        return record_text(record)
    return str(ACCOUNT_TEXT.get(record.action) or TRAIL_ONLY_TEXT.get(record.action)
               or record.action)


def actor_words(record: Any) -> str:
    """Who wrote a record: the actor's full name; "yang mencoba masuk" for a failed login;
    for another record without an actor, the command line with the system account and host
    that ran it when the record keeps them (``via``), else Alur itself (a timer, the
    worker)."""
    if record.actor is not None:
        return str(record.actor.full_name)
    if record.action == "user.login_failed":
        return gettext("yang mencoba masuk")
    via = (record.detail or {}).get("via")
    if via:
        return gettext("baris perintah (alur) — %(via)s", via=via)
    return gettext("sistem (timer dan pekerja Alur)")


def detail_text(detail: dict[str, Any]) -> str:
    """A record's particulars whole, as it keeps them (JSON), for the downloads; empty when
    it keeps none."""
    return json.dumps(detail, ensure_ascii=False, default=str) if detail else ""
