"""Why a message could not be sent (``engine.escalation.failure_words``), in the reader's
language: the cause the engine wrote first, translated; the technical text in brackets
after it stays as the library wrote it (for IT). Pengaturan's last failure of a channel
and the test e-mail's answer read it (the regression probe: an English page said "server
surel tidak menjawab dalam 10 detik")."""

from flask_babel import gettext

from web.i18n import N_

# The engine's causes, each as written there (``CAUSES`` and the special cases).
_CAUSES = (
    N_("alamat webhook tidak menjawab dalam 10 detik"),
    N_("tidak dapat tersambung ke alamat webhook (periksa alamatnya dan apakah layanannya "
       "berjalan)"),
    N_("permintaan ke alamat webhook gagal"),
    N_("server surel menolak nama pengguna atau kata sandi SMTP"),
    N_("server surel menolak alamat penerima"),
    N_("server surel menolak alamat pengirim (isian Pengirim)"),
    N_("server surel tidak mendukung STARTTLS atau login yang diatur (periksa isian "
       "STARTTLS, nama pengguna dan port)"),
    N_("server surel memutus sambungan"),
    N_("server surel menolak pesan"),
    N_("sambungan terenkripsi (TLS) gagal"),
    N_("nama server tidak dikenal (periksa ejaan host dan DNS)"),
    N_("server menolak sambungan: tidak ada layanan di host dan port itu (periksa isian dan "
       "apakah servernya berjalan)"),
    N_("server tidak menjawab dalam 10 detik"),
    N_("galat jaringan"),
    N_("server surel meminta login: isi nama pengguna dan kata sandi SMTP"),
    N_("server surel tidak menjawab dalam 10 detik"),
    N_("galat"),
)


def failure_in_reader_language(text: str) -> str:
    """``text`` (a failure as the outbox keeps it: cause, then ``(technical text)``) with
    its cause in the request's language; a text with another start unchanged."""
    for cause in sorted(_CAUSES, key=len, reverse=True):
        if text == cause or text.startswith((cause + " (", cause + "; ")):
            return gettext(cause) + text[len(cause):]
    return text
