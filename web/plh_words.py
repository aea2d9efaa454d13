"""The Plh/Plt rules' refusals (``engine.people.substitution``, ``substitution_period``,
``substitution_rights``) in the reader's language, by their exact wording: the form's
field errors, "Perpanjang"/"Akhiri" beside a row, and the 403 pages. The engine speaks
Indonesian (README, "Bahasa"); a message not listed here stays as the engine wrote it.
Read by ``web.engine_words.in_reader_language``."""

import re
from collections.abc import Callable
from datetime import datetime

from flask_babel import gettext, lazy_gettext

from engine.roles import KNOWN_ROLES
from engine.time.periods import MONTH_NAMES
from web.filters import MONTHS
from web.time_words import clock_time

FIXED = {
    "Hanya administrator, pejabat yang bersangkutan atau atasan langsungnya yang dapat "
    "mencatat Plh/Plt.": lazy_gettext(
        "Hanya administrator, pejabat yang bersangkutan atau atasan langsungnya yang dapat "
        "mencatat Plh/Plt."),
    "Hanya administrator, pejabat yang bersangkutan atau atasan langsungnya yang dapat "
    "memperpanjang Plt.": lazy_gettext(
        "Hanya administrator, pejabat yang bersangkutan atau atasan langsungnya yang dapat "
        "memperpanjang Plt."),
    "jenis harus Plh atau Plt": lazy_gettext("jenis harus Plh atau Plt"),
    "pejabat yang digantikan wajib dipilih": lazy_gettext("pejabat yang digantikan wajib dipilih"),
    "peran wajib dipilih": lazy_gettext("peran wajib dipilih"),
    "pengganti wajib dipilih": lazy_gettext("pengganti wajib dipilih"),
    "pengganti harus orang lain": lazy_gettext("pengganti harus orang lain"),
    "nomor surat perintah wajib diisi": lazy_gettext("nomor surat perintah wajib diisi"),
    "tanggal dan jam mulai wajib diisi": lazy_gettext("tanggal dan jam mulai wajib diisi"),
    "tanggal dan jam berakhir wajib diisi": lazy_gettext("tanggal dan jam berakhir wajib diisi"),
    "akhir harus sesudah awal": lazy_gettext("akhir harus sesudah awal"),
    "akhir sudah lewat; Plh/Plt yang sudah berakhir tidak memberi wewenang apa pun dan tidak "
    "perlu dicatat": lazy_gettext(
        "akhir sudah lewat; Plh/Plt yang sudah berakhir tidak memberi wewenang apa pun dan "
        "tidak perlu dicatat"),
    "Plt paling lama 3 bulan; perpanjang sekali sesudah dicatat": lazy_gettext(
        "Plt paling lama 3 bulan; perpanjang sekali sesudah dicatat"),
    "hanya Plt yang dapat diperpanjang; catat Plh baru": lazy_gettext(
        "hanya Plt yang dapat diperpanjang; catat Plh baru"),
    "Plt hanya dapat diperpanjang satu kali": lazy_gettext(
        "Plt hanya dapat diperpanjang satu kali"),
    "Plt ini sudah berakhir": lazy_gettext("Plt ini sudah berakhir"),
    "Plh/Plt ini sudah berakhir atau dibatalkan": lazy_gettext(
        "Plh/Plt ini sudah berakhir atau dibatalkan"),
    "akhir baru harus sesudah akhir yang sekarang": lazy_gettext(
        "akhir baru harus sesudah akhir yang sekarang"),
    "perpanjangan paling lama 3 bulan sesudah akhir yang sekarang": lazy_gettext(
        "perpanjangan paling lama 3 bulan sesudah akhir yang sekarang"),
}

ROLE = f"({'|'.join(map(re.escape, KNOWN_ROLES))})"

# A moment as ``engine.time.wall_clock.wall_clock_text`` writes it: ``23 Nov 2026 08.01 WIB``.
WALL_CLOCK = re.compile(r"(\d{1,2}) (\w{3}) (\d{4}) (\d{2})\.(\d{2}) (\S+)")
SHORT_MONTHS = [name[:3] for name in MONTH_NAMES]


def _moment(text: str) -> str:
    """``text``, a moment the engine wrote (``WALL_CLOCK``), as the reader's language writes
    it: ``23 Dec 2026 08:01 WIB`` in English; any other text as it is."""
    found = WALL_CLOCK.fullmatch(text)
    if found is None or found[2] not in SHORT_MONTHS:
        return text
    day, month, year, hour, minute, zone = found.groups()
    number = SHORT_MONTHS.index(month) + 1
    local = datetime(int(year), number, int(day), int(hour), int(minute))
    return f"{day} {MONTHS[number - 1]} {year} {clock_time(local)} {zone}"


