"""The engine's commonest refusals in the reader's language on HTML error pages.

The engine speaks Indonesian (README, "Bahasa"), and the JSON API keeps its words for
every caller; but a 403 or 404 page in English around "Proses #12 tidak ditemukan." reads
as broken. The refusals an official meets most (something not found by its number, a
page of another role) are translated here by their exact wording; any other message stays
as the engine wrote it."""

import re
from collections.abc import Callable

from flask_babel import gettext, lazy_gettext

from engine.desk import tickets
from engine.people import accounts
from engine.people.access import READ_ONLY
from engine.process.instances import TICKET_CANCELLERS
from web import account_form_words, file_words, form_words, plh_words

_FIXED = {
    "Anda tidak memegang peran tugas ini.": lazy_gettext("Anda tidak memegang peran tugas ini."),
    "Anda tidak memegang peran pada SOP proses ini.": lazy_gettext(
        "Anda tidak memegang peran pada SOP proses ini."),
    "Berkas tidak ada pada tiket ini.": lazy_gettext("Berkas tidak ada pada tiket ini."),
    tickets.NOT_HIS_TICKET: lazy_gettext(
        "Anda bukan pemohon atau petugas tiket ini."),
    "Hanya pemohon yang dapat melihat tiket ini.": lazy_gettext(
        "Hanya pemohon yang dapat melihat tiket ini."),
    "Hanya pemohon tiket ini yang dapat memberi penilaian.": lazy_gettext(
        "Hanya pemohon tiket ini yang dapat memberi penilaian."),
    accounts.OWN_RESET: lazy_gettext(
        "Ini akun Anda sendiri: ganti kata sandi Anda di Akun → Ganti kata sandi; mengatur "
        "ulangnya di sini akan mengakhiri sesi Anda."),
    READ_ONLY: lazy_gettext(
        "Akun auditor hanya membaca: komentar, lampiran dan pesan ditulis petugas SOP ini."),
    "Hanya administrator dan auditor yang dapat melihat semua proses.": lazy_gettext(
        "Hanya administrator dan auditor yang dapat melihat semua proses."),
    "Hanya administrator yang dapat mengelola akun.": lazy_gettext(
        "Hanya administrator yang dapat mengelola akun."),
    "Hanya administrator yang dapat menjalankan ulang proses.": lazy_gettext(
        "Hanya administrator yang dapat menjalankan ulang proses."),
    "Hanya administrator, atau pemulai proses selama belum ada orang lain yang bertindak, yang "
    "dapat membatalkan proses ini.": lazy_gettext(
        "Hanya administrator, atau pemulai proses selama belum ada orang lain yang bertindak, "
        "yang dapat membatalkan proses ini."),
    TICKET_CANCELLERS: lazy_gettext(
        "Hanya administrator, petugas yang memegang langkah tiket ini (ambil langkahnya "
        "dulu), atau pemohonnya selama belum ada petugas yang bertindak, yang dapat "
        "membatalkan tiket ini."),
    # A rating refused (``engine.desk.ratings.rate``): the ticket page says why.
    "Tiket ini sudah dinilai atau sudah ditutup tanpa penilaian.": lazy_gettext(
        "Tiket ini sudah dinilai atau sudah ditutup tanpa penilaian."),
    "Tiket ini sudah dinilai.": lazy_gettext("Tiket ini sudah dinilai."),
    "Tiket belum selesai; penilaian diberikan setelah selesai.": lazy_gettext(
        "Tiket belum selesai; penilaian diberikan setelah selesai."),
    "Tiket dibatalkan; hanya tiket yang selesai yang dinilai.": lazy_gettext(
        "Tiket dibatalkan; hanya tiket yang selesai yang dinilai."),
    "Tiket ini tidak dapat Anda batalkan lagi: petugas sudah mulai menanganinya. Tulis pesan "
    "kepada petugas bila tidak diperlukan lagi.": lazy_gettext(
        "Tiket ini tidak dapat Anda batalkan lagi: petugas sudah mulai menanganinya. Tulis "
        "pesan kepada petugas bila tidak diperlukan lagi."),
}
# An ended instance's status as ``InstanceEnded`` words it (``engine.process.task_states``).
_ENDED = {"selesai": lazy_gettext("selesai"), "dibatalkan": lazy_gettext("dibatalkan"),
          "galat": lazy_gettext("galat")}


def _ended(noun: str, number: str, status: str) -> str:
    """``Proses LTI-2026-0001 sudah berakhir (status: dibatalkan).``, or of a ticket."""
    status = str(_ENDED.get(status, status))
    if noun == "Tiket":
        return gettext("Tiket %(number)s sudah berakhir (status: %(status)s).", number=number,
                       status=status)
    return gettext("Proses %(number)s sudah berakhir (status: %(status)s).", number=number,
                   status=status)


# A step's state as ``engine.process.tasks.not_open`` words it (``task_state_word``).
_TASK_STATE = {"menunggu": lazy_gettext("menunggu"), "selesai": lazy_gettext("selesai"),
               "dibatalkan": lazy_gettext("dibatalkan")}


