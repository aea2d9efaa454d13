"""Backups of an Alur instance as folders, without Flask: the database copy
(``web.cli.dumps``), the attachments, the secret key and ``manifest.json``.

A backup folder ``alur-YYYYMMDDTHHMMSSZ`` holds::

    manifest.json      format, created_at, versions, database (dialect, file, schema),
                       tables (rows per table), attachments (count), files (SHA-256 each)
    database.sqlite3 | database.pgdump
    secret_key
    lampiran/<stored name>

It is written as ``….partial`` and renamed when complete. A restore first checks every
file against the manifest and refuses a mismatch before touching anything.
"""

import hashlib
import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from engine.db import shown_url
from web.cli import dumps

FORMAT = 1
MANIFEST = "manifest.json"
ATTACHMENTS = "lampiran"
SECRET_KEY = "secret_key"
# The one database file a backup of each kind holds (``dumps.dump``).
DATABASE_FILES = {"sqlite": dumps.SQLITE_FILE, "postgresql": dumps.POSTGRES_FILE}
_PREFIX = "alur-"


class BackupRefused(Exception):
    """A backup that may not be restored or verified, or a target that is not empty;
    ``str()`` says why (Indonesian), naming the file or table."""


@dataclass
class Instance:
    """Where an Alur instance keeps its state: the database URL, the attachments folder
    and the file the secret key is kept in."""

    database_url: str
    attachments: Path
    secret_file: Path


