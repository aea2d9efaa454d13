"""Alur's web application: inboxes, task pages, instances, administration and the API."""

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask, jsonify

from engine.bpmn.validation import MAX_BPMN_BYTES
from engine.clock import SystemClock
from engine.process.attachments import MAX_ATTACHMENT_BYTES
from web import i18n
from web.extensions import babel, csrf, db, login_manager, migrate

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask app.

    Configuration comes from environment variables (README, "Konfigurasi"), then
    ``test_config``, which tests use for a fresh SQLite file and a manual clock.
    """
    app = Flask(__name__, instance_path=os.environ.get("ALUR_INSTANCE_PATH"))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("ALUR_SECRET_KEY") or _instance_secret(app),
        SQLALCHEMY_DATABASE_URI=os.environ.get(
            "ALUR_DATABASE_URL", f"sqlite:///{Path(app.instance_path) / 'alur.sqlite3'}"),
        ALUR_TIMER_INTERVAL=float(os.environ.get("ALUR_TIMER_INTERVAL", "5")),
        ALUR_LEASE_SECONDS=float(os.environ.get("ALUR_LEASE_SECONDS", "60")),
        ALUR_TIMEZONE=os.environ.get("ALUR_TIMEZONE", "Asia/Jakarta"),
        ALUR_TOKEN_MAX_AGE=int(os.environ.get("ALUR_TOKEN_MAX_AGE", str(8 * 3600))),
        ALUR_CLOCK=SystemClock(),
        ALUR_PASSWORD_METHOD="scrypt",
        ALUR_ATTACHMENTS_PATH=os.environ.get(
            "ALUR_ATTACHMENTS_PATH", str(Path(app.instance_path) / "lampiran")),
        ALUR_ATTACHMENT_MAX_BYTES=int(os.environ.get("ALUR_ATTACHMENT_MAX_BYTES",
                                                     str(MAX_ATTACHMENT_BYTES))),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
    )
    if test_config:
        app.config.update(test_config)
    app.config["MAX_CONTENT_LENGTH"] = (
        max(MAX_BPMN_BYTES, app.config["ALUR_ATTACHMENT_MAX_BYTES"]) + 64 * 1024)

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS, render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, default_locale="id",
                   default_translation_directories=i18n.TRANSLATIONS)
    app.context_processor(i18n.template_locale)

    from web import api, errors, filters, time_words
    from web.cli import commands as cli
    from web.views import BLUEPRINTS

    for blueprint in (*BLUEPRINTS, api.bp):
        app.register_blueprint(blueprint)
    csrf.exempt(api.bp)  # the API takes bearer tokens, never the session cookie
    errors.register(app)
    filters.register(app)
    time_words.register(app)
    cli.register(app)

    @app.get("/healthz")
    def healthz() -> Any:
        return jsonify(status="ok")

    return app


def _instance_secret(app: Flask) -> str:
    """A secret key kept in the instance folder, so sessions survive a restart."""
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
