"""``alur backup [DIR] [--keep N]``, ``alur backup --verify DIR`` and ``alur restore DIR``.

The work is done by ``web.cli.archive`` (folders, manifest) and ``web.cli.dumps``
(database copies); this module reads the app's configuration and reports.
"""

import importlib.metadata
import os
import platform
import sqlite3
from pathlib import Path
from typing import Any, NoReturn

import click
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from engine.db import database_words
from engine.escalation import drill
from web import environment
from web.cli import archive, dumps
from web.cli.origin import mark_command_origin
from web.cli.ranges import WholeRange
from web.extensions import clock, db


def _instance(app: Flask) -> archive.Instance:
    return archive.Instance(database_url=app.config["SQLALCHEMY_DATABASE_URI"],
                            attachments=Path(app.config["ALUR_ATTACHMENTS_PATH"]),
                            secret_file=Path(app.instance_path) / "secret_key")


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in ("alur", "SpiffWorkflow"):
        try:
            found[name.lower()] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name.lower()] = "unknown"
    return found


def _fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"GAGAL: {message}", err=True)
    raise SystemExit(code)


def _named_folder(context: click.Context, param: click.Parameter, value: str | None
                  ) -> Path | None:
    """FOLDER as a path; an empty one (``alur backup ""``) is refused: it wrote the backup
    into whatever folder the command ran in, not into ALUR_BACKUP_PATH."""
    if value == "":
        raise click.BadParameter("kosong; sebut foldernya, atau jangan beri FOLDER agar "
                                 "cadangan ditulis ke ALUR_BACKUP_PATH.", param=param)
    return None if value is None else Path(value)


@click.command("backup", help=(
    "Cadangkan basis data, lampiran dan kunci rahasia. Cadangan ditulis ke FOLDER (bawaan "
    "ALUR_BACKUP_PATH) selagi server melayani; --verify memeriksa cadangan."))
@click.argument("folder", required=False, callback=_named_folder,
                type=click.Path(file_okay=False))
@click.option("--keep", metavar="N", type=WholeRange(min=1),
              help="Sesudah mencadangkan, simpan hanya N cadangan terbaru di FOLDER.")
@click.option("--verify", "verify_only", is_flag=True,
              help="Jangan mencadangkan: periksa cadangan FOLDER (atau yang terbaru di "
                   "dalamnya) dengan memulihkannya ke tempat sementara.")
@with_appcontext
def backup_command(folder: Path | None, keep: int | None, verify_only: bool) -> None:
    """Back up the database, the attachments and the secret key into ``folder`` (default
    ALUR_BACKUP_PATH) while the server serves; or, ``verify_only``, check a backup."""
    app = current_app._get_current_object()
    root = folder or Path(app.config["ALUR_BACKUP_PATH"])
    if verify_only:
        if keep:  # it pruned nothing: --verify only reads
            raise click.UsageError("--keep tidak dipakai bersama --verify (memeriksa tidak "
                                   "menghapus cadangan apa pun).")
        if folder is not None and not folder.is_dir():  # a usage error, as restore's
            raise click.BadParameter(f"Folder '{folder}' tidak ada.", param_hint="'FOLDER'")
        _verify(app, root)
        return
    try:
        made, manifest = archive.take(_instance(app), app.secret_key, root, clock().now(),
                                      _versions())
    except dumps.DumpFailed as error:
        _fail(f"cadangan tidak dibuat: {error}")
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        _fail(f"cadangan tidak dibuat: {where}{environment.os_words(error)}")
    except (SQLAlchemyError, sqlite3.Error) as error:
        _fail(f"cadangan tidak dibuat: basis data tidak dapat dibaca ({database_words(error)})")
    rows = sum(manifest["tables"].values())
    click.echo(f"cadangan {made}: {len(manifest['tables'])} tabel, {rows} baris, "
               f"{_attachments(manifest)}")
    if keep:
        for removed in archive.prune(root, keep, made):
            click.echo(f"dihapus (lebih dari {keep} cadangan): {removed}")
    if manifest["problems"]:
        for problem in manifest["problems"]:
            click.echo(f"PERINGATAN: {problem}", err=True)
        raise SystemExit(1)


def _verify(app: Flask, target: Path) -> None:
    if not (target / archive.MANIFEST).exists():
        found = archive.complete_backups(target)
        if not found:
            _fail(f"tidak ada cadangan di {target}")
        target = found[-1]
    try:
        # As ``alur restore`` refuses it: a backup this Alur cannot migrate does not pass,
        # and is not restored into a scratch database first.
        manifest = archive.verify(target, app.config["SQLALCHEMY_DATABASE_URI"],
                                  migratable=lambda revision: _migration_gap(app, revision))
    except dumps.NoCreatedb as error:  # the setup, not the backup: as a ConfigError
        _fail(f"cadangan {target} tidak dapat diperiksa: --verify memulihkannya ke basis "
              f"data sementara, tetapi {error} (pengguna ALUR_DATABASE_URL). Beri hak itu "
              f"(ALTER ROLE {error.role} CREATEDB; lihat deploy/postgresql/setup.sql) atau "
              "pakai cadangannya tanpa --verify", code=2)
    except (archive.BackupRefused, dumps.DumpFailed) as error:
        _fail(f"cadangan {target} tidak lolos: {error}")
    except SQLAlchemyError as error:
        _fail(f"cadangan {target} tidak dapat diperiksa: basis data menolak "
              f"({database_words(error)})")
    tables, problems = manifest["tables"], _recorded_problems(manifest)
    if problems:
        _fail(f"cadangan {target} tidak lengkap: basis datanya lolos ({len(tables)} tabel), "
              f"tetapi saat dibuat tercatat {len(problems)} masalah: {'; '.join(problems)}")
    click.echo(f"cadangan {target} lolos: dipulihkan ke tempat sementara, {len(tables)} "
               f"tabel dan {sum(tables.values())} baris sama dengan manifest")


