"""Web fixtures: an app on a fresh SQLite file with the bundled SOPs and demo users."""

import io
import json
import logging
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.clock import ManualClock
from engine.models import User
from tests.conftest import MONDAY_0800, csrf_token
from tests.helpers.report_history import build_history
from web import create_app
from web.extensions import db
from web.telemetry import JsonFormatter

PASSWORD = "rahasia-uji"


def unmigrated_app(database: str, tmp_path: Path) -> Flask:
    """An app on an empty database (no tables yet) for ``alur setup`` to migrate: Monday
    08.00 WIB's clock, fast password hashing, attachments under ``tmp_path``."""
    return create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "uji",
                       "ALUR_CLOCK": ManualClock(MONDAY_0800), "TESTING": True,
                       "ALUR_PASSWORD_METHOD": "pbkdf2:sha256:1000",
                       "ALUR_ATTACHMENTS_PATH": str(tmp_path / "lampiran")})


@pytest.fixture
def app(database, clock, tmp_path):
    app = create_app({
        "ALUR_ATTACHMENTS_PATH": str(tmp_path / "lampiran"),
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database,
        "SECRET_KEY": "uji",
        "ALUR_CLOCK": clock,
        # Fewer hashing rounds than production's scrypt: each test creates the demo users.
        "ALUR_PASSWORD_METHOD": "pbkdf2:sha256:1000",
    })
    with app.app_context():
        db.create_all()
    runner = app.test_cli_runner()
    for command in (["deploy"], ["demo-users"]):
        result = runner.invoke(args=command, env={"ALUR_DEMO_PASSWORD": PASSWORD})
        assert result.exit_code == 0, result.output
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


def login(client: FlaskClient, username: str, password: str = PASSWORD):
    """Log in through the login form (with its CSRF token); return the response."""
    token = csrf_token(client.get("/masuk").get_data(as_text=True))
    return client.post("/masuk", data={"username": username, "password": password,
                                       "csrf_token": token})


WRONG_LOGIN = "Nama pengguna atau kata sandi salah."
DISABLED_LOGIN = "Akun ini dinonaktifkan. Hubungi administrator."


def refused_login(response, reason: str = WRONG_LOGIN) -> bool:
    """Whether ``login`` was refused for ``reason``: the form again (200) saying why."""
    return response.status_code == 200 and reason in response.get_data(as_text=True)


def api_token(client: FlaskClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    """Authorization header for ``username``."""
    response = client.post("/api/v1/auth/token", json={"username": username,
                                                       "password": password})
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['token']}"}


@pytest.fixture
def history(app):
    """The reports' hand-made history (``tests.helpers.report_history``), recorded by
    Prakom and Kasubbag."""
    with app.app_context():
        users = {u.username: u for u in db.session.scalars(select(User))}
        return build_history(db.session, app.config["ALUR_CLOCK"], users["prakom"],
                             users["kasubbag"])


@pytest.fixture
def log_lines():
    """The JSON lines the ``alur`` loggers write during the test."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("alur")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.DEBUG)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)
    logger.setLevel(level)


# API tokens of demo users, and an instance of Penanganan Gangguan Server started by
# Prakom (a module may define its own).
@pytest.fixture
def prakom(client):
    return api_token(client, "prakom")


@pytest.fixture
def kasubbag(client):
    return api_token(client, "kasubbag")


@pytest.fixture
def admin(client):
    return api_token(client, "admin")


@pytest.fixture
def started(client, prakom):
    response = client.post("/api/v1/instances", headers=prakom, json={
        "process_key": "penanganan_gangguan_server", "title": "Server SIPP mati"})
    assert response.status_code == 201, response.json
    return response.json