def _not_open(step: str, state: str, name: str | None, username: str | None) -> str:
    """``Tugas "…" sudah tidak terbuka (status: selesai): diselesaikan oleh …``: a claim or
    completion that came too late (``engine.process.tasks.not_open``)."""
    state = str(_TASK_STATE.get(state, state))
    if name is None:
        return gettext('Tugas "%(step)s" sudah tidak terbuka (status: %(state)s).', step=step,
                       state=state)
    return gettext('Tugas "%(step)s" sudah tidak terbuka (status: %(state)s): diselesaikan '
                   "oleh %(name)s (%(username)s).", step=step, state=state, name=name,
                   username=username)


_NUMBERED: list[tuple[re.Pattern[str], Callable[..., str]]] = [
    (re.compile(r"Proses #(\d+) tidak ditemukan\."),
     lambda n: gettext("Proses #%(id)s tidak ditemukan.", id=n)),
    (re.compile(r"Tugas #(\d+) tidak ditemukan\."),
     lambda n: gettext("Tugas #%(id)s tidak ditemukan.", id=n)),
    (re.compile(r"Lampiran #(\d+) tidak ditemukan\."),
     lambda n: gettext("Lampiran #%(id)s tidak ditemukan.", id=n)),
    (re.compile(r"Tiket #(\d+) tidak ditemukan\."),
     lambda n: gettext("Tiket #%(id)s tidak ditemukan.", id=n)),
    (re.compile(r"Notifikasi #(\d+) tidak ditemukan\."),
     lambda n: gettext("Notifikasi #%(id)s tidak ditemukan.", id=n)),
    (re.compile(r"Pengguna #(\d+) tidak ditemukan\."),
     lambda n: gettext("Pengguna #%(id)s tidak ditemukan.", id=n)),
    (re.compile(r"Saringan #(\d+) tidak ditemukan\."),
     lambda n: gettext("Saringan #%(id)s tidak ditemukan.", id=n)),
    (re.compile(r'Tidak ada pengguna bernama "(.+)"\.'),
     lambda name: gettext('Tidak ada pengguna bernama "%(name)s".', name=name)),
    (re.compile(r'SOP "(.+)" tidak ditemukan\.'),
     lambda key: gettext('SOP "%(key)s" tidak ditemukan.', key=key)),
    (re.compile(r'SOP "(.+)" tidak punya versi (\d+)\.'),
     lambda key, n: gettext('SOP "%(key)s" tidak punya versi %(version)s.', key=key, version=n)),
    (re.compile(r"(Proses|Tiket) (\S+) sudah berakhir \(status: (\w+)\)\."), _ended),
    # A claim race lost (``engine.process.tasks._held_by_other`` and ``not_open``).
    (re.compile(r'Tugas "(.+)" sudah diambil oleh (.+) \((\S+)\)\.'),
     lambda step, name, username: gettext('Tugas "%(step)s" sudah diambil oleh %(name)s '
                                          "(%(username)s).", step=step, name=name,
                                          username=username)),
    (re.compile(r'Tugas "(.+)" sudah tidak terbuka \(status: (\w+)\)'
                r"(?:: diselesaikan oleh (.+) \((\S+)\))?\."), _not_open),
    (re.compile(r"Anda termasuk petugas penerima tiket ini \((.+)\); penilaian kepuasan "
                r"diberikan pemohon yang dilayani, bukan petugasnya\."),
     lambda role: gettext("Anda termasuk petugas penerima tiket ini (%(role)s); penilaian "
                          "kepuasan diberikan pemohon yang dilayani, bukan petugasnya.",
                          role=role)),
    (re.compile(r"Masa (Plh|Plt) Anda untuk peran (.+) sudah berakhir; langkah ini kini "
                r"dikerjakan pemegang peran itu\."),
     lambda kind, role: gettext("Masa %(kind)s Anda untuk peran %(role)s sudah berakhir; "
                                "langkah ini kini dikerjakan pemegang peran itu.",
                                kind=kind, role=role)),
]


def in_reader_language(message: str) -> str:
    """``message`` (the engine's Indonesian) in the request's language when it is one of
    the refusals above, a refused file (``web.file_words``), of the Plh/Plt rules
    (``web.plh_words``), of a form's fields (``web.form_words``) or of an account's
    (``web.account_form_words``); else unchanged."""
    refused_file = file_words.file_refusal(message)
    if refused_file is not None:
        return refused_file
    for fixed, patterns in ((_FIXED, _NUMBERED), (plh_words.FIXED, plh_words.PATTERNS),
                            ({}, form_words.PATTERNS), ({}, account_form_words.PATTERNS)):
        said = fixed.get(message)
        if said is not None:
            return str(said)
        for pattern, words in patterns:
            found = pattern.fullmatch(message)
            if found:
                return words(*found.groups())
    return message


def fields_in_reader_language(errors: dict[str, str]) -> dict[str, str]:
    """A form's refusals (``{field: message}``) each in the request's language
    (``in_reader_language``), for the page that shows them beside their fields."""
    return {name: in_reader_language(message) for name, message in errors.items()}
