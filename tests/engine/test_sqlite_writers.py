"""SQLite writers of one process queue on a lock per file (engine.sqlite_writers)."""

import sqlite3
import threading

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from engine.db import is_busy
from engine.sqlite_writers import QueuedWriterConnection, engine_options


def _engine(tmp_path, timeout_ms=5000):
    url = f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    engine = create_engine(url, **engine_options(url, timeout_ms))
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS steps (name TEXT)"))
    return engine


def test_only_sqlite_files_queue_their_writers():
    assert engine_options("postgresql+psycopg://x@h/db", 5000) == {"pool_pre_ping": True}
    assert engine_options("sqlite:///:memory:", 5000) == {}
    options = engine_options("sqlite:////srv/alur.sqlite3", 2500)
    assert options == {"connect_args": {"factory": QueuedWriterConnection, "timeout": 2.5}}


def test_a_second_writer_waits_in_line_and_writes_once_the_first_commits(tmp_path):
    engine = _engine(tmp_path)
    first = engine.connect()
    first.execute(text("INSERT INTO steps VALUES ('pertama')"))
    wrote = threading.Event()

    def second() -> None:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO steps VALUES ('kedua')"))
        wrote.set()

    thread = threading.Thread(target=second)
    thread.start()
    assert not wrote.wait(0.3)  # queued behind the first writer's open transaction
    first.commit()
    thread.join(10)
    assert wrote.is_set()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT name FROM steps ORDER BY rowid")
                                  ).scalars().all() == ["pertama", "kedua"]
    first.close()
    engine.dispose()


def test_readers_do_not_wait_for_a_writer(tmp_path):
    engine = _engine(tmp_path, timeout_ms=100)
    writer = engine.connect()
    writer.execute(text("INSERT INTO steps VALUES ('belum')"))
    read = []
    thread = threading.Thread(target=lambda: read.append(_names(engine)))
    thread.start()
    thread.join(10)
    assert read == [[]]  # answered at once, without the uncommitted row
    writer.rollback()
    writer.close()
    engine.dispose()


def test_a_writer_not_let_in_within_the_timeout_gets_busy_and_writes_nothing(tmp_path):
    engine = _engine(tmp_path, timeout_ms=200)
    holder = engine.connect()
    holder.execute(text("INSERT INTO steps VALUES ('pemegang')"))
    errors = []

    def late() -> None:
        try:
            with engine.begin() as connection:
                connection.execute(text("INSERT INTO steps VALUES ('terlambat')"))
        except OperationalError as error:
            errors.append(error)

    thread = threading.Thread(target=late)
    thread.start()
    thread.join(10)
    assert len(errors) == 1 and is_busy(errors[0])
    holder.rollback()
    assert _names(engine) == []
    with engine.begin() as connection:  # the lock was freed by the rollback
        connection.execute(text("INSERT INTO steps VALUES ('sesudahnya')"))
    assert _names(engine) == ["sesudahnya"]
    holder.close()
    engine.dispose()


@pytest.mark.parametrize("end", ["commit", "rollback", "close"])
def test_every_end_of_a_transaction_frees_the_lock(tmp_path, end):
    engine = _engine(tmp_path, timeout_ms=200)
    connection = sqlite3.connect(tmp_path / "queue.sqlite3", timeout=0.2,
                                 factory=QueuedWriterConnection)
    connection.cursor().execute("INSERT INTO steps VALUES ('x')")
    with pytest.raises(OperationalError), engine.begin() as other:
        other.execute(text("INSERT INTO steps VALUES ('menunggu')"))
    getattr(connection, end)()
    with engine.begin() as other:
        other.execute(text("INSERT INTO steps VALUES ('y')"))
    engine.dispose()


def _names(engine) -> list[str]:
    with engine.connect() as connection:
        return connection.execute(text("SELECT name FROM steps")).scalars().all()


def test_writers_of_the_process_wait_on_its_own_lock_not_on_sqlites(tmp_path):
    engine = _engine(tmp_path, timeout_ms=200)
    holder = sqlite3.connect(tmp_path / "queue.sqlite3", factory=QueuedWriterConnection)
    holder.take_writer_lock()  # SQLite's own write lock is free all along
    with pytest.raises(OperationalError) as waited, engine.begin() as connection:
        connection.execute(text("INSERT INTO steps VALUES ('antre')"))
    assert is_busy(waited.value)
    holder.rollback()  # frees the process's lock
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO steps VALUES ('antre')"))
    assert _names(engine) == ["antre"]
    holder.close()
    engine.dispose()


def test_a_savepoint_opened_before_any_write_commits_nothing_when_released(tmp_path):
    engine = _engine(tmp_path)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM steps")).scalar() == 0
        with connection.begin_nested():
            connection.execute(text("INSERT INTO steps VALUES ('di savepoint')"))
        connection.execute(text("INSERT INTO steps VALUES ('sesudahnya')"))
        connection.rollback()
    assert _names(engine) == []
    engine.dispose()

