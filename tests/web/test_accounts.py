"""Accounts an office can run: no known passwords, the page "Pengguna dan Peran",
and revocation of sessions and API tokens."""

import html
import re

import pytest
from sqlalchemy import inspect, select
from werkzeug.security import check_password_hash

from engine.clock import ManualClock
from engine.models import ApiToken, AuditRecord, User
from tests.conftest import MONDAY_0800, csrf_token
from tests.web.conftest import (
    DISABLED_LOGIN,
    PASSWORD,
    api_token,
    login,
    refused_login,
    unmigrated_app,
)
from tests.web.desk_helpers import add_employee
from web import create_app
from web.extensions import db


def _user(app, username: str) -> User:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        db.session.expunge(user)
        return user


def _temporary_password(html: str) -> str:
    return re.search(r'id="temporary-password">([^<]+)<', html).group(1)


def test_setup_refuses_a_bad_admin_name_before_it_migrates_anything(database, tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "uji",
                      "ALUR_CLOCK": ManualClock(MONDAY_0800), "TESTING": True,
                      "ALUR_ATTACHMENTS_PATH": str(tmp_path / "lampiran")})
    result = app.test_cli_runner().invoke(args=["setup", "--admin", "Bad Name"],
                                          env={"ALUR_DEMO": ""})
    assert result.exit_code == 2
    assert "--admin" in result.output and "huruf kecil" in result.output
    with app.app_context():
        assert inspect(db.engine).get_table_names() == []
        db.engine.dispose()


def test_setup_without_demo_creates_only_an_administrator_with_a_generated_password(
        database, tmp_path):
    app = unmigrated_app(database, tmp_path)
    result = app.test_cli_runner().invoke(args=["setup"], env={"ALUR_DEMO": ""})
    assert result.exit_code == 0, result.output
    # One Indonesian line for the schema, not alembic's English INFO lines.
    assert re.match(r"skema basis data dimigrasi ke revisi [0-9a-f]{12}\n", result.output)
    assert "alembic" not in result.output and "Running upgrade" not in result.output
    password = re.search(r"kata sandi sementara .*: (\S+)$", result.output, re.MULTILINE).group(1)
    with app.app_context():
        users = db.session.scalars(select(User)).all()
        assert [(u.username, u.is_admin, u.must_change_password) for u in users] == [
            ("admin", True, True)]
        assert not any(check_password_hash(u.password_hash, "alur-demo") for u in users)
        assert check_password_hash(users[0].password_hash, password)
    assert "MODE DEMO" not in result.output
    assert result.output.endswith("  4. SOP (/admin/sop): SOP bawaan adalah contoh dari dokumen "
                                  "sumber — unggah revisinya\n     dengan nomor SOP dan pejabat "
                                  "kantor Anda.\n"), "a new office is told what to do next"
    assert "langkah berikutnya:\n  1. jalankan alur serve" in result.output
    again = app.test_cli_runner().invoke(args=["setup", "--admin", "kepala"],
                                         env={"ALUR_DEMO": ""})
    assert again.exit_code == 0 and "kata sandi" not in again.output, "printed once"
    assert again.output.startswith("skema basis data sudah pada revisi terbaru (")
    assert again.output.endswith("administrator sudah ada (admin); tidak ada administrator "
                                 "baru dibuat — tambah dengan alur user add NAMA --admin\n")
    with app.app_context():
        assert db.session.scalars(select(User.username)).all() == ["admin"]

    client = app.test_client()
    assert login(client, "admin", password).headers["Location"] == "/akun/"
    assert client.get("/").headers["Location"] == "/akun/", "must change it first"
    page = client.get("/akun/").get_data(True)
    token = csrf_token(page)
    # On a phone the form is the third card: the browser goes to it (onboarding probe).
    assert re.search(r"id=\"current_password\"[^>]* autofocus>", page)
    changed = client.post("/akun/kata-sandi", data={
        "csrf_token": token, "current_password": password, "new_password": "sandi-admin-2026",
        "confirm_password": "sandi-admin-2026"})
    # The temporary one changed, on to work, as a login leads (the requester probe).
    assert (changed.status_code, changed.headers["Location"]) == (302, "/")
    assert client.get("/").status_code == 200
    assert "autofocus" not in client.get("/akun/").get_data(True), "only while it must change"
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_demo_mode_says_so_loudly(database, tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "uji",
                      "ALUR_CLOCK": ManualClock(MONDAY_0800), "TESTING": True,
                      "ALUR_PASSWORD_METHOD": "pbkdf2:sha256:1000"})
    result = app.test_cli_runner().invoke(args=["setup", "--demo"],
                                          env={"ALUR_DEMO_PASSWORD": ""})
    assert result.exit_code == 0, result.output
    assert "MODE DEMO" in result.output
    password = re.search(r"kata sandi demo .*: (\S+)$", result.output, re.MULTILINE).group(1)
    assert password != "alur-demo"
    assert "--admin" not in result.output
    with app.app_context():
        hashes = db.session.scalars(select(User.password_hash)).all()
        assert len(hashes) > 4 and all(check_password_hash(h, password) for h in hashes)
    again = app.test_cli_runner().invoke(args=["setup", "--demo", "--admin", "kepala"],
                                         env={"ALUR_DEMO_PASSWORD": ""})
    assert "mode demo: --admin tidak dipakai; administrator demo bernama admin\n" in again.output
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _admin_creates(client, **form) -> tuple[int, str]:
    page = client.get("/admin/pengguna").get_data(True)
    response = client.post("/admin/pengguna", data={"csrf_token": csrf_token(page), **form})
    return response.status_code, response.get_data(True)


