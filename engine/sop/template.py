"""The SOP table template administrators download (README, "Tabel SOP"): every header
field of the identitas, ``Kunci Proses``, ``Kelompok``, ``Tujuan`` and ``Prefiks Nomor``, the
title row with two roles, and three example steps (a process, a decision that loops back,
the last step). It imports as it is."""

import csv
import io

from engine.sop.table import ALUR_COLUMNS, ALUR_HEADER_FIELDS, HEADER_FIELDS, KEY_FIELD, MUTU_BAKU

_EXAMPLE_HEADER = {
    "nama sop": "Contoh Permintaan Layanan",
    "disahkan oleh": "Ketua; Nama Pejabat, S.H.; NIP. 19700101 199001 1 001",
    "dasar hukum": "Permenpan RB Nomor 35 Tahun 2012 tentang Pedoman Penyusunan SOP",
    "kelompok": "TI",
    "tujuan": "Melayani permintaan layanan TI pegawai sampai selesai dan tercatat",
    "prefiks nomor": "CPL",
}
_ROLES = ("Prakom", "Kasubbag")
# No, Kegiatan, marks per role, Kelengkapan, Waktu, Output, Keterangan, Jika Ya,
# Jika Tidak, Pertanyaan, Sepanjang Waktu, Formulir
_EXAMPLE_STEPS = (
    ("1", "Menerima permintaan", "X", "", "Formulir permintaan", "15 menit",
     "Permintaan tercatat", "", "", "", "", "", ""),
    ("2", "Memeriksa dan menyetujui permintaan", "", "?", "Formulir permintaan", "1 jam",
     "Persetujuan", "Tidak = dikembalikan ke langkah 1", "3", "1", "Permintaan disetujui?",
     "", ""),
    ("3", "Menyelesaikan permintaan", "X", "", "Persetujuan", "1 hari kerja",
     "Layanan selesai", "", "", "", "", "", ""),
)


def table_template() -> str:
    """The template as CSV text (UTF-8, comma, RFC 4180 quoting)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for field in HEADER_FIELDS:
        writer.writerow([_label(field), _EXAMPLE_HEADER.get(field, "")])
    writer.writerow([_label(KEY_FIELD), "contoh_permintaan_layanan"])
    for field in ALUR_HEADER_FIELDS:
        writer.writerow([_label(field), _EXAMPLE_HEADER[field]])
    writer.writerow([])
    writer.writerow(["No", "Kegiatan", *_ROLES, *MUTU_BAKU, *ALUR_COLUMNS])
    writer.writerows(_EXAMPLE_STEPS)
    return out.getvalue()


def _label(field: str) -> str:
    return field.title().replace("Sop", "SOP").replace(" Dan ", " dan ").replace(" Oleh", " oleh")
