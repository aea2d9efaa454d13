"""``alur serve``: on SQLite ``--workers N`` is clamped to one web process, with a message;
no gunicorn access log."""

import logging
from datetime import timedelta

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger

from tests.helpers.database import on_postgres
from web.cli import worker as scheduler
from web.cli.serve import QuietLogger, _Server, serve, web_workers


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