def test_admin_creates_edits_disables_and_resets_an_account(app, client):
    login(client, "admin")
    status, page = _admin_creates(client, username="budi", full_name="Budi Santoso, S.Kom.",
                                  email="budi@pn.go.id", roles=["Prakom"])
    assert status == 201
    password = _temporary_password(page)
    budi = _user(app, "budi")
    assert (budi.role_names, budi.must_change_password) == ({"Prakom"}, True)

    edit = f"/admin/pengguna/{budi.id}"
    page = client.get(edit)
    assert page.status_code == 200
    assert 'value="Budi Santoso, S.Kom."' in page.get_data(True)
    assert 'name="roles" value="Prakom" checked' in page.get_data(True)
    token = csrf_token(page.get_data(True))
    assert client.post(edit, data={"csrf_token": token, "full_name": "Budi Santoso",
                                   "email": "", "roles": ["Prakom", "Kasubbag"]}).status_code == 302
    assert _user(app, "budi").role_names == {"Prakom", "Kasubbag"}
    assert client.post(f"{edit}/status", data={"csrf_token": token,
                                               "disabled": "1"}).status_code == 302
    assert refused_login(login(app.test_client(), "budi", password), DISABLED_LOGIN)
    assert client.post(f"{edit}/status", data={"csrf_token": token,
                                               "disabled": "0"}).status_code == 302
    reset = client.post(f"{edit}/kata-sandi", data={"csrf_token": token})
    assert reset.status_code == 200 and reset.headers["Cache-Control"] == "no-store"
    # Reset, it is changed at the next login, not "the first" (the administrator probe).
    assert ("Pengguna wajib menggantinya saat masuk berikutnya; sesi dan token API-nya sudah "
            "diakhiri.") in reset.get_data(True)
    second = _temporary_password(reset.get_data(True))
    assert refused_login(login(app.test_client(), "budi", password))
    first = app.test_client()
    assert login(first, "budi", second).headers["Location"] == "/akun/"
    # Told at once why he lands there, not only after trying another page.
    assert "Ganti kata sandi sementara Anda sebelum melanjutkan." in first.get(
        "/akun/").get_data(True)
    with app.app_context():
        actions = db.session.scalars(select(AuditRecord.action).where(
            AuditRecord.action.like("user.%"), AuditRecord.actor_id == _user(app, "admin").id)
            .order_by(AuditRecord.id)).all()
    assert [a for a in actions if a != "user.logged_in"] == [
        "user.created", "user.details_changed", "user.roles_changed", "user.disabled",
        "user.enabled", "user.password_reset"]


def test_the_account_page_stores_a_name_in_capitals_in_lower_case(app, client):
    login(client, "admin")
    status, page = _admin_creates(client, username=" RATNA ", full_name="Ratna")
    assert status == 201 and "Akun ratna dibuat" in page
    assert _user_count(app, "ratna") == 1
    status, page = _admin_creates(client, username="Ratna", full_name="Ratna")
    assert status == 422 and "pengguna ratna sudah ada" in page


