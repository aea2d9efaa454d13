"""A refused file (``engine.process.attachments.refusal``: ``Lampiran "foto.pdf": isi berkas
bukan PDF yang sah; tidak ada berkas yang disimpan``) in the reader's language: the field
"Lampiran" as his page names it, the file's name kept, each of the engine's reasons
(``attachments._checked``) translated. A form's own file field keeps its label as the SOP
writes it. Read by ``web.engine_words.in_reader_language``."""

import re

from flask_babel import gettext, pgettext

from web.form_words import said
from web.i18n import N_

REASONS = [said(reason) for reason in (
    N_("jenis berkas tidak diizinkan; yang boleh: %(allowed)s"),
    N_("isi berkas bukan %(kind)s yang sah"),
    N_("berkas kosong"),
    N_("berkas lebih dari %(size)s"),
    N_("berkas teks tidak boleh berisi data biner"),
    N_("berkas tanpa nama; kirim namanya beserta ekstensinya (mis. laporan.pdf)"),
)]
_REFUSED = re.compile(r'(.+?) (?:"(.+)"|\(tanpa nama\)): (.+); tidak ada berkas yang disimpan')


def _refused(label: str, name: str | None, reason: str) -> str | None:
    """The refusal in the reader's language, or None for a reason not the engine's."""
    for pattern, words in REASONS:
        found = pattern.fullmatch(reason)
        if found:
            shown = pgettext("berkas ditolak", "Lampiran") if label == "Lampiran" else label
            if name is None:
                return gettext("%(label)s (tanpa nama): %(reason)s; tidak ada berkas yang "
                               "disimpan", label=shown, reason=words(*found.groups()))
            return gettext('%(label)s "%(name)s": %(reason)s; tidak ada berkas yang disimpan',
                           label=shown, name=name, reason=words(*found.groups()))
    return None


def file_refusal(message: str) -> str | None:
    """``message`` in the reader's language when it is a refused file, else None."""
    found = _REFUSED.fullmatch(message)
    return _refused(*found.groups()) if found else None
