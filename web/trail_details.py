"""An audit record's particulars in words on Jejak audit: each fact under its Indonesian
label, times in the office's zone, yes/no and lists as an official reads them
(``Pengguna: budi · Peran: Prakom, Kasubbag · Administrator: tidak``). The downloads
keep the record's JSON whole (README, "Jejak audit")."""

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext, lazy_gettext

from engine.people.claims import LAPSED_REASON
from engine.process.other_lane import MOVED_REASON
from engine.text import shortened
from web.filters import local_time
from web.i18n import LANGUAGES

LABELS = {
    "acting": lazy_gettext("Sebagai Plh/Plt"), "acting_as": lazy_gettext("Sebagai"), "address": lazy_gettext("Alamat IP"), "admin": lazy_gettext("Administrator"),
    "asks": lazy_gettext("Meminta jawaban pemohon"), "assignee": lazy_gettext("Kepada"),
    "attachment_id": lazy_gettext("Nomor lampiran"), "case": lazy_gettext("Proses"),
    "format": lazy_gettext("Format"), "page": lazy_gettext("Halaman"),
    "process_id": lazy_gettext("Nomor sistem proses"),
    "auditor": lazy_gettext("Auditor"), "cause": lazy_gettext("Sebab"),
    "days": lazy_gettext("Lebih tua dari (hari)"),
    "notifikasi": lazy_gettext("Notifikasi dibaca yang dihapus"),
    "pesan_keluar": lazy_gettext("Pesan keluar yang dihapus"),
    "changes": lazy_gettext("Perubahan"), "comment": lazy_gettext("Catatan versi"),
    "data": lazy_gettext("Data"), "dropped_messages": lazy_gettext("Pesan yang dibatalkan"),
    "element": lazy_gettext("Elemen BPMN"), "email": lazy_gettext("Surel"),
    "ends_at": lazy_gettext("Berakhir"), "file_hash": lazy_gettext("Sidik berkas"),
    "filename": lazy_gettext("Berkas"), "from_requester": lazy_gettext("Dari pemohon"),
    "from_version": lazy_gettext("Dari versi"), "full_name": lazy_gettext("Nama lengkap"),
    "generated_password": lazy_gettext("Kata sandi dibuat Alur"),
    "holder": lazy_gettext("Pemegang sebelumnya"), "key": lazy_gettext("Kunci SOP"),
    "keys": lazy_gettext("Bagian"), "kind": lazy_gettext("Jenis"),
    "language": lazy_gettext("Bahasa"), "lane": lazy_gettext("Lane baru"),
    "level": lazy_gettext("Tingkat"), "moved": lazy_gettext("Dipindahkan ke versi"),
    "message": lazy_gettext("Pesan"), "name": lazy_gettext("Nama"),
    "new_tasks": lazy_gettext("Pemberitahuan tugas baru"), "number": lazy_gettext("Nomor"),
    "official": lazy_gettext("Pejabat"), "paused_minutes": lazy_gettext("Menit jeda"),
    "prefix": lazy_gettext("Awalan token"), "previous": lazy_gettext("Sebelumnya"),
    "process_key": lazy_gettext("SOP"), "query": lazy_gettext("Saringan"),
    "reason": lazy_gettext("Alasan"), "recipients": lazy_gettext("Penerima"),
    "renamed": lazy_gettext("Nama langkah berubah"),
    "told_before": lazy_gettext("Sudah diberi tahu pada tingkat sebelumnya"),
    "role": lazy_gettext("Peran"), "roles": lazy_gettext("Peran"),
    "score": lazy_gettext("Nilai"), "sha256": lazy_gettext("SHA-256"),
    "size": lazy_gettext("Ukuran (bita)"), "starts_at": lazy_gettext("Mulai"),
    "step": lazy_gettext("Langkah"), "steps": lazy_gettext("Langkah"),
    "substitute": lazy_gettext("Pengganti"), "title": lazy_gettext("Judul"),
    "username": lazy_gettext("Pengguna"),  # his full name and user name, or the latter
    "version": lazy_gettext("Versi"), "warrant_number": lazy_gettext("Nomor surat perintah"),
}
# Why a step went back to its unit (``engine.people.claims.CAUSES``).
CAUSES = {
    "disabled": lazy_gettext("akun pemegangnya dinonaktifkan"),
    "roles": lazy_gettext("peran pemegangnya diubah"),
    "ended": lazy_gettext("Plh/Plt pemegangnya diakhiri lebih awal"),
    "lapsed": lazy_gettext("masa Plh/Plt pemegangnya berakhir, atau pejabatnya tidak lagi "
                           "memegang peran itu"),
    "limit": lazy_gettext("token tertua: paling banyak 20 token berlaku sekaligus"),
}
# Facts the page shows elsewhere: the command line's account and host (column Oleh).
SHOWN_ELSEWHERE = {"via"}
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)")
SEPARATOR = " · "
MAX_SHOWN_DETAIL = 300  # characters of a record's particulars on the page


