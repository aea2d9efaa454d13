"""``alur serve``: on SQLite ``--workers N`` is clamped to one web process, with a message;
no gunicorn access log; one timer loop at a time, ended cleanly."""

import logging
import threading
import time
from datetime import timedelta

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger

from tests.helpers.database import on_postgres
from web.cli import worker as scheduler
from web.cli.serve import ElectedTimerLoop, QuietLogger, _Server, serve, web_workers


@pytest.mark.skipif(on_postgres(), reason="the SQLite pass; PostgreSQL serves N processes "
                    "(tests/web/test_workers_postgres.py)")
def test_sqlite_serves_one_web_process_and_says_so(app, caplog):
    assert web_workers(app, 2) == 1
    assert [(r.name, r.levelname, r.getMessage()) for r in caplog.records] == [(
        "alur.serve", "WARNING", "alur serve: SQLite melayani satu proses web; --workers 2 "
        "diturunkan menjadi 1 (pakai PostgreSQL untuk lebih banyak proses).")]
    caplog.clear()
    assert web_workers(app, 3, from_environment=True) == 1
    assert "; ALUR_WEB_WORKERS=3 diturunkan menjadi 1" in caplog.records[0].getMessage()
    caplog.clear()
    assert web_workers(app, 1) == 1
    assert caplog.records == []


def test_the_web_processes_build_no_access_log_line(app, monkeypatch):
    """gunicorn builds each request's access log fields whenever a logging configuration
    is given, as ``alur serve`` gives one; Alur logs requests itself."""
    served = {}
    monkeypatch.setattr(_Server, "run", lambda server: served.update(server.options))
    monkeypatch.setattr(scheduler, "freeze_startup_heap", lambda: None)
    serve(app, "127.0.0.1:0")
    assert served["logger_class"] is QuietLogger
    config = Config()
    config.set("accesslog", "-")
    try:
        with pytest.raises(AttributeError):  # gunicorn's own reads the response
            Logger(config).access(None, None, {}, timedelta(0))
        QuietLogger(config).access(None, None, {}, timedelta(0))
    finally:
        logging.getLogger("gunicorn.access").handlers.clear()


def test_one_timer_loop_runs_at_a_time_and_a_stopped_one_ends_after_its_round(app, monkeypatch):
    """Two web processes' loops (here two in one process: each opens the lock file
    itself): one runs; stopped, it ends its round and returns, and the other takes over."""
    running: list[str] = []

    def round_until_stopped(app, stop: threading.Event) -> None:
        running.append(threading.current_thread().name)
        stop.wait()
        running.append("done")

    monkeypatch.setattr(scheduler, "run", round_until_stopped)
    first, second = ElectedTimerLoop(app), ElectedTimerLoop(app)
    first.thread.name, second.thread.name = "first", "second"
    first.start()
    _until(lambda: running == ["first"])
    second.start()
    first.stop()
    assert not first.thread.is_alive()
    _until(lambda: running == ["first", "done", "second"])
    second.stop()
    assert not second.thread.is_alive() and running[-1] == "done"


def _until(condition) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.05)
