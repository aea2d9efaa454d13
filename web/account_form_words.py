"""The refusals of an account's fields in the reader's language: the administrator's
Tambah pengguna and Ubah (``engine.people.accounts``), each row of Impor akun
(``engine.people.account_import``) and an alert source, which is an account too
(``engine.desk.alerts.add_source``). Names, roles and addresses in them are kept as typed;
any other message stays as the engine wrote it (README, "Bahasa"). Read by
``web.engine_words.in_reader_language``; the most particular wording comes first, as a
pattern's ``(.+)`` would take the rest of a longer one."""

import re
from collections.abc import Callable

from flask_babel import gettext

from web.form_words import said
from web.i18n import N_

PATTERNS: list[tuple[re.Pattern[str], Callable[..., str]]] = [*map(said, (
    N_("huruf kecil, angka, _ atau . (diawali huruf), 2–64 karakter"),
    N_("nama pengguna wajib diisi"),
    N_("pengguna %(username)s sudah ada"),
    N_("%(username)s sudah disebut di baris %(line)s"),
    N_("nama lengkap wajib diisi"),
    N_("nama lengkap paling banyak %(most)s karakter"),
    N_("nama lengkap memuat pindah baris; tulis dalam satu baris (di berkas CSV: tanda kutip "
       "yang dibuka harus ditutup)"),
    N_("alamat surel paling banyak %(most)s karakter"),
    N_("alamat surel tidak valid (contoh: nama@pa-bima.go.id)"),
    N_("peran tidak dikenal: %(roles)s (maksud Anda %(meant)s?) (dikenal: %(known)s)"),
    N_("peran tidak dikenal: %(roles)s (dikenal: %(known)s)"),
    N_("peran tidak dikenal: %(roles)s (maksud Anda %(meant)s?)"),
    N_("peran tidak dikenal: %(roles)s"),
    N_("bahasa tidak dikenal: %(typed)s (pilih Bahasa Indonesia atau English, atau "
       "kosongkan)"),
    N_("auditor hanya membaca: akun auditor tidak memegang peran dan bukan administrator"),
    N_("kata sandi paling sedikit %(least)s karakter"),
    N_("kata sandi tidak boleh hanya berisi spasi"),
    N_("kata sandi paling banyak %(most)s karakter"),
    N_("Akun %(username)s milik sumber peringatan %(name)s: ia tidak masuk ke Alur, tidak "
       "memegang peran dan tidak punya hak admin atau auditor. Hentikan kirimannya dengan "
       "menonaktifkan akunnya; token yang bocor diganti di Sumber peringatan."),
    # The file of Impor akun as a whole.
    N_('berkas Excel (.xlsx), bukan CSV; di Excel simpan sebagai "CSV UTF-8" lalu unggah '
       "berkas itu"),
    N_('bukan teks UTF-8; di Excel simpan sebagai "CSV UTF-8"'),
    N_("berkas PDF, bukan CSV; buat daftarnya di Excel lalu simpan sebagai \"CSV UTF-8\""),
    N_("berkas kosong; unggah daftar akun sebagai CSV dengan baris judul %(columns)s"),
    N_("baris judul harus memuat kolom %(missing)s (kolom yang dikenal: %(known)s)"),
    N_("paling banyak %(most)s akun sekaligus; berkas ini memuat %(given)s"),
    N_("tidak ada baris akun di bawah baris judul"),
    N_("pilih berkas CSV daftar akun"),
    N_('%(given)s isian, padahal baris judul %(columns)s kolom; isian yang memuat '
       '%(separator)s harus diberi tanda kutip (mis. "Budi Santoso, S.Kom.")'),
    # An alert source (Sumber peringatan).
    N_("nama wajib diisi"),
    N_("nama 2–41 huruf kecil, angka atau '-', diawali huruf atau angka"),
    N_("sumber %(name)s sudah ada; pilih nama lain"),
    N_("akun %(username)s sudah ada (bukan milik sumber peringatan); pilih nama lain"),
    N_("jenis harus salah satu dari: %(kinds)s"),
    N_("memuat karakter kendali yang tidak dapat disimpan (mis. tersalin dari dokumen lain); "
       "hapus karakter itu dari berkasnya"),
))]
# Where in the file a row's problem is (``engine.people.account_import.create_all``).
_CELL = re.compile(r"baris (\d+), kolom (\S+)")
_ROW = re.compile(r"baris (\d+)")  # a row as a whole: its cells cannot be told apart


def cell_words(where: str) -> str:
    """``baris 2, kolom surel`` or ``baris 2`` in the reader's language; any other key
    unchanged."""
    found = _CELL.fullmatch(where)
    if found is None:
        row = _ROW.fullmatch(where)
        return gettext("baris %(line)s", line=row[1]) if row else where
    return gettext("baris %(line)s, kolom %(column)s", line=found[1], column=found[2])
