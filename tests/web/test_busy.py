"""A write that cannot get SQLite's lock is answered 503 with Retry-After, and stores
nothing; never a 500."""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from engine.db import is_busy
from engine.models import AuditRecord, ProcessInstance
from tests.conftest import csrf_token
from tests.helpers.database import on_postgres
from tests.helpers.rows import app_count
from tests.web.conftest import PASSWORD, api_token

pytestmark = pytest.mark.skipif(on_postgres(), reason="SQLite's single writer lock")


@contextmanager
def write_lock_held(app) -> Iterator[None]:
    """Another connection holds the database's write lock (BEGIN IMMEDIATE) meanwhile."""
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_login_during_a_held_lock_is_503_with_retry_after_and_no_login(app, client):
    token = csrf_token(client.get("/masuk").get_data(True))
    with write_lock_held(app):
        response = client.post("/masuk", data={"username": "prakom", "password": PASSWORD,
                                               "csrf_token": token},
                               headers={"Referer": "http://localhost/masuk"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert ("Sistem sedang sibuk: permintaan ini belum dijalankan dan tidak ada yang "
            "tersimpan. Kirim lagi sebentar lagi.") in response.get_data(True)
    assert '<a href="/masuk">Kembali ke halaman sebelumnya</a>' in response.get_data(True)
    assert app_count(app, AuditRecord, AuditRecord.action == "user.logged_in") == 0
    follow = client.get("/")  # the failed login did not sign the user in
    assert (follow.status_code, follow.headers["Location"].split("?")[0]) == (302, "/masuk")


def test_an_api_write_during_a_held_lock_is_a_json_503(app, client):
    headers = api_token(client, "prakom")
    with write_lock_held(app):
        response = client.post("/api/v1/instances", headers=headers,
                               json={"process_key": "penanganan_gangguan_server",
                                     "title": "Server mati"})
    assert (response.status_code, response.headers["Retry-After"]) == (503, "5")
    assert response.json == {"error": {"code": "busy", "message":
                                       "Sistem sedang sibuk, coba lagi sebentar lagi."}}
    assert app_count(app, ProcessInstance) == 0
    after = client.post("/api/v1/instances", headers=headers,
                        json={"process_key": "penanganan_gangguan_server", "title": "Lagi"})
    assert after.status_code == 201


def test_only_busy_errors_count_as_busy(tmp_path):
    path = str(tmp_path / "x.sqlite3")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    waiting = sqlite3.connect(path, timeout=0)
    with pytest.raises(sqlite3.OperationalError) as locked:
        waiting.execute("CREATE TABLE t (x)")
    with pytest.raises(sqlite3.OperationalError) as syntax:
        holder.execute("SELEC 1")
    assert is_busy(locked.value) and not is_busy(syntax.value)
    holder.execute("ROLLBACK")
    holder.close()
    waiting.close()


def test_a_completion_waiting_for_the_writer_lock_is_a_json_503(app, client):
    # Completing locks the instance first (begin_writing: BEGIN IMMEDIATE on the raw
    # connection), where SQLite's refusal is not wrapped by SQLAlchemy.
    headers = api_token(client, "prakom")
    started = client.post("/api/v1/instances", headers=headers,
                          json={"process_key": "penanganan_gangguan_server", "title": "Mati"})
    [task] = started.json["open_tasks"]
    audits = app_count(app, AuditRecord)
    with write_lock_held(app):
        response = client.post(f"/api/v1/tasks/{task['id']}/complete", headers=headers,
                               json={"data": {}})
    assert (response.status_code, response.headers.get("Retry-After")) == (503, "5")
    assert response.json["error"]["code"] == "busy"
    assert app_count(app, AuditRecord) == audits
