"""The database server closes connections (a restart, a failover, idle connections ended):
a pooled connection it closed is replaced before a request uses it, and a request whose
connection is closed while it works is answered 503 ``busy`` with ``Retry-After`` (nothing
of it committed), never 500. PostgreSQL pass of ``.ci/run`` only (SQLite has no server)."""

import pytest
from flask import request
from sqlalchemy import create_engine, select, text

from engine.models import HumanTask
from tests.helpers.database import SUITE_URL, on_postgres
from tests.web.conftest import api_token
from web.extensions import db

pytestmark = pytest.mark.skipif(not on_postgres(), reason="runs in the PostgreSQL pass "
                                "(ALUR_DATABASE_URL=postgresql+psycopg://…) of .ci/run")


def _end(pid: int) -> None:
    """End backend ``pid`` as an administrator or a restart would."""
    admin = create_engine(SUITE_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            assert connection.execute(text("SELECT pg_terminate_backend(:pid)"),
                                      {"pid": pid}).scalar()
    finally:
        admin.dispose()


def test_a_pooled_connection_the_server_closed_is_replaced(app, client):
    token = api_token(client, "prakom")
    assert client.get("/api/v1/tasks", headers=token).status_code == 200
    with app.app_context():
        db.session.remove()
        with db.engine.connect() as connection:  # the one pooled connection
            pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    _end(pid)  # back in the pool, idle
    for _ in range(3):
        assert client.get("/api/v1/tasks", headers=token).status_code == 200


def test_a_connection_closed_during_a_request_is_answered_503_and_nothing_is_kept(app, client):
    @app.before_request
    def end_the_connection_first() -> None:
        if request.headers.get("X-Uji-Putus"):
            _end(db.session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar())

    started = client.post("/api/v1/instances", headers=api_token(client, "prakom"), json={
        "process_key": "penanganan_gangguan_server", "title": "Server mati"}).json
    task_id = started["open_tasks"][0]["id"]

    answer = client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {}},
                         headers={**api_token(client, "prakom"), "X-Uji-Putus": "1"})
    assert answer.status_code == 503, answer.get_data(True)
    assert answer.json["error"]["code"] == "busy"
    assert answer.headers["Retry-After"] == "5"
    with app.app_context():
        assert db.session.scalar(select(HumanTask.state).where(HumanTask.id == task_id)) == "open"
    done = client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {}},
                       headers=api_token(client, "prakom"))
    assert done.status_code == 200, "the next request works on a new connection"


def test_a_connection_closed_after_the_answer_still_gives_the_answer(app, client):
    """The PostgreSQL operator probe: the end-of-request rollback on a connection ended
    after the view answered raised, and the client got gunicorn's bare 500 page while the
    request log said 200."""
    @app.after_request
    def end_the_connection_last(response):  # the view has read through it: a transaction
        if request.headers.get("X-Uji-Putus-Akhir"):
            _end(db.session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar())
        return response

    token = api_token(client, "prakom")
    answer = client.get("/api/v1/tasks", headers={**token, "X-Uji-Putus-Akhir": "1"})
    assert answer.status_code == 200 and isinstance(answer.json, list)
    assert client.get("/api/v1/tasks", headers=token).status_code == 200, "a new connection"