def test_account_page_refuses_bad_input_and_non_admins(app, client):
    login(client, "prakom")
    assert client.get("/admin/pengguna").status_code == 403
    login(client, "admin")
    for form, field in (({"username": "Budi!", "full_name": "B"}, "username"),
                        ({"username": "prakom", "full_name": "B"}, "username"),
                        ({"username": "budi", "full_name": "B", "roles": ["Satpam"]}, "roles"),
                        ({"username": "budi", "full_name": "B" * 201}, "full_name"),
                        ({"username": "budi", "full_name": "B", "email": "bukan"}, "email")):
        status, page = _admin_creates(client, **form)
        assert status == 422 and f'id="{field}-error"' in page, form
    assert _user_count(app, "budi") == 0
    admin = _user(app, "admin")
    token = csrf_token(client.get("/").get_data(True))
    assert client.post(f"/admin/pengguna/{admin.id}", data={
        "csrf_token": token, "full_name": "Admin"}).status_code == 403, "own admin rights"
    assert client.post(f"/admin/pengguna/{admin.id}/status", data={
        "csrf_token": token, "disabled": "1"}).status_code == 403, "own account"
    missing = client.post("/admin/pengguna/999999/status", data={
        "csrf_token": token, "disabled": "1"})
    assert missing.status_code == 404 and "Pengguna #999999 tidak ditemukan." in missing.get_data(
        True), "named, not 'Halaman tidak ditemukan' (the English admin probe)"
    assert client.post("/admin/pengguna", data={"username": "budi", "full_name": "B"}
                       ).status_code == 400, "no CSRF token"
    assert _user(app, "admin").is_admin


def _user_count(app, username: str) -> int:
    with app.app_context():
        return len(db.session.scalars(select(User).where(User.username == username)).all())


def _revokers():
    def logout(app, client):
        client.post("/keluar", data={"csrf_token": csrf_token(client.get("/").get_data(True))})

    def password_change(app, client):
        token = csrf_token(client.get("/akun/").get_data(True))
        assert client.post("/akun/kata-sandi", data={
            "csrf_token": token, "current_password": PASSWORD,
            "new_password": "sandi-baru-2026", "confirm_password": "sandi-baru-2026"}
        ).status_code == 302
        assert client.get("/").status_code == 200, "the changing session goes on"

    def disable(app, client):
        admin = app.test_client()
        login(admin, "admin")
        token = csrf_token(admin.get("/").get_data(True))
        kasubbag = _user(app, "kasubbag")
        assert admin.post(f"/admin/pengguna/{kasubbag.id}/status", data={
            "csrf_token": token, "disabled": "1"}).status_code == 302

    def admin_revoked(app, client):
        other = app.test_client()
        login(other, "admin")
        token = csrf_token(other.get("/").get_data(True))
        kasubbag = _user(app, "kasubbag")
        assert kasubbag.is_admin
        assert other.post(f"/admin/pengguna/{kasubbag.id}", data={
            "csrf_token": token, "full_name": kasubbag.full_name, "roles": ["Kasubbag"]}
        ).status_code == 302
        assert not _user(app, "kasubbag").is_admin

    return {"logout": logout, "password_change": password_change, "disable": disable,
            "admin_revoked": admin_revoked}


@pytest.mark.parametrize("revoke", list(_revokers()))
def test_revocation_ends_the_old_cookie_and_the_old_token(app, client, revoke):
    if revoke == "admin_revoked":
        with app.app_context():
            user = db.session.scalar(select(User).where(User.username == "kasubbag"))
            user.is_admin = True
            db.session.commit()
    login(client, "kasubbag")
    headers = api_token(client, "kasubbag")
    old_cookie = client.get_cookie("session").value
    replay = app.test_client()
    replay.set_cookie("session", old_cookie)
    assert replay.get("/").status_code == 200
    assert client.get("/api/v1/tasks", headers=headers).status_code == 200

    _revokers()[revoke](app, client)

    replay = app.test_client()
    replay.set_cookie("session", old_cookie)
    answer = replay.get("/")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/masuk")
    assert client.get("/api/v1/tasks", headers=headers).status_code == 401
    # Told why, not only asked to log in (the administrator probe: a Kasubbag whose role
    # changed lost his form to "Silakan masuk terlebih dahulu.").
    said = html.unescape(replay.get(answer.headers["Location"]).get_data(True))
    assert ("Sesi Anda sudah berakhir: akun ini dinonaktifkan administrator." if revoke ==
            "disable" else "Sesi Anda sudah berakhir: kata sandi, peran atau hak akun ini "
            "diubah, atau akun ini keluar di perangkat lain (Keluar mengakhiri sesi di semua "
            "perangkat). Silakan masuk lagi.") in said
    assert "Silakan masuk terlebih dahulu." not in said


