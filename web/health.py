"""Operations endpoints: ``/healthz`` (liveness, touches nothing), ``/readyz`` (database,
migrations, worker, timers, outbox; 503 naming what fails) and ``/metrics`` (Prometheus).
"""

import os
import re
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, Response, current_app, jsonify, request
from sqlalchemy import Connection, text
from sqlalchemy.exc import SQLAlchemyError

from engine.escalation.heartbeat import last_round_at
from engine.reports import live
from web import metrics
from web.cli.worker import OUTBOX_SECONDS
from web.extensions import clock, db

bp = Blueprint("health", __name__)


def write_problem(connection: Connection) -> str | None:
    """Why the database would take no write, without writing, or None: ``missing`` (the
    SQLite file is gone: its folder moved, its disk unmounted; connections opened before
    still read it), ``read_only`` (the file, its WAL and shared-memory files or their
    folder not writable by this process — a read-only mount, an immutable file, a wrong
    owner —, or PostgreSQL a read-only standby). A database in such a state answers reads,
    so a ``SELECT 1`` alone would call it ready."""
    if connection.dialect.name != "sqlite":
        writable = connection.exec_driver_sql("SHOW transaction_read_only").scalar() == "off"
        return None if writable else "read_only"
    path = connection.engine.url.database
    if not path or path == ":memory:":
        return None
    if not os.path.isfile(path):
        return "missing"
    files = (path, f"{path}-wal", f"{path}-shm", os.path.dirname(os.path.abspath(path)))
    writable = all(os.access(name, os.W_OK) for name in files if os.path.exists(name))
    return None if writable else "read_only"


@bp.get("/healthz")
def healthz() -> Any:
    """Liveness: the process answers. Never touches the database."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> Any:
    """Readiness: 200 when every check passes, else 503 with ``failing`` naming those that
    failed; a check not run (``skipped``: the database is down) is no cause of its own,
    so an alert routed by check name says "database" alone (the operator probe)."""
    checks = readiness_checks(current_app.config)
    failing = [name for name, check in checks.items()
               if not check["ok"] and "skipped" not in check]
    body = {"status": "unavailable" if failing else "ok", "failing": failing,
            "checks": checks}
    return jsonify(body), 503 if failing else 200


FORBIDDEN = "Metrik hanya untuk pemegang token ALUR_METRICS_TOKEN atau dari mesin ini."


@bp.get("/metrics")
def metrics_view() -> Any:
    """Prometheus text format; see ``web.metrics.may_scrape`` for who may read it."""
    if not metrics.may_scrape(current_app.config, request.remote_addr,
                              request.headers.get("Authorization", "")):
        # Plain text, as the metrics are: read by a scraper's log or curl, not a browser.
        return (f"{FORBIDDEN}\n", 403, {"Content-Type": "text/plain; charset=utf-8"})
    body, content_type = metrics.exposition(current_app, db.session, clock())
    return Response(body, content_type=content_type)


def readiness_checks(config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each check's result: ``{"ok": bool, ...facts}``, in the order they are shown.

    ``worker`` fails when no worker finished a round for ``ALUR_READY_WORKER_INTERVALS``
    (3) timer intervals and the ``OUTBOX_SECONDS`` a round may spend sending; ``timers``
    when the oldest due timer waited more than
    ``ALUR_READY_TIMER_LAG`` seconds; ``outbox`` when more than
    ``ALUR_READY_OUTBOX_BACKLOG`` messages wait; ``limits`` (only with a shared store,
    ``ALUR_RATELIMIT_STORAGE_URI`` other than ``memory://``) when the store does not
    answer. With the database down the others are not run (they read it) and show
    ``ok: false`` with ``skipped``; a check whose table cannot be read (dropped, damaged)
    shows ``ok: false`` with the error's class name.
    """
    now = clock().now()
    checks: dict[str, dict[str, Any]] = {}
    try:
        connection = db.session.connection()
        connection.execute(text("SELECT 1"))
        problem = write_problem(connection)
        checks["database"] = {"ok": True} if problem is None else {"ok": False,
                                                                   "error": problem}
    except SQLAlchemyError as error:
        db.session.rollback()
        checks["database"] = {"ok": False, "error": type(error).__name__}
        for name in ("migrations", "worker", "timers", "outbox"):
            checks[name] = {"ok": False, "skipped": "database"}
        return checks

    current = set(MigrationContext.configure(connection).get_current_heads())
    expected = set(migration_heads(current_app.extensions["migrate"].directory))
    checks["migrations"] = {"ok": current == expected, "database": sorted(current),
                            "code": sorted(expected)}

    for name, check in (("worker", _worker), ("timers", _timers), ("outbox", _outbox)):
        try:
            checks[name] = check(config, now)
        except SQLAlchemyError as error:  # its table dropped or damaged: named, not a 500
            db.session.rollback()
            checks[name] = {"ok": False, "error": type(error).__name__}
    db.session.rollback()
    if not config["ALUR_RATELIMIT_STORAGE_URI"].startswith("memory://"):
        # Down, it limits no login (web.edge): the service runs, unguarded.
        store = current_app.extensions["alur_limiter"].storage
        checks["limits"] = {"ok": True} if store.check() else {
            "ok": False, "error": "penyimpanan batas percobaan masuk (ALUR_RATELIMIT_STORAGE_URI "
                                  f"{_without_password(config['ALUR_RATELIMIT_STORAGE_URI'])}) "
                                  "tidak menjawab; masuk tidak dibatasi sampai ia kembali"}
    return checks


