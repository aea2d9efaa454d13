"""The form fields and list filters of the pages by the labels their pages give them, for
the error page that names a field or filter it refused (a control character pasted into
it, ``web.edge``; a filter naming nothing known, ``web.errors.refuse_parameter``):
an official reads "Nomor surat perintah", not ``warrant_number``. The API keeps the
field names, which are its contract."""

from flask import Flask
from flask_babel import lazy_gettext

LABELS = {
    "username": lazy_gettext("Nama pengguna"), "password": lazy_gettext("Kata sandi"),
    "current_password": lazy_gettext("Kata sandi sekarang"),
    "new_password": lazy_gettext("Kata sandi baru"),
    "confirm_password": lazy_gettext("Ulangi kata sandi baru"),
    "full_name": lazy_gettext("Nama lengkap"), "email": lazy_gettext("Alamat surel"),
    "reason": lazy_gettext("Alasan"), "warrant_number": lazy_gettext("Nomor surat perintah"),
    "starts_at": lazy_gettext("Mulai berlaku"), "ends_at": lazy_gettext("Berlaku sampai"),
    "official": lazy_gettext("Pejabat"), "substitute": lazy_gettext("Pengganti"),
    "role": lazy_gettext("Peran"), "roles": lazy_gettext("Peran"), "kind": lazy_gettext("Jenis"),
    "smtp_host": lazy_gettext("Server SMTP"), "smtp_port": lazy_gettext("Port"),
    "smtp_username": lazy_gettext("Nama pengguna SMTP"),
    "smtp_password": lazy_gettext("Kata sandi SMTP"),
    "smtp_sender": lazy_gettext("Alamat pengirim"), "smtp_base_url": lazy_gettext("Alamat Alur"),
    "webhook_url": lazy_gettext("Alamat webhook"),
    "webhook_secret": lazy_gettext("Rahasia tanda tangan webhook"),
    "added": lazy_gettext("Hari libur tambahan"), "removed": lazy_gettext("Hari tetap masuk kerja"),
    "ramadan": lazy_gettext("Periode Ramadan"), "hours": lazy_gettext("Jam kerja"),
    "multiples": lazy_gettext("Kelipatan eskalasi"), "plh_max_days": lazy_gettext("Masa Plh"),
    "sla_minor": lazy_gettext("SLA tiket minor"), "timezone": lazy_gettext("Zona waktu"),
    "office": lazy_gettext("Nama instansi"), "unit": lazy_gettext("Unit kerja"),
    "comment": lazy_gettext("Catatan versi"), "name": lazy_gettext("Nama"),
    "nama": lazy_gettext("Nama saringan"), "title": lazy_gettext("Judul"),
    "text": lazy_gettext("Pesan"), "komentar": lazy_gettext("Komentar"),
    "alasan": lazy_gettext("Alasan"), "catatan": lazy_gettext("Catatan"),
    "cari": lazy_gettext("Cari"), "tugas": lazy_gettext("Tugas yang dipilih"),
    "kembali": lazy_gettext("Alamat kembali"), "assignee": lazy_gettext("Kepada"),
    "process_key": lazy_gettext("SOP"), "score": lazy_gettext("Nilai"),
    "language": lazy_gettext("Bahasa"), "path": lazy_gettext("Alamat halaman"),
    # The lists' filters in the address (Jejak audit, Daftar Proses, the reports).
    "pengguna": lazy_gettext("Nama pengguna"), "proses": lazy_gettext("Nomor proses"),
    "sop": lazy_gettext("SOP"), "dari": lazy_gettext("Dari tanggal"),
    "sampai": lazy_gettext("Sampai tanggal"), "tahun": lazy_gettext("Tahun"),
    "jenis": lazy_gettext("Jenis"), "periode": lazy_gettext("Periode"),
    "status": lazy_gettext("Status"), "tindakan": lazy_gettext("Tindakan"),
    # An account's boxes (Kelola pengguna).
    "is_admin": lazy_gettext("Administrator"), "is_auditor": lazy_gettext("Auditor (hanya membaca)"),
}


def field_label(name: str) -> str:
    """The label of the pages' form field ``name``; a name without one is kept (the
    fields of an SOP's form are named by their SOP, in Indonesian)."""
    return str(LABELS.get(name, name))


def register(app: Flask) -> None:
    """Install ``nama_isian`` (``field_label``) as a template filter."""
    app.add_template_filter(field_label, "nama_isian")
