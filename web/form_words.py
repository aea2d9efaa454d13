"""The engine's commonest refusals of a form's fields and of a step of another role, in the
reader's language: what an official meets most on a start or step form ("wajib diisi",
"harus berupa angka", a file of a type not allowed). The labels, values and file names in
them are the SOP's and the official's own, kept as written; any other message stays as
the engine wrote it (README, "Bahasa"). Read by ``web.engine_words.in_reader_language``.

Each refusal is written once, as its message id: the engine's exact words with each value
a ``%(name)s`` placeholder; the pattern that recognises it is made from it."""

import re
from collections.abc import Callable
from decimal import Decimal

from flask_babel import format_decimal, get_locale, gettext, lazy_gettext

from web.i18n import N_

# ``engine.process.forms._TYPES``'s words, as the refusal "harus berupa …" says them.
_TYPES = {"angka": lazy_gettext("angka"), "bilangan bulat": lazy_gettext("bilangan bulat"),
          "teks": lazy_gettext("teks"), "ya atau tidak": lazy_gettext("ya atau tidak"),
          "daftar pilihan": lazy_gettext("daftar pilihan")}
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def said(message_id: str) -> tuple[re.Pattern[str], Callable[..., str]]:
    """The pattern of the engine's words ``message_id`` (each placeholder any text) and
    their translation with the values found in them."""
    names = _PLACEHOLDER.findall(message_id)
    pattern = "(.+)".join(re.escape(part) for part in _PLACEHOLDER.split(message_id)[::2])
    return re.compile(pattern), lambda *values: gettext(message_id, **dict(zip(names, values)))


def _typed(label: str, kind: str) -> str:
    return gettext('"%(label)s" harus berupa %(kind)s', label=label, kind=str(_TYPES[kind]))


def _grouped(label: str, given: str, whole: str, decimal: str | None) -> str:
    """A number typed with thousands dots, and what it can be read as: to an English reader
    the decimal reading as he writes it ("12.5": "12,500" read as twelve thousand five
    hundred); to an Indonesian one as the engine wrote it."""
    shown = decimal if not decimal or str(get_locale()) == "id" else format_decimal(
        Decimal(decimal.replace(",", ".")), format="#0.##########")
    readings = gettext("%(whole)s atau %(decimal)s", whole=whole, decimal=shown) if decimal \
        else whole
    return gettext('"%(label)s" %(given)s dapat dibaca %(readings)s; tulis tanpa titik ribuan '
                   "(mis. 12500), desimal dengan koma (mis. 12,5)", label=label, given=given,
                   readings=readings)


PATTERNS: list[tuple[re.Pattern[str], Callable[..., str]]] = [
    (re.compile(rf'"(.+)" harus berupa ({"|".join(_TYPES)})'), _typed),
    # ``engine.process.forms._type_text``: a number as it is written on paper.
    (re.compile(r'"(.+)" (\S+) dapat dibaca (\S+?)(?: atau (\S+))?; tulis tanpa titik ribuan '
                r"\(mis\. 12500\), desimal dengan koma \(mis\. 12,5\)"), _grouped),
    *map(said, (
        N_('"%(label)s" wajib diisi'),
        N_('"%(label)s" harus teks, paling banyak %(most)s karakter'),
        N_('"%(label)s" paling banyak %(most)s karakter'),
        N_('"%(label)s" harus salah satu dari: %(allowed)s'),
        N_('"%(label)s" harus tanggal (TTTT-BB-HH)'),
        N_('"%(label)s" harus tanggal dan jam (TTTT-BB-HHTJJ:MM, mis. %(example)s)'),
        N_('"%(label)s": tanggal %(day)s tidak ada di kalender'),
        N_('"%(label)s" %(given)s dapat dibaca %(whole)s; tulis tanpa titik ribuan (mis. '
           "1500000,50)"),
        N_('"%(label)s" %(given)s: tulis angkanya saja, tanpa Rp, spasi dan tanda ribuan (mis. '
           "1500000 atau 1500000,50)"),
        N_('"%(label)s" %(given)s punya lebih dari %(most)s angka bermakna; angka sepanjang '
           "itu tidak tersimpan persis"),
        N_('"Judul" wajib diisi (paling banyak %(most)s karakter)'),
        N_('"Judul" paling banyak %(most)s karakter; yang dikirim %(given)s'),
        # Cancelling a process (``engine.process.instances.cancel_instance``).
        N_("alasan pembatalan wajib diisi"),
        N_("alasan pembatalan paling banyak %(most)s karakter"),
        N_('Catatan wajib diisi bila memilih "%(choice)s": tulis alasan pengembaliannya'),
        # The ticket page's message and rating (``engine.desk``).
        N_("Pesan: tulis 1–%(most)s karakter"),
        N_("pilih nilai 1–5 (bilangan bulat)"),
        N_("Komentar paling banyak %(most)s karakter"),
        # A step of another lane (``engine.process.other_lane``), on its 403 page.
        N_('Tugas "%(step)s" dikerjakan oleh peran %(role)s; Anda tidak memegang peran itu.'),
        N_('Tugas "%(step)s" dikerjakan oleh peran %(role)s; Anda tidak memegang peran itu: '
           "SOP-nya direvisi dan langkah ini dilepas dari Anda (dipindahkan ke versi "
           "%(version)s, Pelaksana langkahnya berubah)."),
    )),
]