def _worker(config: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The ``worker`` check. A round records itself when it ends, and may send the outbox
    for ``OUTBOX_SECONDS`` (a slow mail server or gateway): a worker busy sending is not a
    worker gone."""
    allowed = timedelta(seconds=config["ALUR_TIMER_INTERVAL"]
                        * config["ALUR_READY_WORKER_INTERVALS"] + OUTBOX_SECONDS)
    last = last_round_at(db.session)
    age = (now - last).total_seconds() if last else None
    return {"ok": last is not None and now - last <= allowed,
            "last_round_age_seconds": age, "limit_seconds": allowed.total_seconds()}


def _timers(config: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The ``timers`` check: the oldest due timer's wait against ``ALUR_READY_TIMER_LAG``."""
    due, oldest = live.timers_due(db.session, now)
    lag = (now - oldest).total_seconds() if oldest else 0.0
    return {"ok": lag <= config["ALUR_READY_TIMER_LAG"], "due": due,
            "oldest_overdue_seconds": lag, "limit_seconds": config["ALUR_READY_TIMER_LAG"]}


def _outbox(config: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The ``outbox`` check: messages waiting against ``ALUR_READY_OUTBOX_BACKLOG``."""
    backlog = sum(c["pending"] for c in live.outbox_backlog(db.session).values())
    return {"ok": backlog <= config["ALUR_READY_OUTBOX_BACKLOG"], "pending": backlog,
            "limit": config["ALUR_READY_OUTBOX_BACKLOG"]}


@lru_cache(maxsize=4)
def migration_heads(directory: str) -> tuple[str, ...]:
    """The head revision(s) of the migrations shipped with this code."""
    return tuple(_scripts(directory).get_heads())


@lru_cache(maxsize=4)
def known_revisions(directory: str) -> frozenset[str]:
    """Every revision of the migrations shipped with this code (a database at another one
    was migrated by a newer Alur)."""
    return frozenset(script.revision for script in _scripts(directory).walk_revisions())


def _scripts(directory: str) -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", directory)
    return ScriptDirectory.from_config(config)


def _without_password(uri: str) -> str:
    """``uri`` with any password in it shown as ``***`` (``redis://:rahasia@host`` is read by
    whoever reads /readyz)."""
    return re.sub(r"(//[^:/@]*:)[^@/]*@", r"\1***@", uri)