# Facts that name an account by its user name, and those that name an SOP by its key:
# the page writes the person's full name and the SOP's name beside them (the auditor and
# administrator probes: "Pejabat: kasubbag", "Kunci SOP: pemeliharaan_server").
PERSON_KEYS = frozenset({"username", "official", "substitute", "holder", "assignee",
                         "previous", "recipients", "told_before"})
SOP_KEYS = frozenset({"key", "process_key"})
# Fingerprints, shortened on the page (the downloads keep them whole).
HASH_KEYS = frozenset({"file_hash", "sha256"})
SHOWN_HASH = 16


@dataclass(frozen=True)
class Names:
    """What the page writes for the user names and SOP keys of a page of records:
    ``people`` ``{username: full name}``, ``sops`` ``{key: SOP name}``."""

    people: dict[str, str] = field(default_factory=dict)
    sops: dict[str, str] = field(default_factory=dict)


def named_in(details: list[dict[str, Any]]) -> tuple[set[str], set[str]]:
    """The user names (``PERSON_KEYS``) and SOP keys (``SOP_KEYS``) ``details`` name, to be
    read in one statement each."""
    people: set[str] = set()
    sops: set[str] = set()
    for detail in details:
        for key, value in (detail or {}).items():
            found = value if isinstance(value, list) else [value]
            texts = {item for item in found if isinstance(item, str) and item}
            if key in PERSON_KEYS:
                people |= texts
            elif key in SOP_KEYS:
                sops |= texts
    return people, sops


def detail_words(detail: dict[str, Any] | None, limit: int, names: Names | None = None) -> str:
    """``detail`` (an ``AuditRecord.detail``) as the page shows it: ``label: value`` for
    each fact but the empty ones, joined by " · ", cut at ``limit`` characters with "…";
    a key Alur has no label for keeps its name; a person and an SOP ``names`` knows by
    name beside the user name or key, a fingerprint shortened. Empty when nothing is
    left."""
    detail = detail or {}
    # An address removed (``user.email_changed`` keeps the one it was): said, not left out.
    removed = {"email"} if detail.get("email") is None and detail.get("previous") else set()
    parts = [f"{LABELS.get(key, key)}: "
             f"{gettext('dihapus') if key in removed else _named(key, value, names or Names())}"
             for key, value in detail.items()
             if key not in SHOWN_ELSEWHERE and (value not in (None, "", [], {}) or key in removed)]
    text = SEPARATOR.join(parts)
    return shortened(text, limit)


def _named(key: str, value: Any, names: Names) -> str:
    """A fact's words with the names ``names`` knows: ``Demo Kasubbag (kasubbag)``,
    ``Pemeliharaan Server (pemeliharaan_server)``, ``3f1a…`` for a fingerprint."""
    known = names.people if key in PERSON_KEYS else names.sops if key in SOP_KEYS else {}
    if known:
        items = value if isinstance(value, list) else [value]
        if any(isinstance(item, str) and item in known for item in items):
            return ", ".join(f"{known[item]} ({item})" if isinstance(item, str) and item in known
                             else fact_words("", item) for item in items)
    if key in HASH_KEYS and isinstance(value, str) and len(value) > SHOWN_HASH:
        return value[:SHOWN_HASH] + "…"
    return fact_words(key, value)


def fact_words(key: str, value: Any) -> str:
    """One fact's value in words: yes/no, a list by commas, an aware ISO time in the
    office's zone, a change as "old → new", a mapping as "name: value; …"."""
    if key == "cause" and value in CAUSES:
        return str(CAUSES[value])
    if key == "language" and value in LANGUAGES:
        return LANGUAGES[value]
    moved = MOVED_REASON.fullmatch(value) if key == "reason" and isinstance(value, str) else None
    if moved:
        return gettext("dipindahkan ke versi %(version)s, Pelaksana langkahnya berubah",
                       version=moved[1])
    if key == "reason" and value == LAPSED_REASON:
        return gettext("pemegang tidak lagi dapat bertindak")
    if key == "renamed" and isinstance(value, dict):  # a version move's {old: new}
        return "; ".join(f"“{old}” → “{new}”" for old, new in value.items())
    if isinstance(value, bool):
        return gettext("ya") if value else gettext("tidak")
    if isinstance(value, list):
        return ", ".join(fact_words("", item) for item in value)
    if isinstance(value, dict):
        if set(value) == {"old", "new"}:
            return f"{fact_words('', value['old'])} → {fact_words('', value['new'])}"
        return "; ".join(f"{name}: {fact_words(name, item)}" for name, item in value.items())
    if isinstance(value, str) and ISO_TIME.fullmatch(value):
        return local_time(datetime.fromisoformat(value))
    if value is None or value == "":
        return "—"
    return str(value)
