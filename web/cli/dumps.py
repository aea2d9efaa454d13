"""Consistent copies of the database and their restoration, without Flask.

SQLite: the online backup API (``sqlite3.Connection.backup``) copies the live file while
the server writes (WAL: readers never block the writer); the copy is turned into one
self-contained file (journal mode DELETE). PostgreSQL: ``pg_dump -Fc`` of the schema in
the URL's ``search_path`` (``public`` without one), taken in a REPEATABLE READ snapshot
that is exported to pg_dump, so the row counts and attachment list read here are those of
the dump. ``pg_dump`` and ``pg_restore`` (Debian: postgresql-client) must be on PATH.
"""

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL, Connection, make_url

from engine.db import shown_url

SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.pgdump"


class DumpFailed(Exception):
    """The database could not be copied or restored; ``str()`` says why (Indonesian)."""


class NoCreatedb(DumpFailed):
    """The PostgreSQL role of the URL may not create a database (no CREATEDB), so there
    is no scratch database to restore into; ``role`` is its name."""

    def __init__(self, role: str) -> None:
        super().__init__(f"peran PostgreSQL {role} tidak berhak CREATEDB")
        self.role = role


@dataclass
class Facts:
    """What a database holds: rows per table, migration revision, attachments
    (``stored_name -> sha256``) and the server's version."""

    tables: dict[str, int]
    revision: str | None
    attachments: dict[str, str] = field(default_factory=dict)
    server: str = ""


