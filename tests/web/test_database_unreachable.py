"""A database server that refuses connections (restarting, down) is answered 503
``database_unreachable`` with ``Retry-After``, written for no one (the signed-in user's
account cannot be read either), never 500 (found by the operations probe: gunicorn's bare
"Internal Server Error" for a signed-in page)."""

import psycopg
from flask import abort
from flask_login import current_user
from sqlalchemy.exc import OperationalError

from tests.web.conftest import api_token, login

REFUSED = OperationalError(None, None, psycopg.OperationalError(
    'connection failed: connection to server at "127.0.0.1", port 5432 failed: '
    "Connection refused"))


def _refusing_route(app) -> None:
    @app.get("/uji-basis-data-mati")
    def refusing():  # the user is read, then the next statement cannot connect
        if current_user.is_anonymous:
            abort(401)
        raise REFUSED

    @app.get("/api/v1/uji-basis-data-mati")
    def refusing_api():
        raise REFUSED


def test_a_signed_in_page_is_answered_503_written_for_no_one(app, client, caplog):
    _refusing_route(app)
    login(client, "prakom")
    page = client.get("/uji-basis-data-mati")
    text = page.get_data(True)
    assert page.status_code == 503 and page.headers["Retry-After"] == "5"
    assert ("Basis data Alur tidak dapat dihubungi saat ini (mis. sedang dimulai ulang): "
            "permintaan ini belum dijalankan dan tidak ada yang tersimpan.") in text
    assert "Demo Prakom" not in text and "Keluar" not in text, "written for no one"
    said = [record for record in caplog.records if record.levelname != "INFO"]
    assert [record.getMessage()[:41] for record in said] == [
        "the database cannot be reached on /uji-ba"] and not any(r.exc_info for r in said)


def test_the_api_answers_503_database_unreachable(app, client):
    _refusing_route(app)
    answer = client.get("/api/v1/uji-basis-data-mati", headers=api_token(client, "prakom"))
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "5"
    assert answer.json["error"]["code"] == "database_unreachable"
