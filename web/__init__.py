"""Alur's web application: inboxes, task pages, instances, administration and the API."""

import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy.engine import make_url
from werkzeug.middleware.proxy_fix import ProxyFix

from engine import sqlite_writers
from engine.bpmn.validation import MAX_BPMN_BYTES
from engine.clock import SystemClock
from engine.db import SQLITE_BUSY_TIMEOUT_MS, never_creates
from engine.process.attachments import MAX_ATTACHMENT_BYTES
from web import edge, environment, i18n
from web.extensions import babel, csrf, db, login_manager, migrate
from web.form_request import FormRequest
from web.json_provider import AlurJSONProvider
from web.too_large import MAX_FORM_PARTS, MULTIPART_OVERHEAD

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")
# Longest session or API token, seconds (30 days): a login kept longer is a risk, and a far
# larger age overflowed (timedelta, or the expiry past year 9999) into a 500.
MAX_AGE = 30 * 24 * 3600
# Longest worker interval, timer lease or badge poll, seconds: an hour is already far too
# slow for Waktu in minutes; much longer overflowed the worker's wait and lease (a
# traceback) or the browser's setInterval (past 2^31 ms it fires at once, in a loop).
MAX_INTERVAL = 3600
# Shortest session or API token, seconds: below a minute a login or a token is over before
# it is used (0 ended every session at once).
MIN_AGE = 60
# Smallest limit of a request body other than an upload, bytes: a login form with its CSRF
# token, a task's fields or a JSON body fit well within it (0 answered every login 413).
MIN_BODY_BYTES = 64 * 1024
# A form or JSON body is read whole into memory by every web thread at once.
MAX_BODY_BYTES = 64 * 1024 * 1024
# Smallest attachment limit, bytes (0 refused every attachment).
MIN_ATTACHMENT_BYTES = 1024
# Most web processes, and threads in each, of ``alur serve`` (ALUR_WEB_WORKERS and
# ALUR_WEB_THREADS, or its --workers and --threads).
MAX_WEB = 64


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask app.

    Configuration comes from environment variables (README, "Konfigurasi"), then
    ``test_config``, which tests use for a fresh SQLite file and a manual clock.
    """
    app = Flask(__name__, instance_path=environment.absolute_path("ALUR_INSTANCE_PATH", None))
    app.request_class = FormRequest
    app.json = AlurJSONProvider(app)
    # Every variable is read before anything is created: a bad one changes nothing.
    https = environment.flag("ALUR_HTTPS", False)
    session_age = environment.whole("ALUR_SESSION_MAX_AGE", 12 * 3600, minimum=MIN_AGE,
                                   maximum=MAX_AGE)
    app.config.from_mapping(
        SQLALCHEMY_DATABASE_URI=environment.database_url(
            "ALUR_DATABASE_URL", f"sqlite:///{Path(app.instance_path) / 'alur.sqlite3'}"),
        ALUR_TIMER_INTERVAL=environment.number("ALUR_TIMER_INTERVAL", 5, minimum=0.1,
                                               maximum=MAX_INTERVAL),
        ALUR_NOTIFICATION_POLL=environment.number("ALUR_NOTIFICATION_POLL", 60, minimum=0.5,
                                                  maximum=MAX_INTERVAL),
        ALUR_LEASE_SECONDS=environment.number("ALUR_LEASE_SECONDS", 60, minimum=1,
                                              maximum=MAX_INTERVAL),
        ALUR_DATABASE_WAIT=environment.number("ALUR_DATABASE_WAIT", 60, maximum=MAX_INTERVAL),
        ALUR_TIMEZONE=os.environ.get("ALUR_TIMEZONE", "Asia/Jakarta"),
        ALUR_TOKEN_MAX_AGE=environment.whole("ALUR_TOKEN_MAX_AGE", 8 * 3600, minimum=MIN_AGE,
                                             maximum=MAX_AGE),
        ALUR_CLOCK=SystemClock(),
        ALUR_PASSWORD_METHOD="scrypt",
        ALUR_ATTACHMENTS_PATH=environment.absolute_path(
            "ALUR_ATTACHMENTS_PATH", str(Path(app.instance_path) / "lampiran")),
        ALUR_ATTACHMENT_MAX_BYTES=environment.whole("ALUR_ATTACHMENT_MAX_BYTES",
                                                   MAX_ATTACHMENT_BYTES,
                                                   minimum=MIN_ATTACHMENT_BYTES),
        ALUR_BACKUP_PATH=environment.absolute_path(
            "ALUR_BACKUP_PATH", str(Path(app.instance_path) / "cadangan")),
        ALUR_LOG_FORMAT=environment.choice("ALUR_LOG_FORMAT", "json", environment.LOG_FORMATS),
        ALUR_LOG_LEVEL=environment.choice("ALUR_LOG_LEVEL", "INFO", environment.LOG_LEVELS,
                                          upper=True),
        ALUR_METRICS_TOKEN=environment.secret("ALUR_METRICS_TOKEN"),
        ALUR_READY_WORKER_INTERVALS=environment.number("ALUR_READY_WORKER_INTERVALS", 3,
                                                       minimum=1, maximum=100),
        ALUR_READY_TIMER_LAG=environment.number("ALUR_READY_TIMER_LAG", 300),
        ALUR_PROXY_COUNT=environment.whole("ALUR_PROXY_COUNT", 0),
        ALUR_READY_OUTBOX_BACKLOG=environment.whole("ALUR_READY_OUTBOX_BACKLOG", 1000),
        ALUR_HTTPS=https,
        ALUR_SERVE_TIMER_LOOP=environment.flag("ALUR_SERVE_TIMER_LOOP", True),
        ALUR_WEB_WORKERS=environment.whole("ALUR_WEB_WORKERS", 1, 1, MAX_WEB),
        ALUR_WEB_THREADS=environment.whole("ALUR_WEB_THREADS", 8, 1, MAX_WEB),
        ALUR_DEMO=environment.flag("ALUR_DEMO", False),
        ALUR_MAX_BODY_BYTES=environment.whole("ALUR_MAX_BODY_BYTES", 1024 * 1024,
                                              minimum=MIN_BODY_BYTES,
                                              maximum=MAX_BODY_BYTES),
        ALUR_RATELIMIT_STORAGE_URI=environment.limit_storage("ALUR_RATELIMIT_STORAGE_URI",
                                                             "memory://"),
        ALUR_LOGIN_LIMIT_ACCOUNT=environment.rate_limit("ALUR_LOGIN_LIMIT_ACCOUNT",
                                                        "10 per 15 minutes"),
        ALUR_LOGIN_LIMIT_ADDRESS=environment.rate_limit("ALUR_LOGIN_LIMIT_ADDRESS",
                                                        "50 per 15 minutes"),
        ALUR_SMTP_PASSWORD=os.environ.get("ALUR_SMTP_PASSWORD") or None,
        SECRET_KEY=environment.secret("ALUR_SECRET_KEY"),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=https,
        REMEMBER_COOKIE_SECURE=https,
        PREFERRED_URL_SCHEME="https" if https else "http",
        # A signed session cookie is refused after this age, and a form's CSRF token with it.
        PERMANENT_SESSION_LIFETIME=timedelta(seconds=session_age),
        WTF_CSRF_TIME_LIMIT=session_age,
    )
    try:
        private_folder(Path(app.instance_path))
    except OSError as error:
        raise environment.ConfigError(
            f"ALUR_INSTANCE_PATH {app.instance_path!r} tidak dapat dipakai sebagai folder: "
            f"{environment.folder_words(error)}") from None
    app.config["SECRET_KEY"] = app.config["SECRET_KEY"] or _instance_secret(app)
    if test_config:
        app.config.update(test_config)
    try:  # uploads would otherwise fail one by one, each a 500
        private_folder(Path(app.config["ALUR_ATTACHMENTS_PATH"]))
    except OSError as error:
        raise environment.ConfigError(
            f"ALUR_ATTACHMENTS_PATH {app.config['ALUR_ATTACHMENTS_PATH']!r} tidak dapat "
            f"dipakai sebagai folder lampiran: {environment.folder_words(error)}") from None
    app.config["SQLALCHEMY_DATABASE_URI"] = _absolute_sqlite(
        app.config["SQLALCHEMY_DATABASE_URI"], Path(app.instance_path))
    if app.config["ALUR_PROXY_COUNT"]:
        # Behind nginx: the client's address and scheme from X-Forwarded-For/-Proto, set by
        # that many proxies (deploy/nginx/alur.conf is one).
        count = app.config["ALUR_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", sqlite_writers.engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], SQLITE_BUSY_TIMEOUT_MS))
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        try:
            private_file(Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")))
        except OSError as error:
            raise environment.ConfigError(
                f"basis data (ALUR_DATABASE_URL) tidak dapat dipakai: "
                f"{environment.os_words(error)}") from None
    # An upload's files together, never below a BPMN file's (the office logo, a form file);
    # an SOP upload has a bundle's (web.edge.install_input_guards).
    app.config["MAX_CONTENT_LENGTH"] = (
        max(MAX_BPMN_BYTES, app.config["ALUR_ATTACHMENT_MAX_BYTES"]) + MULTIPART_OVERHEAD)
    # A form's text in a multipart body is held to the body limit, as in any other body
    # (Flask's own default, 500 000 bytes, refused data a JSON body may carry).
    app.config["MAX_FORM_MEMORY_SIZE"] = app.config["ALUR_MAX_BODY_BYTES"]
    app.config["MAX_FORM_PARTS"] = MAX_FORM_PARTS  # the figure its 413 names (web.too_large)

    db.init_app(app)
    with app.app_context():  # an SQLite file that exists now (private_file): never made again
        never_creates(db.engine)
    migrate.init_app(app, db, directory=MIGRATIONS, render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, default_locale="id",
                   default_translation_directories=i18n.TRANSLATIONS)
    i18n.install(app)
    app.context_processor(i18n.template_locale)

    from engine.desk import notices, sla
    from engine.escalation import task_notices
    from engine.process import end_notices
    from web import (
        api,
        errors,
        field_labels,
        field_values,
        filters,
        health,
        once,
        paging,
        single_values,
        static_version,
        telemetry,
        time_words,
    )
    from web.cli import commands as cli
    from web.views import BLUEPRINTS

    notices.listen()  # received/done notices to the requester
    sla.listen()  # a wait for the requester ends with its ticket
    task_notices.listen()  # "tugas baru" notices to those who asked for them
    end_notices.listen()  # the starter is told when his process ends without him
    edge.install_converters(app)
    for blueprint in (*BLUEPRINTS, api.bp, health.bp):
        app.register_blueprint(blueprint)
    csrf.exempt(api.bp)  # the API takes bearer tokens, never the session cookie
    errors.register(app)
    filters.register(app)
    paging.register(app)
    single_values.register(app)
    once.register(app)
    static_version.register(app)
    time_words.register(app)
    field_values.register(app)
    field_labels.register(app)
    cli.register(app)
    edge.install_limiter(app)
    edge.install_headers(app)
    edge.install_input_guards(app)
    telemetry.init_app(app)
    return app


def _absolute_sqlite(url: str, instance_path: Path) -> str:
    """``url`` with a relative SQLite file made absolute under ``instance_path``, where
    Flask-SQLAlchemy would open it anyway: so that the mode 0600 file made here, ``alur
    backup`` and ``alur restore`` all mean that file, not one in the working folder."""
    parsed = make_url(url)
    database = parsed.database
    if (not parsed.drivername.startswith("sqlite") or not database or database == ":memory:"
            or database.startswith("file:") or Path(database).is_absolute()):
        return url
    return parsed.set(database=str(instance_path / database)).render_as_string(
        hide_password=False)


# What an operator told to remove a broken stored key must know: what a new key ends.
_NEW_KEY = ("agar Alur membuat yang baru (sesi dan token API yang ada berakhir; kata sandi SMTP "
            "dan rahasia webhook yang tersimpan harus diisi ulang), atau isi ALUR_SECRET_KEY")


def _instance_secret(app: Flask) -> str:
    """A secret key kept in the instance folder (mode 0600), so sessions survive a restart.
    The first process to need it writes it whole under another name and links it into
    place, so that web processes starting together never read it half written (empty) and
    all keep the same key.

    Raises:
        environment.ConfigError: the stored key is empty or too short (a full disk on the
            first start, a file truncated by hand): every form would answer 500.
    """
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        fresh = path.with_name(f"secret_key.{os.getpid()}.baru")
        private_file(fresh)
        fresh.write_text(secrets.token_hex(32))
        try:
            os.link(fresh, path)
        except FileExistsError:
            pass  # another process linked its own first: that one is the key
        except OSError:  # a file system without hard links: renamed into place, whole
            fresh.replace(path)
        finally:
            fresh.unlink(missing_ok=True)
    try:
        path.chmod(0o600)
        key = path.read_text().strip()
    except (OSError, UnicodeDecodeError) as error:  # a link to nowhere, a binary file
        raise environment.ConfigError(
            f"kunci rahasia {str(path)!r} tidak dapat dibaca: "
            f"{environment.os_words(error) if isinstance(error, OSError) else 'bukan teks'}; "
            f"hapus {'folder' if path.is_dir() else 'berkas'} itu {_NEW_KEY}") from None
    if len(key) < environment.MIN_SECRET:
        raise environment.ConfigError(
            f"kunci rahasia {str(path)!r} kosong atau rusak ({len(key)} karakter); hapus "
            f"berkas itu {_NEW_KEY}")
    return key


def private_folder(path: Path) -> None:
    """Create ``path`` (and parents) if needed; the folder itself is made mode 0700, and a
    file is written and removed in it (a folder this process may not write to fails here,
    once, not at each key or upload later).

    Raises:
        OSError: the folder cannot be made, or written to."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    with tempfile.TemporaryFile(dir=path):
        pass


def private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 unless it exists (an SQLite database, a key):
    it is never readable by other local users, not even for a moment."""
    if not path.exists() and path.parent.is_dir():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