def test_tokens_are_listed_with_last_use_and_revoked_one_by_one(app, client, clock):
    first, second = api_token(client, "prakom"), api_token(client, "prakom")
    assert client.get("/api/v1/tasks", headers=first).status_code == 200
    login(client, "prakom")
    page = client.get("/akun/").get_data(True)
    assert page.count("/cabut") == 2 and "belum pernah" in page
    with app.app_context():
        ids = db.session.scalars(select(ApiToken.id).order_by(ApiToken.id)).all()
        assert db.session.get(ApiToken, ids[0]).last_used_at == clock.now()
    assert client.post(f"/akun/token/{ids[0]}/cabut",
                       data={"csrf_token": csrf_token(page)}).status_code == 302
    assert client.get("/api/v1/tasks", headers=first).status_code == 401
    assert client.get("/api/v1/tasks", headers=second).status_code == 200
    other = app.test_client()
    login(other, "kasubbag")
    assert other.post(f"/akun/token/{ids[1]}/cabut", data={
        "csrf_token": csrf_token(other.get("/").get_data(True))}).status_code == 404
    assert client.get("/api/v1/tasks", headers=second).status_code == 200


def test_token_lifetime_is_configurable_and_said(app, client, clock):
    from datetime import datetime, timedelta
    app.config["ALUR_TOKEN_MAX_AGE"] = 60
    issued = client.post("/api/v1/auth/token", json={"username": "prakom", "password": PASSWORD})
    assert datetime.fromisoformat(issued.json["expires_at"]) == clock.now() + timedelta(seconds=60)
    headers = {"Authorization": f"Bearer {issued.json['token']}"}
    clock.advance(timedelta(seconds=59))
    assert client.get("/api/v1/tasks", headers=headers).status_code == 200
    clock.advance(timedelta(seconds=1))
    assert client.get("/api/v1/tasks", headers=headers).status_code == 401


def test_an_admin_changing_their_own_roles_stays_logged_in(app, client):
    login(client, "admin")
    admin = _user(app, "admin")
    token = csrf_token(client.get("/").get_data(True))
    assert client.post(f"/admin/pengguna/{admin.id}", data={
        "csrf_token": token, "full_name": "Admin", "roles": ["Ketua"], "is_admin": "on"}
    ).status_code == 302
    assert _user(app, "admin").role_names == {"Ketua"}
    assert client.get("/admin/pengguna").status_code == 200


def test_an_employee_without_a_role_is_offered_only_what_applies_to_him(app, client):
    """No Kotak Masuk, so no "tugas baru" notices to ask for; his mail is about his tickets."""
    add_employee(app)
    login(client, "pegawai")
    page = client.get("/akun/").get_data(True)
    assert "Alamat surel untuk kabar tiket Anda" in page
    assert "tugas baru" not in page and "pengingat dan eskalasi" not in page
    login(client, "prakom")
    page = client.get("/akun/").get_data(True)
    assert "Alamat surel untuk pengingat, eskalasi, penugasan dan tugas baru" in page


def test_an_empty_user_name_is_said_to_be_required_not_given_the_format(app, client):
    """The English admin probe: an empty name read "lower-case letters, digits, …"."""
    login(client, "admin")
    status, page = _admin_creates(client, username="  ", full_name="Budi Santoso")
    assert status == 422
    assert '<p class="field-error" id="username-error">nama pengguna wajib diisi</p>' in page
    status, page = _admin_creates(client, username="Budi Santoso", full_name="Budi Santoso")
    assert "huruf kecil, angka, _ atau . (diawali huruf), 2–64 karakter" in page
    assert _user_count(app, "budi") == 0
