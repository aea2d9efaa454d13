"""SQLite writers of one process wait in line for the write lock instead of polling for it.

SQLite lets one connection write at a time. A connection that finds the write lock
taken polls for it: its busy handler sleeps 1, 2, 5, 10 ... up to 100 ms between tries,
so with a dozen requests writing at once a request can sleep for most of a second after
the lock was freed, and the slowest requests wait longest (measured: p99 760 ms at 16
concurrent completions, ``make bench``). The threads of one process (gunicorn's threads,
the timer loop of ``alur serve``) instead queue on a lock per database file, taken at a
transaction's first write and freed when it commits or rolls back, so the next writer
starts the moment the last one is done. Writers in other processes (``alur worker``, a
command) still meet SQLite's busy handler (``engine.db.SQLITE_BUSY_TIMEOUT_MS``).

A savepoint opened before the transaction's first write starts the transaction first
(``BEGIN IMMEDIATE``, with the lock). Python's ``sqlite3`` begins a transaction only
before a write, so such a SAVEPOINT began one itself, and releasing it committed
everything written inside it at once: the first half of a start, a worker's batch, was
committed on its own, whatever the rest of the transaction did afterwards.
"""

import sqlite3
import threading
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")
SAVEPOINT = "SAVEPOINT"
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def engine_options(database_url: str, busy_timeout_ms: int) -> dict[str, Any]:
    """SQLAlchemy ``create_engine`` options for ``database_url``: for an SQLite file, its
    connections queue their writes (waiting at most ``busy_timeout_ms`` milliseconds, then
    failing as SQLite does when busy); for a database server, a pooled connection is
    checked before it is handed out (``pool_pre_ping``): one the server closed (a restart,
    a failover, an idle connection ended) is replaced instead of failing a request."""
    if not database_url.startswith("sqlite"):
        return {"pool_pre_ping": True}
    if database_url == "sqlite:///:memory:":
        return {}
    return {"connect_args": {"factory": QueuedWriterConnection,
                             "timeout": busy_timeout_ms / 1000}}


def begin_writing(session: Session) -> None:
    """Before a change reads what it will write (``engine.runtime.unit.lock_instance``):
    on an SQLite file, take the writer lock and begin the transaction now
    (``QueuedWriterConnection.begin_writing``), so the change reads the instance as the
    writer before it left it, as PostgreSQL's ``FOR UPDATE`` does; without it a change
    that read first lost to the other at its conditional UPDATE (a completion racing the
    timer loop's reminder answered 409). Nothing on other databases.

    Raises:
        sqlite3.OperationalError: SQLITE_BUSY, as ``take_writer_lock``.
    """
    raw = session.connection().connection.driver_connection
    if isinstance(raw, QueuedWriterConnection):
        raw.begin_writing()


def hold_until_commit(session: Session, lock: int) -> None:
    """Serialize this transaction with every other that holds ``lock`` (any 64-bit number,
    one per kind of check), until it commits or rolls back, so that a check and the write
    it allows cannot interleave with another's: on an SQLite file the writer lock
    (``begin_writing``), on PostgreSQL the transaction-scoped advisory lock ``lock``.
    Read what the check compares after this call.

    Raises:
        sqlite3.OperationalError: SQLITE_BUSY, as ``begin_writing``.
    """
    begin_writing(session)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": lock})


def _lock_for(database: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(database, threading.Lock())


def _is_write(statement: str) -> bool:
    return statement.lstrip()[:7].upper().startswith(WRITES)


def _opens_savepoint(statement: str) -> bool:
    return statement.lstrip()[:9].upper() == SAVEPOINT


class QueuedWriterConnection(sqlite3.Connection):
    """An ``sqlite3`` connection (pass as ``factory``) that takes its file's writer lock
    before its first writing statement and frees it when the transaction ends."""

    def __init__(self, database: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(database, *args, **kwargs)
        self._writer_lock = _lock_for(str(database))
        self._wait_seconds = float(kwargs.get("timeout", 5.0))
        self._writing = False

    def cursor(self, factory: Any = None) -> sqlite3.Cursor:
        return super().cursor(factory or QueuedWriterCursor)

    def take_writer_lock(self) -> None:
        """Wait for the writer lock (unless held already).

        Raises:
            sqlite3.OperationalError: not had within the timeout; its ``sqlite_errorcode``
                is SQLITE_BUSY, as SQLite's own "database is locked".
        """
        if self._writing:
            return
        if not self._writer_lock.acquire(timeout=self._wait_seconds):
            error = sqlite3.OperationalError("database is locked")
            error.sqlite_errorcode = sqlite3.SQLITE_BUSY
            raise error
        self._writing = True

    def begin_writing(self) -> None:
        """Take the writer lock and begin the transaction now (``BEGIN IMMEDIATE``) unless
        one is open. Raises sqlite3.OperationalError (SQLITE_BUSY) as ``take_writer_lock``
        and SQLite's busy handler do."""
        if self.in_transaction:
            return
        self.take_writer_lock()
        super().execute("BEGIN IMMEDIATE")

    def _free_writer_lock(self) -> None:
        if self._writing:
            self._writing = False
            self._writer_lock.release()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._free_writer_lock()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._free_writer_lock()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._free_writer_lock()


class QueuedWriterCursor(sqlite3.Cursor):
    """A cursor of a ``QueuedWriterConnection``: a writing statement waits for the lock."""

    def execute(self, sql: str, parameters: Any = ()) -> sqlite3.Cursor:
        if _is_write(sql):
            self.connection.take_writer_lock()
        elif _opens_savepoint(sql):
            self.connection.begin_writing()
        return super().execute(sql, parameters)

    def executemany(self, sql: str, seq_of_parameters: Any) -> sqlite3.Cursor:
        if _is_write(sql):
            self.connection.take_writer_lock()
        return super().executemany(sql, seq_of_parameters)
