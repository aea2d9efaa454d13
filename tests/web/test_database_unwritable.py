"""A database that answers reads but takes no write (a read-only mount, an immutable file,
a full disk) is said to be so: every write is a 503 that names it and stores nothing, never
a 500, and ``/readyz`` fails ``database`` until it can be written again."""

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from engine.models import ProcessInstance
from tests.conftest import csrf_token
from tests.helpers.database import on_postgres
from tests.helpers.rows import app_count
from tests.web.conftest import PASSWORD, api_token, login
from web.extensions import db
from web.health import write_problem

pytestmark = pytest.mark.skipif(on_postgres(), reason="an SQLite file made immutable")
MESSAGE = ("Basis data Alur tidak dapat ditulis saat ini (mis. disk penuh atau hanya-baca): "
           "tidak ada yang tersimpan. Beri tahu administrator; coba lagi setelah ia "
           "memperbaikinya.")


@contextmanager
def immutable(app) -> Iterator[None]:
    """The database file made immutable (``chattr +i``: even root cannot write it), as on
    a read-only mount, once every connection is closed (its WAL checkpointed and removed);
    skipped where the file system or the user cannot."""
    path = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    with app.app_context():
        db.engine.dispose()
    assert not Path(f"{path}-wal").exists(), "every connection closed"
    made = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"chattr +i not possible here: {made.stderr.decode().strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_a_write_to_an_unwritable_database_is_a_503_naming_it(app, client, caplog):
    headers = api_token(client, "prakom")
    token = csrf_token(client.get("/masuk").get_data(True))
    with immutable(app):
        ready = client.get("/readyz")
        answer = client.post("/api/v1/instances", headers=headers, json={
            "process_key": "penanganan_gangguan_server", "title": "Server mati"})
        page = client.post("/masuk", data={"username": "prakom", "password": PASSWORD,
                                           "csrf_token": token})
    assert (ready.status_code, ready.json["failing"][:1]) == (503, ["database"])
    assert ready.json["checks"]["database"] == {"ok": False, "error": "read_only"}
    assert (answer.status_code, answer.headers["Retry-After"]) == (503, "60")
    assert answer.json == {"error": {"code": "database_unwritable", "message": MESSAGE}}
    assert page.status_code == 503 and MESSAGE in unescape(page.get_data(True))
    assert app_count(app, ProcessInstance) == 0
    logged = [record for record in caplog.records
              if record.getMessage().startswith("the database cannot be written")]
    assert logged and logged[0].exc_info is None and "readonly" in logged[0].getMessage()
    assert client.get("/readyz").json["checks"]["database"] == {"ok": True}
    again = client.post("/api/v1/instances", headers=headers, json={
        "process_key": "penanganan_gangguan_server", "title": "Server mati"})
    assert again.status_code == 201


def test_a_database_file_that_vanishes_is_never_made_again_empty(app, client, tmp_path):
    """Its folder moved or its disk unmounted while Alur runs: writes and reads are a 503
    naming it, and no new empty database appears where it was; back in place, Alur works
    on, with everything it held."""
    headers = api_token(client, "prakom")
    login(client, "kasubbag")
    path = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    with app.app_context():
        db.engine.dispose()
    moved = tmp_path / "dipindahkan.db"
    path.rename(moved)
    try:
        answer = client.post("/api/v1/instances", headers=headers, json={
            "process_key": "penanganan_gangguan_server", "title": "Server mati"})
        assert (answer.status_code, answer.json["error"]["code"]) == (
            503, "database_unwritable")
        assert app.test_client().get("/readyz").json["failing"][:1] == ["database"]
        page = client.get("/")  # a signed-in page view: the user cannot be read either
        assert page.status_code == 503 and MESSAGE in unescape(page.get_data(True))
        assert not path.exists(), "no empty database made in its place"
    finally:
        moved.rename(path)
    again = client.post("/api/v1/instances", headers=headers, json={
        "process_key": "penanganan_gangguan_server", "title": "Server mati"})
    assert again.status_code == 201


def test_readiness_names_a_file_gone_under_an_open_connection(tmp_path):
    """A connection opened before the file was moved still reads it: readiness says the
    file is missing rather than trusting that read."""
    path = tmp_path / "alur.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x)")
        assert write_problem(connection) is None
        path.rename(tmp_path / "dipindahkan.db")
        assert connection.exec_driver_sql("SELECT count(*) FROM t").scalar() == 0
        assert write_problem(connection) == "missing"
    engine.dispose()