def take(instance: Instance, secret_key: str, root: Path, now: datetime,
         versions: dict[str, str]) -> tuple[Path, dict[str, Any]]:
    """Back up ``instance`` into a new folder under ``root``; return it and its manifest.

    ``now``: aware, names the folder. ``versions``: e.g. ``{"alur": "0.1.0"}``. The
    manifest lists attachments whose file is missing or differs from its recorded SHA-256
    under ``problems`` (the backup is still written). Raises dumps.DumpFailed.
    """
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"{_PREFIX}{now.strftime('%Y%m%dT%H%M%SZ')}"
    number = 1
    while (root / name).exists() or (root / f"{name}.partial").exists():
        number += 1
        name = f"{_PREFIX}{now.strftime('%Y%m%dT%H%M%SZ')}-{number}"
    staging = root / f"{name}.partial"
    staging.mkdir(mode=0o700)
    try:
        database_file, facts = dumps.dump(instance.database_url, staging)
        (staging / ATTACHMENTS).mkdir(mode=0o700)
        problems = []
        for stored_name, expected in sorted(facts.attachments.items()):
            source = instance.attachments / stored_name
            if not source.is_file():
                problems.append(f"lampiran {stored_name}: berkas tidak ada")
                continue
            shutil.copyfile(source, staging / ATTACHMENTS / stored_name)
            (staging / ATTACHMENTS / stored_name).chmod(0o600)
            if _sha256(staging / ATTACHMENTS / stored_name) != expected:
                problems.append(f"lampiran {stored_name}: isi berbeda dari SHA-256 tercatat")
        secret = staging / SECRET_KEY
        secret.write_text(secret_key)
        secret.chmod(0o600)
        manifest = {
            "format": FORMAT, "created_at": now.isoformat(),
            "versions": {**versions, "database": facts.server,
                         "migration": facts.revision or ""},
            "database": {"dialect": dumps.dialect(instance.database_url),
                         "file": database_file, "schema": _schema(instance.database_url)},
            "tables": facts.tables, "attachments": len(facts.attachments),
            "files": {path: _sha256(staging / path) for path in _files(staging)},
            "problems": problems,
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
        (staging / MANIFEST).chmod(0o600)  # every file of a backup is its owner's only
        staging.rename(root / name)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return root / name, manifest


def check(folder: Path) -> dict[str, Any]:
    """The manifest of the backup in ``folder`` after checking that every file it lists
    is there with its SHA-256 and that nothing else is. Raises BackupRefused."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupRefused(f"{folder / MANIFEST} tidak ada; ini bukan folder cadangan Alur")
    except (ValueError, UnicodeDecodeError):
        raise BackupRefused(f"{MANIFEST} rusak: bukan JSON yang sah") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupRefused(f"{MANIFEST}: format tidak dikenal (yang dikenal: {FORMAT})")
    try:
        files, tables = dict(manifest["files"]), dict(manifest["tables"])
        database = manifest["database"]
        listed = {database["file"], SECRET_KEY}
        expected_attachments = int(manifest["attachments"])
        migration = dict(manifest["versions"]).get("migration", "")
    except (KeyError, TypeError, ValueError):
        raise BackupRefused(f"{MANIFEST}: isian files, tables, database, attachments atau "
                            "versions hilang atau salah bentuk") from None
    if not isinstance(migration, str):
        raise BackupRefused(f"{MANIFEST}: versions.migration harus teks")
    expected_file = DATABASE_FILES.get(database.get("dialect"))
    if expected_file is None or database["file"] != expected_file:
        raise BackupRefused(f"{MANIFEST}: database.dialect dan database.file harus sqlite "
                            f"dengan {dumps.SQLITE_FILE} atau postgresql dengan "
                            f"{dumps.POSTGRES_FILE}")
    if not all(isinstance(v, int) for v in tables.values()):
        raise BackupRefused(f"{MANIFEST}: jumlah baris per tabel harus bilangan bulat")
    present = set(_files(folder))
    for paths, message in ((listed - set(files), f"tidak tercatat di {MANIFEST}"),
                           (set(files) - present, f"tercatat di {MANIFEST} tetapi tidak ada"),
                           (present - set(files), f"ada tetapi tidak tercatat di {MANIFEST}")):
        if paths:
            raise BackupRefused(f"berkas {min(paths)} {message}")
    damaged = sorted(path for path in files if _sha256(folder / path) != files[path])
    if damaged:
        raise BackupRefused(f"berkas {damaged[0]}: SHA-256 tidak cocok dengan {MANIFEST}")
    if sum(1 for path in files if path.startswith(f"{ATTACHMENTS}/")) != expected_attachments \
            and not manifest.get("problems"):
        raise BackupRefused(f"{MANIFEST}: jumlah lampiran tidak cocok dengan berkasnya")
    return manifest


def restore(folder: Path, instance: Instance) -> dict[str, Any]:
    """Restore the backup in ``folder`` into the empty ``instance``: database, then
    attachments, then the secret key. Refuses (BackupRefused, nothing changed) a backup
    failing ``check``, another database kind or schema, or a target that is not empty;
    a database whose migration revision or row counts differ from the manifest's is
    emptied again and refused. Returns the manifest."""
    manifest = check(folder)
    database = manifest["database"]
    kind = dumps.dialect(instance.database_url)
    if database["dialect"] != kind:
        raise BackupRefused(f"cadangan ini dari {database['dialect']}, tujuannya {kind}")
    if kind == "postgresql" and database["schema"] != _schema(instance.database_url):
        raise BackupRefused(f"cadangan ini dari skema {database['schema']}; tujuan harus "
                            f"skema yang sama (search_path), bukan "
                            f"{_schema(instance.database_url)}")
    if not dumps.is_empty(instance.database_url):
        raise BackupRefused(f"basis data tujuan {shown_url(instance.database_url)} tidak "
                            "kosong; pulihkan hanya ke instans baru (periksa ALUR_DATABASE_URL)")
    if instance.attachments.exists() and any(instance.attachments.iterdir()):
        raise BackupRefused(f"folder lampiran {instance.attachments} tidak kosong")
    dumps.restore(instance.database_url, folder / database["file"])
    problem = _mismatch(manifest, dumps.facts(instance.database_url), "hasil pemulihan")
    if problem:
        dumps.drop_tables(instance.database_url)
        raise BackupRefused(problem)
    instance.attachments.mkdir(parents=True, exist_ok=True)
    instance.attachments.chmod(0o700)  # as the app makes it: no other local user reads them
    for path in sorted(manifest["files"]):
        if path.startswith(f"{ATTACHMENTS}/"):
            copied = instance.attachments / Path(path).name
            shutil.copyfile(folder / path, copied)
            copied.chmod(0o600)
    instance.secret_file.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(folder / SECRET_KEY, instance.secret_file)
    instance.secret_file.chmod(0o600)
    return manifest


def verify(folder: Path, database_url: str, *,
           migratable: Callable[[str], object]) -> dict[str, Any]:
    """Check the backup in ``folder`` and restore its database into a scratch database
    like ``database_url``'s (dropped afterwards); return the manifest, whose migration
    revision and row counts the restored database has. Raises BackupRefused when they
    differ, and whatever ``migratable`` raises when given the manifest's migration
    revision, before anything is restored (``alur restore`` refuses such a backup too)."""
    manifest = check(folder)
    migratable(manifest["versions"].get("migration", ""))
    kind = dumps.dialect(database_url)
    if manifest["database"]["dialect"] != kind:
        raise BackupRefused(f"cadangan ini dari {manifest['database']['dialect']}; pemeriksaan "
                            f"memakai basis data {kind} (ALUR_DATABASE_URL): jalankan dengan "
                            "ALUR_DATABASE_URL instans asalnya")
    with tempfile.TemporaryDirectory(prefix="alur-verify-") as scratch, \
            dumps.scratch_database(database_url, Path(scratch)) as url:
        dumps.restore(url, folder / manifest["database"]["file"])
        problem = _mismatch(manifest, dumps.facts(url), "hasil pemulihan uji")
    if problem:
        raise BackupRefused(problem)
    return manifest


def _mismatch(manifest: dict[str, Any], found: dumps.Facts, what: str) -> str | None:
    """How the restored database (``what``, e.g. "hasil pemulihan") differs from
    ``manifest`` (Indonesian), or None: its migration revision, by which ``alur restore``
    and ``--verify`` judge the backup, then its rows per table."""
    recorded = manifest["versions"].get("migration", "")
    if (found.revision or "") != recorded:
        return (f"revisi migrasi {what} {found.revision or '(kosong)'} berbeda dari "
                f"manifest ({recorded or '(kosong)'})")
    if found.tables != manifest["tables"]:
        return (f"jumlah baris {what} berbeda dari manifest: "
                + _difference(manifest["tables"], found.tables))
    return None


def complete_backups(root: Path) -> list[Path]:
    """The complete backup folders under ``root``, oldest first by ``created``, not by
    name: the backups of one second are named ``…Z``, ``…Z-2``, … (``-10`` sorts before
    ``-9``), a name freed by ``prune`` is taken again, and a clock set back names a new
    backup before older ones."""
    return sorted((path for path in root.glob(f"{_PREFIX}*")
                   if path.is_dir() and not path.name.endswith(".partial")
                   and (path / MANIFEST).is_file()),
                  key=lambda path: (created(path), path.name))


def created(folder: Path) -> datetime:
    """When the backup in ``folder`` was made (aware, UTC): its manifest's ``created_at``,
    or, when that cannot be read, the time its manifest was written (the file's mtime), so
    that a damaged newest backup is still the one ``--verify`` checks and refuses."""
    try:
        moment = datetime.fromisoformat(json.loads((folder / MANIFEST).read_text())
                                        ["created_at"])
    except (OSError, ValueError, UnicodeDecodeError, KeyError, TypeError):
        return datetime.fromtimestamp((folder / MANIFEST).stat().st_mtime, UTC)
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def prune(root: Path, keep: int, made: Path) -> list[Path]:
    """Remove all but the newest ``keep`` complete backups under ``root`` and return them;
    ``made``, the backup just taken, is always one of the ``keep`` (``keep`` ≥ 1), even
    when the clock stood earlier than at the others (set back, a restored VM)."""
    others = [path for path in complete_backups(root) if path.name != made.name]
    removed = others[:max(len(others) - keep + 1, 0)]
    for path in removed:
        shutil.rmtree(path)
    return removed


def _schema(url: str) -> str | None:
    return dumps.postgres_schema(url) if dumps.dialect(url) == "postgresql" else None


def _files(folder: Path) -> list[str]:
    """Every file under ``folder`` but the manifest, as POSIX paths relative to it."""
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*")
                  if path.is_file() and path.name != MANIFEST)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _difference(expected: dict[str, int], found: dict[str, int]) -> str:
    names = sorted(set(expected) | set(found))
    return ", ".join(f"{name} {expected.get(name, '-')} ≠ {found.get(name, '-')}"
                     for name in names if expected.get(name) != found.get(name))

