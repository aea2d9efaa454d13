"""Declarative base shared by every model: stable constraint names, aware datetimes, JSON
written once and decoded once."""

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from sqlalchemy import JSON, DateTime, MetaData, TypeDecorator, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Session, registry, scoped_session

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always returned timezone-aware.

    SQLite keeps no offset, so values are normalised to UTC on the way in and tagged UTC on
    the way out. Naive datetimes are refused: every time in Alur is aware.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; Alur stores only aware datetimes")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class WrittenOnceJSON(TypeDecorator):
    """JSON written once and never changed (a process definition's ``catalog``), decoded
    once per distinct stored text per process: a row read again gives the same decoded
    object, shared, which nobody may change in place. Decoding a 16 KB catalog with every
    locked task cost about a twentieth of a completion (``make bench``, issue 13).
    PostgreSQL's driver hands over decoded values, which pass through unchanged."""

    impl = JSON
    cache_ok = True

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        decode = self.impl_instance.result_processor(dialect, coltype)
        if decode is None:
            return None
        cached = lru_cache(maxsize=64)(decode)
        return lambda value: cached(value) if isinstance(value, str) else decode(value)


class Base(DeclarativeBase):
    """Base of every Alur model (also Flask-SQLAlchemy's ``model_class`` in ``web``)."""

    registry = registry(metadata=MetaData(naming_convention=NAMING_CONVENTION),
                        type_annotation_map={datetime: UTCDateTime})


# How long a write waits for SQLite's single writer lock before giving up (milliseconds);
# then the web answers 503 with Retry-After (web/errors.py), never a 500.
SQLITE_BUSY_TIMEOUT_MS = 5000
_SQLITE_BUSY_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
_POSTGRES_LOCK_NOT_AVAILABLE = "55P03"
# What says the database takes no write now, whatever is retried: SQLite's read-only
# file or mount, I/O error (an immutable or vanished file), full disk, file it cannot open;
# PostgreSQL's read-only transaction (a standby) and full disk.
_SQLITE_UNWRITABLE_CODES = {sqlite3.SQLITE_READONLY, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL,
                            sqlite3.SQLITE_CANTOPEN}
_POSTGRES_UNWRITABLE = {"25006", "53100"}
# PostgreSQL's undefined column and undefined table: a schema older than the code.
_POSTGRES_UNDEFINED = {"42703", "42P01"}


def shown_url(url: str) -> str:
    """A database URL as a message may print it: its password as ``***`` and without its
    query, where a password may be given too (``?password=…``, the regression probe)."""
    return make_url(url).set(query={}).render_as_string(hide_password=True)


def database_words(error: BaseException) -> str:
    """The database's own words for ``error`` (a SQLAlchemy error: its driver error's), its
    first line only, without SQLAlchemy's statement and link, at most 300 characters; the
    error's type name when it says nothing."""
    lines = str(getattr(error, "orig", None) or error).strip().splitlines()
    return lines[0][:300] if lines else type(error).__name__


def is_busy(error: BaseException) -> bool:
    """Whether ``error`` (a SQLAlchemy ``DBAPIError`` or a driver error) says the database
    is busy: SQLite could not get its write lock within the busy timeout, or PostgreSQL
    gave up waiting for a lock (``lock_timeout``). Such a write may simply be retried."""
    original = getattr(error, "orig", error)
    if isinstance(original, sqlite3.OperationalError):
        return getattr(original, "sqlite_errorcode", -1) & 0xFF in _SQLITE_BUSY_CODES
    return getattr(original, "sqlstate", None) == _POSTGRES_LOCK_NOT_AVAILABLE


def is_unwritable(error: BaseException) -> bool:
    """Whether ``error`` (a SQLAlchemy ``DBAPIError`` or a driver error) says the database
    cannot be written at all now — a read-only or full disk, an I/O error, a standby —
    which waiting a few seconds will not mend: nothing was written, an administrator must
    act (README "Batas", basis data sibuk; ``/readyz``)."""
    original = getattr(error, "orig", error)
    if isinstance(original, sqlite3.OperationalError):
        return getattr(original, "sqlite_errorcode", -1) & 0xFF in _SQLITE_UNWRITABLE_CODES
    return getattr(original, "sqlstate", None) in _POSTGRES_UNWRITABLE


