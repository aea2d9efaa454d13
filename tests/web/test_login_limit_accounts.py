"""The login limit counts an account however its name is written, counts wrong current
passwords on Akun → Ganti kata sandi as failed logins with a record of each, and says
which limit holds: the account's, or the network address's (where a new password would
not help)."""

import math

from engine.models import AuditRecord, User
from tests.conftest import csrf_token
from tests.web.conftest import PASSWORD, login, refused_login
from web.extensions import db

INVISIBLE = ("prakom\u200b", "\ufeffprakom", "prakom\u2060\u200b", "\u00adPRAKOM ")


def test_invisible_characters_at_a_names_ends_count_against_the_same_account(client):
    for _ in range(10):
        assert client.post("/api/v1/auth/token", json={
            "username": "prakom", "password": "salah-salah"}).status_code == 401
    for name in INVISIBLE:
        token = client.post("/api/v1/auth/token", json={"username": name,
                                                        "password": PASSWORD})
        assert token.status_code == 429, name
        assert login(client, name).status_code == 429, name
    with client.application.app_context():
        assert db.session.query(AuditRecord).filter_by(
            action="user.login_failed").count() == 10, "the refused ones are not recorded"


def test_guessing_the_current_password_on_an_open_session_is_limited_like_logins(client):
    """A session left open at a desk must not let anyone try every password: wrong current
    passwords count as failed logins of the account (10 per 15 minutes)."""
    login(client, "kasubbag")
    token = csrf_token(client.get("/akun/").get_data(True))

    def change(current: str):
        return client.post("/akun/kata-sandi", data={
            "csrf_token": token, "current_password": current,
            "new_password": "sandi-baru-2026", "confirm_password": "sandi-baru-2026"})

    answers = [client.post("/akun/kata-sandi", data={  # a name sent along changes nothing
        "csrf_token": token, "username": f"x{n}", "current_password": f"tebakan-{n}",
        "new_password": "sandi-baru-2026", "confirm_password": "sandi-baru-2026"}).status_code
        for n in range(11)]
    assert answers == [422] * 10 + [429]
    assert change(PASSWORD).status_code == 429  # even the right one, until the window ends
    assert login(client.application.test_client(), "kasubbag").status_code == 429
    assert login(client.application.test_client(), "prakom").status_code == 302


def test_a_wrong_current_password_is_recorded_and_its_limit_named(app, client):
    login(client, "kasubbag")
    token = csrf_token(client.get("/akun/").get_data(True))
    for n in range(10):
        assert client.post("/akun/kata-sandi", data={
            "csrf_token": token, "current_password": f"tebakan-{n}",
            "new_password": "sandi-baru-2026",
            "confirm_password": "sandi-baru-2026"}).status_code == 422
    with app.app_context():
        records = db.session.query(AuditRecord).filter_by(action="user.login_failed").all()
        assert [(r.detail["username"], r.detail["page"], r.actor.username)
                for r in records] == [("kasubbag", "Ganti kata sandi", "kasubbag")] * 10
        kasubbag = db.session.query(User).filter_by(username="kasubbag").one().id
    admin = app.test_client()
    login(admin, "admin")
    history = admin.get(f"/admin/pengguna/{kasubbag}").get_data(True)
    assert ("dari 127.0.0.1: kata sandi sekarang salah pada Ganti kata sandi, dalam sesi "
            "yang sudah masuk") in history
    refused = client.post("/akun/kata-sandi", data={
        "csrf_token": token, "current_password": PASSWORD,
        "new_password": "sandi-baru-2026", "confirm_password": "sandi-baru-2026"})
    minutes = math.ceil(int(refused.headers["Retry-After"]) / 60)
    assert refused.status_code == 429
    assert (f"Terlalu banyak kata sandi salah untuk akun ini (saat masuk atau pada Ganti "
            f"kata sandi). Coba lagi dalam {minutes} menit.") in refused.get_data(True)


def test_the_address_limit_says_the_address_waits_not_the_password(app, client):
    app.extensions["alur_limiter"].reset()
    for number in range(50):
        assert refused_login(login(client, f"tidak_ada_{number}", "salah-salah"))
    refused = login(client, "prakom")
    minutes = math.ceil(int(refused.headers["Retry-After"]) / 60)
    page = refused.get_data(True)
    assert refused.status_code == 429
    assert (f"Terlalu banyak percobaan masuk yang gagal dari alamat jaringan ini (semua akun "
            f"bersama-sama). Coba lagi dalam {minutes} menit.") in page
    assert "Lupa kata sandi?" not in page