def dialect(url: str) -> str:
    """``sqlite`` or ``postgresql``; raises DumpFailed for any other database."""
    name = make_url(url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise DumpFailed(f"basis data {name} tidak didukung untuk cadangan")
    return name


def postgres_schema(url: str) -> str:
    """The schema named by the URL's ``options=-csearch_path=…``, else ``public``."""
    options = unquote(str(make_url(url).query.get("options", "")))
    found = re.search(r"-c\s*search_path\s*=\s*([A-Za-z_][A-Za-z0-9_]*)", options)
    return found.group(1) if found else "public"


def dump(url: str, folder: Path) -> tuple[str, Facts]:
    """Copy the database at ``url`` into ``folder``; return the file's name and the facts
    of the copy (read from the same snapshot); the file readable by its owner only (it
    holds password and token hashes).

    Raises:
        DumpFailed: also for a database that holds no Alur (a missing SQLite file, which
            is not created, or one ``alur setup`` never prepared): a typing error in
            ALUR_DATABASE_URL must not pass for an empty backup.
    """
    if dialect(url) == "sqlite":
        source_path = Path(_sqlite_path(url))
        if not source_path.is_file():
            raise DumpFailed(f"basis data {source_path} tidak ada; periksa ALUR_DATABASE_URL")
        target = folder / SQLITE_FILE
        with closing(sqlite3.connect(source_path, timeout=30)) as source, \
                closing(sqlite3.connect(target)) as copy:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
        target.chmod(0o600)
        return SQLITE_FILE, _alur_facts(sqlite_facts(target), url)
    engine = create_engine(url, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as connection:
            snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            facts = _alur_facts(_facts(connection), url)
            _run(["pg_dump", "-Fc", "--no-owner", "--no-acl", f"--snapshot={snapshot}",
                  "-n", postgres_schema(url), "-f", str(folder / POSTGRES_FILE),
                  "--dbname", _libpq_uri(url)], url)
            connection.rollback()
    finally:
        engine.dispose()
    (folder / POSTGRES_FILE).chmod(0o600)
    return POSTGRES_FILE, facts


def _alur_facts(facts: Facts, url: str) -> Facts:
    """``facts`` when they are of an Alur database (its tables, as ``alur serve`` asks,
    ``web.cli.startup``); else DumpFailed naming the database."""
    if "process_instances" not in facts.tables:
        shown = shown_url(url)
        raise DumpFailed(f"basis data {shown} belum berisi tabel Alur; periksa "
                         "ALUR_DATABASE_URL, atau jalankan alur setup")
    return facts


def sqlite_facts(path: Path) -> Facts:
    """The facts of an SQLite file, read with sqlite3 directly (no WAL switched on)."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        names = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        tables = {name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
                  for name in names}
        revision = (connection.execute("SELECT version_num FROM alembic_version").fetchone()
                    if "alembic_version" in tables else None)
        attachments = (dict(connection.execute("SELECT stored_name, sha256 FROM attachments"))
                       if "attachments" in tables else {})
        server = "SQLite " + sqlite3.sqlite_version
    return Facts(tables, revision[0] if revision else None, attachments, server)


def facts(url: str) -> Facts:
    """The facts of the database at ``url`` (SQLite file or PostgreSQL schema)."""
    if dialect(url) == "sqlite":
        return sqlite_facts(Path(_sqlite_path(url)))
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return _facts(connection)
    finally:
        engine.dispose()


def is_empty(url: str) -> bool:
    """True when the database at ``url`` has no tables (a missing SQLite file is empty)."""
    if dialect(url) == "sqlite" and not Path(_sqlite_path(url)).exists():
        return True
    return not facts(url).tables


def restore(url: str, file: Path) -> None:
    """Load the copy ``file`` into the empty database at ``url``. On PostgreSQL the schema
    must be the one the copy was taken from (its objects are named with it); the load is
    one transaction. Raises DumpFailed (nothing loaded)."""
    if dialect(url) == "sqlite":
        target = Path(_sqlite_path(url))
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = target.with_name(target.name + ".restoring")
        shutil.copyfile(file, staging)
        staging.chmod(0o600)  # as the app makes its database: no other local user reads it
        for leftover in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
            leftover.unlink(missing_ok=True)
        os.replace(staging, target)
        return
    schema = postgres_schema(url)
    listing = _run(["pg_restore", "-l", str(file)], url)
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            exists = connection.execute(text("SELECT 1 FROM pg_namespace WHERE nspname = :s"),
                                        {"s": schema}).first() is not None
    finally:
        engine.dispose()
    if exists:  # the schema is there (empty): load what is in it, not the schema itself
        listing = "\n".join(line for line in listing.splitlines()
                            if not re.search(rf"\b(SCHEMA|COMMENT) - (SCHEMA )?{schema}\b",
                                             line))
    # The list goes beside nothing of the backup's: its folder may be read-only.
    with tempfile.TemporaryDirectory(prefix="alur-restore-") as scratch:
        listing_file = Path(scratch) / "restore.list"
        listing_file.write_text(listing)
        _run(["pg_restore", "--no-owner", "--no-acl", "--single-transaction",
              "-L", str(listing_file), "--dbname", _libpq_uri(url), str(file)], url)


def drop_tables(url: str) -> None:
    """Empty the database at ``url`` again after a restore that turned out wrong."""
    if dialect(url) == "sqlite":
        path = Path(_sqlite_path(url))
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        return
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            for name in inspect(connection).get_table_names():
                connection.execute(text(f'DROP TABLE IF EXISTS "{name}" CASCADE'))
    finally:
        engine.dispose()


@contextmanager
def scratch_database(url: str, folder: Path) -> Iterator[str]:
    """A temporary empty database like ``url``'s, dropped afterwards: an SQLite file in
    ``folder``, or on PostgreSQL a new database on the same server.

    Raises:
        NoCreatedb: the URL's PostgreSQL role has neither CREATEDB nor SUPERUSER (asked
            before anything is created).
    """
    if dialect(url) == "sqlite":
        yield f"sqlite:///{folder / 'verify.sqlite3'}"
        return
    name = f"alur_verify_{os.urandom(6).hex()}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            role, allowed = connection.execute(text(
                "SELECT rolname, rolcreatedb OR rolsuper FROM pg_roles "
                "WHERE rolname = current_user")).one()
            if not allowed:
                raise NoCreatedb(role)
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def _facts(connection: Connection) -> Facts:
    names = sorted(inspect(connection).get_table_names())
    tables = {name: connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()
              for name in names}
    revision = (connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
                if "alembic_version" in tables else None)
    attachments = ({name: sha for name, sha in connection.execute(
        text("SELECT stored_name, sha256 FROM attachments"))} if "attachments" in tables else {})
    server = connection.execute(text("SHOW server_version")).scalar_one()
    return Facts(tables, revision, attachments, f"PostgreSQL {server}")


def _sqlite_path(url: str) -> str:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise DumpFailed("basis data SQLite di memori tidak dapat dicadangkan")
    return database


def _libpq_uri(url: str) -> str:
    """The URL for pg_dump/pg_restore: no driver, no password (given in PGPASSWORD), no
    ``options`` (the schema is passed with -n or is in the dump)."""
    parsed = make_url(url)
    query = {k: v for k, v in parsed.query.items() if k != "options"}
    plain = URL.create("postgresql", parsed.username, None, parsed.host, parsed.port,
                       parsed.database, query)
    return plain.render_as_string(hide_password=False)


def _run(command: list[str], url: str) -> str:
    env = dict(os.environ)
    password = make_url(url).password
    if password:
        env["PGPASSWORD"] = str(password)
    if shutil.which(command[0]) is None:
        raise DumpFailed(f"{command[0]} tidak ditemukan; pasang postgresql-client")
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600,
                          check=False)
    if done.returncode != 0:
        raise DumpFailed(f"{command[0]} gagal: {done.stderr.strip()[-500:]}")
    return done.stdout