def is_older_schema(error: BaseException) -> bool:
    """Whether ``error`` (a SQLAlchemy ``DBAPIError``) names a table or column the database
    lacks: one not upgraded to this Alur's migrations (``alur db upgrade``), or empty."""
    original = getattr(error, "orig", error)
    if isinstance(original, sqlite3.OperationalError):
        return str(original).startswith(("no such table", "no such column"))
    return getattr(original, "sqlstate", None) in _POSTGRES_UNDEFINED


def is_unreachable(error: BaseException) -> bool:
    """Whether ``error`` (a SQLAlchemy ``DBAPIError``) came from opening a connection to a
    database server — down, restarting, refusing connections — rather than from a
    statement: nothing ran, and the work may be retried once the server is back. (An
    SQLite file that cannot be opened is ``is_unwritable``'s.)"""
    return (getattr(error, "statement", "") is None
            and not isinstance(getattr(error, "orig", None), sqlite3.Error))


def is_lost_connection(error: BaseException) -> bool:
    """Whether ``error`` (a SQLAlchemy ``DBAPIError``) came from a connection the database
    server closed during the work (a restart or failover; SQLAlchemy then drops the
    connection from its pool): nothing of the work was committed, and it may be retried."""
    return bool(getattr(error, "connection_invalidated", False))


def never_creates(engine: Engine) -> None:
    """Make ``engine``, an SQLite file's (else nothing), open its file read-write and never
    create it: a file that vanished while Alur runs (its folder moved, a disk unmounted)
    fails to open (SQLITE_CANTOPEN: ``is_unwritable``, a 503) instead of becoming a new,
    empty database beside the old one that new connections would write to. Nothing when
    the file does not exist yet (``web.create_app`` creates it first, unless its folder is
    still missing: a disk not mounted yet, which the start waits for)."""
    database = engine.url.database or ""
    if engine.dialect.name != "sqlite" or not os.path.isfile(database):
        return

    @event.listens_for(engine, "do_connect")
    def _existing_file_only(dialect: Any, record: Any, cargs: list[Any],
                            cparams: dict[str, Any]) -> None:
        path = cargs[0] if cargs else ""
        if path and path != ":memory:" and not path.startswith("file:"):
            cargs[0] = f"file:{quote(os.path.abspath(path))}?mode=rw"
            cparams["uri"] = True


WAL_KEPT_BYTES = 64 * 1024 * 1024


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection: Any, connection_record: Any) -> None:
    """WAL (readers never block the writer), ``synchronous=NORMAL``, enforced foreign keys,
    a busy timeout, and a WAL file cut back to ``WAL_KEPT_BYTES`` after each checkpoint
    (without it, the file keeps the largest size it ever reached: 1.3 GB beside a 146 MB
    database after a long read; found by the growth probe).

    NORMAL is SQLite's recommended setting in WAL mode (sqlite.org/pragma.html#pragma_synchronous):
    a commit no longer waits for the disk (FULL's fsync per commit took 1.8 ms, a quarter of a
    completion's time on the bench machine); the database stays consistent after any crash,
    and only a power failure or operating-system crash can lose the commits of the last moments
    before it (those since the last checkpoint). README "Konfigurasi" says so; an office that
    may not lose them runs PostgreSQL.
    """
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA journal_size_limit={WAL_KEPT_BYTES}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()


def own_session(session: Session) -> Session:
    """The session itself: for Flask-SQLAlchemy's scoped session, the current request's
    session (where ``info`` memos and the current transaction live)."""
    return session() if isinstance(session, scoped_session) else session


@contextmanager
def held_back(session: Session, key: str) -> Iterator[list[Any]]:
    """A list kept under ``key`` in the session's ``info`` for the block, where writers
    put the rows they hold back (``own_session(session).info.get(key)``) for the caller
    to write together once the block ends without an error."""
    target = own_session(session)
    rows: list[Any] = []
    target.info[key] = rows
    try:
        yield rows
    finally:
        del target.info[key]
