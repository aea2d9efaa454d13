"""Attachment bytes on disk, in step with the database: a file takes its final name only
after the transaction that records it has committed.

``store_pending`` writes the bytes as ``<name>.baru`` and keeps an exclusive ``flock`` on
it while the transaction is open; when the caller commits, the file is renamed to
``<name>`` (``os.replace``, atomic on one file system); when it rolls back, the file is
deleted. A process killed in between leaves a ``.baru`` file that nobody locks any more:
``sweep`` (run by every worker round, ``web.cli.worker``) then moves it into place if its
row was committed, or deletes it. The lock is taken under a name the sweep ignores
(``<name>.tulis``) and kept through the rename, so the sweep never sees an unlocked file
that is still being written; a ``.tulis`` file is only left by a crash in that instant and
is deleted once it is an hour old. Linux/Unix only (``fcntl.flock``).
"""

import fcntl
import os
import re
import time
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session, SessionTransaction

from engine.models import Attachment

PENDING = ".baru"
PARTIAL = ".tulis"
STALE_PARTIAL_SECONDS = 3600
_NAME = re.compile(r"^[0-9a-f]{32}$")
_SESSION_KEY = "alur_pending_files"
_CHUNK = 500  # names per database query


def store_pending(session: Session, folder: Path, name: str, data: bytes) -> None:
    """Write ``data`` as the pending file of ``name`` in ``folder``; it becomes
    ``folder / name`` when ``session``'s transaction commits, and is deleted when it
    rolls back.

    Raises:
        OSError: the folder cannot be written (nothing is left behind).
    """
    # Attachments are official documents: readable by Alur's own user only.
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    partial, pending = folder / f"{name}{PARTIAL}", folder / f"{name}{PENDING}"
    descriptor = os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    handle = os.fdopen(descriptor, "wb")  # kept open, locked, until the transaction ends
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        os.replace(partial, pending)
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    except OSError:
        handle.close()
        for path in (partial, pending):
            path.unlink(missing_ok=True)
        raise
    session.info.setdefault(_SESSION_KEY, []).append((pending, handle))


def sweep(session: Session, folder: Path, every_file: bool = False) -> int:
    """Settle what crashed uploads left in ``folder``: an unlocked pending file is moved
    into place if its attachment row exists, else deleted; a ``.tulis`` file over an hour
    old is deleted. With ``every_file`` (once when a worker starts), files with a final
    name but no row are deleted too (left by versions that wrote before committing).
    Reads the database, changes no row. Returns how many files were moved or deleted.
    """
    if not folder.is_dir():
        return 0
    settled, pending, final = 0, [], []
    for entry in os.scandir(folder):
        stem, _, suffix = entry.name.partition(".")
        if not entry.is_file() or not _NAME.match(stem):
            continue
        if f".{suffix}" == PARTIAL and _age(entry) > STALE_PARTIAL_SECONDS:
            settled += _unlink(Path(entry.path))
        elif f".{suffix}" == PENDING:
            pending.append(stem)
        elif not suffix and every_file:
            final.append(stem)
    recorded = _recorded(session, pending + final)
    for stem in pending:
        settled += _settle(folder / f"{stem}{PENDING}", stem in recorded)
    for stem in final:
        if stem not in recorded:
            settled += _unlink(folder / stem)
    return settled


def _age(entry: os.DirEntry[str]) -> float:
    """Seconds since ``entry`` was last written; 0 when it is gone already (an upload
    that became pending, or was rolled back, between the listing and this look)."""
    try:
        return time.time() - entry.stat().st_mtime
    except FileNotFoundError:
        return 0.0


def _recorded(session: Session, names: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(names), _CHUNK):
        found.update(session.scalars(select(Attachment.stored_name).where(
            Attachment.stored_name.in_(names[start:start + _CHUNK]))))
    return found


def _settle(pending: Path, recorded: bool) -> int:
    """Move or delete ``pending`` unless its writer still holds the lock."""
    try:
        handle = open(pending, "rb")  # noqa: SIM115 - closed below, after the decision
    except FileNotFoundError:  # its transaction ended meanwhile
        return 0
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # an upload in progress
            return 0
        if not pending.exists():
            return 0
        if recorded:
            os.replace(pending, pending.with_suffix(""))
            return 1
        return _unlink(pending)


def _unlink(path: Path) -> int:
    try:
        path.unlink()
    except FileNotFoundError:
        return 0
    return 1


def _entries(session: Session) -> Iterable[tuple[Path, IO[bytes]]]:
    return session.info.pop(_SESSION_KEY, [])


@event.listens_for(Session, "after_commit")
def _move_into_place(session: Session) -> None:
    for pending, handle in _entries(session):
        with handle:
            os.replace(pending, pending.with_suffix(""))


@event.listens_for(Session, "after_transaction_end")
def _discard(session: Session, transaction: SessionTransaction, *_: Any) -> None:
    if transaction.parent is not None:  # a savepoint: the outer transaction decides
        return
    for pending, handle in _entries(session):
        with handle:
            pending.unlink(missing_ok=True)
