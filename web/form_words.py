"""The engine's commonest refusals of a form's fields and of a step of another role, in the
reader's language: what an official meets most on a start or step form ("wajib diisi",
"harus berupa angka", a file of a type not allowed). The labels, values and file names in
them are the SOP's and the official's own, kept as written; any other message stays as
the engine wrote it (README, "Bahasa"). Read by ``web.engine_words.in_reader_language``."""

import re
from collections.abc import Callable

from flask_babel import gettext, lazy_gettext

# ``engine.process.forms._TYPES``'s words, as the refusal "harus berupa …" says them.
_TYPES = {"angka": lazy_gettext("angka"), "bilangan bulat": lazy_gettext("bilangan bulat"),
          "teks": lazy_gettext("teks"), "ya atau tidak": lazy_gettext("ya atau tidak"),
          "daftar pilihan": lazy_gettext("daftar pilihan")}


def _typed(label: str, kind: str) -> str:
    return gettext('"%(label)s" harus berupa %(kind)s', label=label, kind=str(_TYPES[kind]))


PATTERNS: list[tuple[re.Pattern[str], Callable[..., str]]] = [
    (re.compile(r'"(.+)" wajib diisi'),
     lambda label: gettext('"%(label)s" wajib diisi', label=label)),
    (re.compile(rf'"(.+)" harus berupa ({"|".join(_TYPES)})'), _typed),
    (re.compile(r'"(.+)" harus teks, paling banyak (\d+) karakter'),
     lambda label, most: gettext('"%(label)s" harus teks, paling banyak %(most)s karakter',
                                 label=label, most=most)),
    (re.compile(r'"(.+)" paling banyak (\d+) karakter'),
     lambda label, most: gettext('"%(label)s" paling banyak %(most)s karakter', label=label,
                                 most=most)),
    (re.compile(r'"(.+)" harus salah satu dari: (.+)'),
     lambda label, allowed: gettext('"%(label)s" harus salah satu dari: %(allowed)s',
                                    label=label, allowed=allowed)),
    (re.compile(r'"(.+)" harus tanggal \(TTTT-BB-HH\)'),
     lambda label: gettext('"%(label)s" harus tanggal (TTTT-BB-HH)', label=label)),
    (re.compile(r'"(.+)" harus tanggal dan jam \(TTTT-BB-HHTJJ:MM, mis\. (.+)\)'),
     lambda label, example: gettext('"%(label)s" harus tanggal dan jam (TTTT-BB-HHTJJ:MM, mis. '
                                    "%(example)s)", label=label, example=example)),
    (re.compile(r'"(.+)": tanggal (.+) tidak ada di kalender'),
     lambda label, day: gettext('"%(label)s": tanggal %(day)s tidak ada di kalender',
                                label=label, day=day)),
    (re.compile(r"judul wajib diisi \(paling banyak (\d+) karakter\)"),
     lambda most: gettext("judul wajib diisi (paling banyak %(most)s karakter)", most=most)),
    (re.compile(r'Catatan wajib diisi bila memilih "(.+)": tulis alasan pengembaliannya'),
     lambda choice: gettext('Catatan wajib diisi bila memilih "%(choice)s": tulis alasan '
                            "pengembaliannya", choice=choice)),
    (re.compile(r'(.+) "(.+)": jenis berkas tidak diizinkan; yang boleh: (.+); tidak ada '
                r"berkas yang disimpan"),
     lambda label, name, allowed: gettext(
         '%(label)s "%(name)s": jenis berkas tidak diizinkan; yang boleh: %(allowed)s; tidak '
         "ada berkas yang disimpan", label=label, name=name, allowed=allowed)),
    # A step of another lane (``engine.process.other_lane``), on its 403 page.
    (re.compile(r'Tugas "(.+)" dikerjakan oleh peran (.+); Anda tidak memegang peran itu\.'),
     lambda step, role: gettext('Tugas "%(step)s" dikerjakan oleh peran %(role)s; Anda tidak '
                                "memegang peran itu.", step=step, role=role)),
]