def _attachments(manifest: dict[str, Any]) -> str:
    """The attachment files the backup holds, and the database's count when some were
    missing (``manifest["attachments"]`` counts the database's rows, not the files)."""
    held = sum(1 for path in manifest["files"] if path.startswith(f"{archive.ATTACHMENTS}/"))
    recorded = manifest["attachments"]
    return f"{held} lampiran" if held == recorded else f"{held} dari {recorded} lampiran"


def _recorded_problems(manifest: dict[str, Any]) -> list[str]:
    """What a backup could not copy when it was made (its manifest's ``problems``, e.g. an
    attachment missing from the instance)."""
    return [str(problem) for problem in manifest.get("problems") or []]


@click.command("restore", help=(
    "Pulihkan cadangan FOLDER ke instans kosong. Basis data dan folder lampirannya harus "
    "kosong."))
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--latihan", is_flag=True, help=(
    "Latihan pemulihan: salinan ini tidak mengirim surel atau webhook (server SMTP dan alamat "
    "webhook dikosongkan, pesan yang menunggu dibuang)."))
@with_appcontext
def restore_command(folder: Path, latihan: bool) -> None:
    """Restore the backup in ``folder`` into an empty instance (empty database and
    attachments folder); ``latihan``: a drill's copy, silenced (``engine.escalation.drill``)."""
    app = current_app._get_current_object()
    try:
        manifest = archive.check(folder)
        revision = manifest["versions"].get("migration", "")
        newer = _migration_gap(app, revision)
        manifest = archive.restore(folder, _instance(app))
    except (archive.BackupRefused, dumps.DumpFailed) as error:
        _fail(f"tidak dipulihkan: {error}")
    click.echo(f"dipulihkan dari {folder}: {sum(manifest['tables'].values())} baris, "
               f"{_attachments(manifest)}, kunci rahasia")
    if newer:
        click.echo("cadangan ini dari skema lama; jalankan `alur db upgrade`.")
    _silence(latihan)
    if os.environ.get("ALUR_SECRET_KEY"):
        click.echo("ALUR_SECRET_KEY diisi: kunci itulah yang dipakai, bukan kunci cadangan.")
    problems = _recorded_problems(manifest)
    if problems:
        click.echo("PERINGATAN: cadangan ini tidak lengkap saat dibuat; yang dipulihkan "
                   "berbeda dari aslinya:", err=True)
        for problem in problems:
            click.echo(f"PERINGATAN: {problem}", err=True)
        raise SystemExit(1)


def _silence(latihan: bool) -> None:
    """Silence a drill's copy (``latihan``), or say that this one sends as the office does."""
    if not latihan:
        click.echo("salinan ini mengirim surel dan webhook dengan pengaturan kantor, juga pesan "
                   "yang menunggu di kotak keluarnya; untuk latihan pemulihan, pulihkan dengan "
                   "--latihan agar tidak ada pesan keluar")
        return
    db.engine.dispose()  # a connection opened before the restore may see the empty file
    mark_command_origin()  # its record names who ran it, as every command's does
    try:
        dropped = drill.silence(db.session, clock())
        db.session.commit()
    except SQLAlchemyError as error:
        db.session.rollback()
        _fail(f"dipulihkan, tetapi surel dan webhook belum dimatikan: {database_words(error)}; "
              "kosongkan server SMTP dan alamat webhook di Pengaturan sebelum alur serve")
    click.echo("latihan: server SMTP dan alamat webhook dikosongkan di Pengaturan; "
               f"{dropped} pesan yang menunggu dibuang, tidak dikirim")


def _migration_gap(app: Flask, revision: str) -> bool:
    """Whether the backup's schema is older than this code's; raises BackupRefused when
    this code does not know the revision (a backup of a newer Alur)."""
    config = Config()
    config.set_main_option("script_location", app.extensions["migrate"].directory)
    script = ScriptDirectory.from_config(config)
    try:  # alembic asserts on an empty revision (a database never migrated)
        known = bool(revision) and script.get_revision(revision) is not None
    except CommandError:
        known = False
    if not known:
        raise archive.BackupRefused(f"revisi migrasi {revision or '(kosong)'} tidak dikenal "
                                    "versi Alur ini; pakai Alur yang sama atau lebih baru")
    return revision not in script.get_heads()
