"""Flask-Migrate's ``alur db`` in the administrator's language: the group's and each
subcommand's summary and options, said in Indonesian (Flask-Migrate writes them in English,
never through gettext). The commands themselves, and alembic's own output, are unchanged.
"""

import click

# The group's summary (README: ``alur db upgrade`` after an update).
GROUP = "Migrasi skema basis data (alur db upgrade sesudah pembaruan)."
COMMANDS = {
    "upgrade": "Naikkan skema basis data ke versi terbaru (atau ke REVISI).",
    "downgrade": "Turunkan skema basis data ke versi sebelumnya (atau ke REVISI).",
    "current": "Tampilkan versi skema basis data saat ini.",
    "history": "Daftar migrasi menurut urutan waktu.",
    "heads": "Tampilkan versi terakhir di folder migrasi.",
    "branches": "Tampilkan titik cabang migrasi.",
    "show": "Tampilkan satu migrasi (REVISI).",
    "stamp": "Tandai basis data pada versi REVISI tanpa menjalankan migrasinya.",
    "check": "Periksa apakah model berbeda dari migrasi terakhir.",
    "init": "Buat folder migrasi baru (untuk pengembang).",
    "revision": "Buat berkas migrasi baru (untuk pengembang).",
    "migrate": "Buat berkas migrasi baru dari perbedaan model (untuk pengembang).",
    "edit": "Sunting berkas migrasi (untuk pengembang).",
    "merge": "Gabungkan dua cabang migrasi (untuk pengembang).",
    "list-templates": "Daftar templat folder migrasi (untuk pengembang).",
}
OPTIONS = {
    "directory": 'Folder skrip migrasi (bawaan: "migrations").',
    "x_arg": "Argumen tambahan untuk skrip env.py.",
    "sql": "Jangan jalankan SQL pada basis data; tulis ke keluaran standar.",
    "tag": "Nama tag bebas untuk skrip env.py.",
    "verbose": "Keluaran lebih rinci.",
    "rev_range": "Rentang revisi, bentuknya [awal]:[akhir].",
    "indicate_current": "Tandai versi saat ini.",
    "resolve_dependencies": "Anggap versi dependensi sebagai revisi sebelumnya.",
    "purge": "Hapus versi di tabel alembic_version sebelum menandai.",
    "message": "Pesan revisi.",
    "autogenerate": "Isi skrip revisi dengan operasi dari perbandingan basis data dan model.",
    "head": "Revisi head (atau <cabang>@head) yang menjadi dasar revisi baru.",
    "splice": 'Izinkan revisi bukan head sebagai "head" untuk disambung.',
    "branch_label": "Label cabang untuk revisi baru.",
    "version_path": "Jalur dari konfigurasi untuk berkas versi.",
    "rev_id": "Id revisi yang ditentukan, bukan dibuat.",
    "multidb": "Dukung banyak basis data.",
    "template": 'Templat folder migrasi (bawaan: "flask").',
    "package": "Tulis berkas __init__.py kosong di folder lingkungan dan versi.",
}


def in_indonesian(group: click.Group) -> None:
    """Put ``GROUP``, ``COMMANDS`` and ``OPTIONS`` on Flask-Migrate's ``db`` group and its
    subcommands (in place: the same words each time; a name not listed keeps its text)."""
    group.help = group.short_help = GROUP
    _options(group)
    for name, command in group.commands.items():
        if name in COMMANDS:
            command.help = command.short_help = COMMANDS[name]
        _options(command)


# The placeholders of options that take a value, and of the arguments (click would write
# TEXT and REVISION).
METAVARS = {"directory": "FOLDER", "x_arg": "ARGUMEN", "tag": "TAG", "rev_range": "RENTANG",
            "message": "PESAN", "head": "REVISI", "branch_label": "LABEL",
            "version_path": "JALUR", "rev_id": "ID", "template": "TEMPLAT"}
ARGUMENTS = {"revision": "[REVISI]", "revisions": "[REVISI]..."}


def _options(command: click.Command) -> None:
    for param in command.params:
        if isinstance(param, click.Option) and param.name in OPTIONS:
            param.help = OPTIONS[param.name]
            param.metavar = METAVARS.get(param.name, param.metavar)
        elif isinstance(param, click.Argument) and param.name in ARGUMENTS:
            param.metavar = ARGUMENTS[param.name]
