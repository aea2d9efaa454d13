"""Plausible values for declared forms, so that the demo history fills the bundled SOPs'
forms the way an office would (required fields always, others half of the time)."""

import random
from datetime import datetime
from typing import Any

from engine.bpmn.forms import fields

# Text fields of the bundled SOPs' forms, by name: values that belong there ("Unit kerja"
# holds a unit, never "Data sudah lengkap"); any other text field takes a neutral remark.
FIELD_TEXTS = {
    "pemohon": ("Budi Santoso", "Siti Rahmawati, S.H.", "Ahmad Fauzi", "Dewi Lestari, S.Kom."),
    "pegawai": ("Rina Marlina, S.Kom.", "Hendra Gunawan, A.Md.", "Yusuf Hidayat, S.T."),
    "unit": ("Kepaniteraan Pidana", "Kepaniteraan Perdata", "Sub Bagian Umum",
             "Sub Bagian Kepegawaian"),
    "uraian": ("Printer di ruang sidang 2 tidak dapat mencetak",
               "Permintaan akun SIPP untuk panitera pengganti baru",
               "Laptop tidak dapat tersambung ke jaringan kantor"),
    "sistem": ("SIPP", "e-Court", "Jaringan kantor", "Situs web"),
    "gejala": ("Halaman tidak dapat dibuka dari jaringan kantor",
               "Aplikasi sangat lambat sejak pagi"),
    "tindakan": ("Layanan dimulai ulang dan log diperiksa", "Kabel jaringan diganti"),
    "akar_masalah": ("Disk server hampir penuh", "Sakelar jaringan rusak"),
    "solusi": ("Log lama diarsipkan dan ruang disk dipantau", "Sakelar diganti yang baru"),
    "konsep": ("Konsep berita kegiatan sidang keliling, 3 paragraf dengan 2 foto",
               "Konsep pengumuman jadwal pelayanan selama libur nasional"),
    "judul_konten": ("Sidang Keliling di Kecamatan Wera", "Jadwal Pelayanan Libur Nasional"),
    "tautan": ("https://pa-bima.go.id/berita/sidang-keliling",
               "https://pa-bima.go.id/pengumuman/jadwal-pelayanan"),
    "nomor_surat": ("W22-A4/112/PR.00/I/2026", "W22-A4/245/PR.00/II/2026"),
    "target_kinerja": ("Menyelesaikan 95% permintaan layanan TI dalam batas waktu SOP",),
    "periode": ("Januari–Desember", "Semester I", "Semester II"),
}
_REMARKS = ("Sudah ditangani sesuai prosedur", "Data sudah lengkap",
            "Perlu pengecekan ulang perangkat")


def sample(rng: random.Random, form: dict[str, Any] | None, preset: dict[str, Any],
           moment: datetime) -> dict[str, Any]:
    """Values for ``form``'s fields: ``preset`` where it names the field (e.g. the incident's
    ``prioritas``), otherwise a random fitting value; file fields are left empty."""
    values: dict[str, Any] = {}
    for field in fields(form):
        name, kind = field["name"], field["kind"]
        if name in preset:
            values[name] = preset[name]
        elif kind == "file" or (not field["required"] and rng.random() < 0.5):
            continue
        elif kind in ("choice", "multi"):
            choice = rng.choice(field["choices"])["value"]
            values[name] = [choice] if kind == "multi" else choice
        elif kind == "number":
            values[name] = rng.randint(1, 4) if "kepuasan" in name else moment.year + 1
        elif kind == "date":
            values[name] = moment.date().isoformat()
        elif kind == "datetime":
            values[name] = moment.replace(microsecond=0, tzinfo=None).isoformat()
        elif kind == "boolean":
            values[name] = rng.random() < 0.5
        else:
            values[name] = rng.choice(FIELD_TEXTS.get(name, _REMARKS))
    return values