PATTERNS: list[tuple[re.Pattern[str], Callable[..., str]]] = [
    # One substitute per post (``substitution.record``, ``extend``).
    (re.compile(rf"(.+) sudah digantikan sebagai {ROLE} oleh (.+) \((Plh|Plt), surat perintah "
                r"(.+)\) pada sebagian periode ini; satu jabatan punya satu pengganti: akhiri "
                r"yang itu dulu atau pilih periode lain"),
     lambda official, role, substitute, kind, warrant: gettext(
         "%(official)s sudah digantikan sebagai %(role)s oleh %(substitute)s (%(kind)s, surat "
         "perintah %(warrant)s) pada sebagian periode ini; satu jabatan punya satu pengganti: "
         "akhiri yang itu dulu atau pilih periode lain", official=official, role=role,
         substitute=substitute, kind=kind, warrant=warrant)),
    (re.compile(rf"(.+) sudah digantikan sebagai {ROLE} oleh (.+) \((Plh|Plt), surat perintah "
                r"(.+)\) sampai (.+), saat diakhiri; satu jabatan punya satu pengganti: mulai "
                r"paling awal (.+)"),
     lambda official, role, substitute, kind, warrant, until, free: gettext(
         "%(official)s sudah digantikan sebagai %(role)s oleh %(substitute)s (%(kind)s, surat "
         "perintah %(warrant)s) sampai %(until)s, saat diakhiri; satu jabatan punya satu "
         "pengganti: mulai paling awal %(free)s", official=official, role=role,
         substitute=substitute, kind=kind, warrant=warrant, until=_moment(until),
         free=_moment(free))),
    (re.compile(rf"(.+) sudah digantikan sebagai {ROLE} oleh (.+) \((Plh|Plt), surat perintah "
                r"(.+)\) sampai (.+); satu jabatan punya satu pengganti: mulai paling awal (.+)"),
     lambda official, role, substitute, kind, warrant, until, free: gettext(
         "%(official)s sudah digantikan sebagai %(role)s oleh %(substitute)s (%(kind)s, surat "
         "perintah %(warrant)s) sampai %(until)s; satu jabatan punya satu pengganti: mulai "
         "paling awal %(free)s", official=official, role=role, substitute=substitute,
         kind=kind, warrant=warrant, until=_moment(until), free=_moment(free))),
    (re.compile(r"(.+) menggantikan pada sebagian perpanjangan ini \((Plh|Plt), surat perintah "
                r"(.+)\); satu jabatan punya satu pengganti"),
     lambda substitute, kind, warrant: gettext(
         "%(substitute)s menggantikan pada sebagian perpanjangan ini (%(kind)s, surat "
         "perintah %(warrant)s); satu jabatan punya satu pengganti", substitute=substitute, kind=kind,
         warrant=warrant)),
    # No chains of substitutes (``substitution_chain``).
    (re.compile(rf"(.+) sendiri digantikan pada sebagian periode ini \((Plh|Plt)\. {ROLE} "
                r"(.+), surat perintah (.+)\); pengganti harus bertugas selama masa "
                r"penggantian: pilih orang lain atau periode lain"),
     lambda substitute, kind, role, other, warrant: gettext(
         "%(substitute)s sendiri digantikan pada sebagian periode ini (%(kind)s. %(role)s "
         "%(other)s, surat perintah %(warrant)s); pengganti harus bertugas selama masa "
         "penggantian: pilih orang lain atau periode lain", substitute=substitute, kind=kind,
         role=role, other=other, warrant=warrant)),
    (re.compile(rf"(.+) sedang menjadi (Plh|Plt)\. {ROLE} bagi (.+) pada sebagian periode ini "
                r"\(surat perintah (.+)\); akhiri penggantian itu dulu atau pilih periode lain"),
     lambda official, kind, role, other, warrant: gettext(
         "%(official)s sedang menjadi %(kind)s. %(role)s bagi %(other)s pada sebagian periode "
         "ini (surat perintah %(warrant)s); akhiri penggantian itu dulu atau pilih periode "
         "lain", official=official,
         kind=kind, role=role, other=other, warrant=warrant)),
    (re.compile(r"akun (.+) nonaktif \(berhalangan tetap\): catat Plt, bukan Plh"),
     lambda name: gettext("akun %(name)s nonaktif (berhalangan tetap): catat Plt, bukan Plh",
                          name=name)),
    (re.compile(r"(.+) tidak dapat menjadi pengganti: hanya pegawai aktif yang memegang peran"),
     lambda name: gettext("%(name)s tidak dapat menjadi pengganti: hanya pegawai aktif yang "
                          "memegang peran", name=name)),
    (re.compile(r"Hanya pejabatnya atau atasan langsungnya, atasan pengganti yang tidak lebih "
                r"rendah dari (.+), atau administrator yang dapat mengakhiri Plh/Plt ini\."),
     lambda role: gettext("Hanya pejabatnya atau atasan langsungnya, atasan pengganti yang "
                          "tidak lebih rendah dari %(role)s, atau administrator yang dapat "
                          "mengakhiri Plh/Plt ini.", role=role)),
    (re.compile(r"Anda hanya dapat mencatat Plh/Plt (.+) untuk peran yang Anda awasi "
                r"langsung: (.*)"),
     lambda name, roles: gettext("Anda hanya dapat mencatat Plh/Plt %(name)s untuk peran yang "
                                 "Anda awasi langsung: %(roles)s", name=name, roles=roles)),
    (re.compile(r"Plh paling lama (\d+) hari \(pengaturan kantor\)"),
     lambda days: gettext("Plh paling lama %(days)s hari (pengaturan kantor)", days=days)),
    # Only a known role: other refusals also say "… tidak memegang peran itu."
    (re.compile(rf"(.+) tidak memegang peran ({'|'.join(map(re.escape, KNOWN_ROLES))})"),
     lambda name, role: gettext("%(name)s tidak memegang peran %(role)s", name=name,
                                role=role)),
    (re.compile(r"nomor surat perintah paling banyak (\d+) karakter"),
     lambda most: gettext("nomor surat perintah paling banyak %(most)s karakter", most=most)),
    (re.compile(r"tanggal harus dalam tahun (\d+)–(\d+)"),
     lambda first, last: gettext("tanggal harus dalam tahun %(first)s–%(last)s", first=first,
                                 last=last)),
]

