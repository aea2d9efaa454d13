"""Web fixtures: an app on a fresh SQLite file with the bundled SOPs and demo users."""

import shutil
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from engine.clock import ManualClock
from tests.conftest import MONDAY_0800, csrf_token
from web import create_app
from web.extensions import db

PASSWORD = "rahasia-uji"


def _app(database: Path, clock: ManualClock):
    return create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        "SECRET_KEY": "uji",
        "ALUR_CLOCK": clock,
    })


@pytest.fixture(scope="session")
def prepared_database(tmp_path_factory) -> Path:
    """A database with the bundled SOPs deployed and the demo users, built once
    through the real CLI commands; each test gets its own copy (hashing is slow)."""
    database = tmp_path_factory.mktemp("template") / "web.sqlite3"
    app = _app(database, ManualClock(MONDAY_0800))
    with app.app_context():
        db.create_all()
    runner = app.test_cli_runner()
    for command in (["deploy"], ["demo-users"]):
        result = runner.invoke(args=command, env={"ALUR_DEMO_PASSWORD": PASSWORD})
        assert result.exit_code == 0, result.output
    with app.app_context():
        db.engine.dispose()
    return database


@pytest.fixture
def app(tmp_path, clock, prepared_database):
    database = tmp_path / "web.sqlite3"
    shutil.copyfile(prepared_database, database)
    app = _app(database, clock)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


def login(client: FlaskClient, username: str, password: str = PASSWORD):
    """Log in through the login form (with its CSRF token); return the response."""
    token = csrf_token(client.get("/masuk").get_data(as_text=True))
    return client.post("/masuk", data={"username": username, "password": password,
                                       "csrf_token": token})


def api_token(client: FlaskClient, username: str) -> dict[str, str]:
    """Authorization header for ``username``."""
    response = client.post("/api/v1/auth/token", json={"username": username,
                                                       "password": PASSWORD})
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['token']}"}
