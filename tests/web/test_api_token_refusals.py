"""A 401 says why: no header, another scheme, a token unknown, revoked, expired, of a
disabled account or ended with its account's sessions (the API probe: one message, "Token
tidak ada, tidak sah atau kedaluwarsa.", for all of them)."""

from datetime import timedelta

from sqlalchemy import select

from engine.models import ApiToken, User
from engine.people.accounts import end_sessions
from tests.web.conftest import api_token
from web.extensions import db

AGAIN = "minta token baru di POST /api/v1/auth/token."


def _said(client, headers: dict[str, str]) -> str:
    response = client.get("/api/v1/tasks", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="alur"'
    return response.json["error"]["message"]


def test_each_refused_token_is_told_why(app, client, clock):
    assert _said(client, {}) == ("Token tidak ada: kirim header Authorization: Bearer <token> "
                                 "(token dari POST /api/v1/auth/token).")
    assert _said(client, {"Authorization": "Basic cHJha29tOng="}) == (
        "Skema Authorization harus Bearer: Authorization: Bearer <token>.")
    assert _said(client, {"Authorization": "Bearer palsu"}) == f"Token tidak dikenal; {AGAIN}"
    revoked = api_token(client, "prakom")
    with app.app_context():
        db.session.scalars(select(ApiToken)).one().revoked_at = clock.now()
        db.session.commit()
    assert _said(client, revoked) == (
        "Token ini sudah dicabut (di halaman Akun, atau sebagai token tertua saat batas jumlah "
        f"token terlampaui); {AGAIN}")
    assert _said(client, {"Authorization": "Bearer "}) == (
        "Token tidak ada sesudah Bearer: Authorization: Bearer <token>.")
    expired = api_token(client, "prakom")
    clock.advance(timedelta(seconds=app.config["ALUR_TOKEN_MAX_AGE"]))
    assert _said(client, expired) == f"Token ini kedaluwarsa sejak 23 Nov 2026 16.00 WIB; {AGAIN}"
    logged_out = api_token(client, "prakom")
    with app.app_context():  # as logging out, a password or role changed: every way
        end_sessions(db.session, clock, db.session.scalar(
            select(User).where(User.username == "prakom")))
        db.session.commit()
    assert _said(client, logged_out) == (
        "Token ini berakhir bersama sesi akunnya (keluar, kata sandi, peran atau hak admin "
        f"berubah); {AGAIN}")
    disabled = api_token(client, "kasubbag")
    assert app.test_cli_runner().invoke(args=["user", "disable", "kasubbag"]).exit_code == 0
    assert _said(client, disabled) == "Akun pemilik token ini nonaktif."
