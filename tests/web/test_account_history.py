"""Riwayat akun on an account's administration page: what was done to the account and by
its holder, by whom, newest first, a page at a time; nothing of other accounts; read
through the (action, at) index."""

import json
import os
import pwd
import re
import socket

from sqlalchemy import inspect, select, text

from engine import audit
from engine.models import AuditRecord
from tests.conftest import csrf_token
from tests.helpers.database import on_postgres
from tests.web.conftest import login
from tests.web.test_accounts import _admin_creates, _temporary_password, _user
from web.account_words import account_detail
from web.extensions import db


def _rows(page: str) -> list[tuple[str, str, str]]:
    history = page[page.index('id="riwayat"'):]
    return [tuple(re.sub(r"<[^>]+>", "", cell).strip() for cell in row) for row in re.findall(
        r'<td data-label="Kejadian">([^<]*)</td>\s*<td data-label="Oleh">(.*?)</td>\s*'
        r'<td data-label="Rincian">([^<]*)</td>', history)]


def test_the_history_says_who_did_what_to_the_account_newest_first(app, client):
    login(client, "admin")
    status, page = _admin_creates(client, username="budi", full_name="Budi Santoso",
                                  roles=["Prakom"])
    assert status == 201
    password = _temporary_password(page)
    edit = f"/admin/pengguna/{_user(app, 'budi').id}"
    token = csrf_token(client.get(edit).get_data(True))
    client.post(edit, data={"csrf_token": token, "full_name": "Budi Santoso", "email": "",
                            "roles": ["Prakom", "Kasubbag"]})
    client.post(edit, data={"csrf_token": token, "full_name": "Budi S.", "email": "",
                            "roles": ["Prakom", "Kasubbag"]})
    client.post(f"{edit}/status", data={"csrf_token": token, "disabled": "1"})
    client.post(f"{edit}/status", data={"csrf_token": token, "disabled": "0"})
    budi = app.test_client()
    login(budi, "budi", password)
    prakom = app.test_client()
    login(prakom, "prakom")  # another account's records stay off this page

    page = client.get(edit).get_data(True)
    assert _rows(page) == [
        ("Masuk ke Alur", "Budi S. (budi)", "—"),
        ("Akun diaktifkan kembali", "Administrator (admin)", "—"),
        ("Akun dinonaktifkan", "Administrator (admin)", "—"),
        ("Nama atau surel diubah administrator", "Administrator (admin)",
         "nama Budi Santoso → Budi S."),
        ("Peran diubah", "Administrator (admin)", "Prakom → Kasubbag, Prakom"),
        ("Akun dibuat", "Administrator (admin)", "Prakom")]
    assert "(6 baris, 20 per halaman)" in page
    second = client.get(f"{edit}?halaman=2&per_page=2").get_data(True)
    assert [row[0] for row in _rows(second)] == ["Akun dinonaktifkan",
                                                 "Nama atau surel diubah administrator"]
    past = client.get(f"{edit}?halaman=9&per_page=2").get_data(True)
    assert "Halaman 9 kosong: daftar ini punya 3 halaman." in past
    assert "Belum ada yang tercatat" not in past
    assert client.get(f"{edit}?per_page=1000").status_code == 400


def test_the_account_actions_are_found_through_their_index(app):
    with app.app_context():
        indexes = {index["name"]: index["column_names"]
                   for index in inspect(db.engine).get_indexes("audit_log")}
        assert indexes["ix_audit_log_action_at"] == ["action", "at"]
        if on_postgres():
            return  # a tiny table: PostgreSQL's planner rightly reads it whole
        plan = " ".join(str(row[-1]) for row in db.session.execute(text(
            "EXPLAIN QUERY PLAN SELECT id FROM audit_log WHERE action IN "
            "('user.created', 'user.disabled') AND json_extract(detail, '$.username') = 'x' "
            "ORDER BY at DESC, id DESC")))
    assert "USING INDEX ix_audit_log_action_at" in plan, plan


def test_what_the_command_line_did_names_the_system_account_and_host_that_ran_it(
        app, client, monkeypatch):
    monkeypatch.delenv("SUDO_USER", raising=False)
    monkeypatch.setenv("USER", "menyamar")  # the account is the process's, not $USER
    runner = app.test_cli_runner()
    assert runner.invoke(args=["user", "add", "budi", "--name", "Budi Santoso", "--role",
                               "Prakom", "--password", "rahasia-123"]).exit_code == 0
    monkeypatch.setenv("SUDO_USER", "sari")
    assert runner.invoke(args=["user", "disable", "budi"]).exit_code == 0
    login(client, "admin")
    rows = _rows(client.get(f"/admin/pengguna/{_user(app, 'budi').id}").get_data(True))
    account, host = pwd.getpwuid(os.geteuid()).pw_name, socket.gethostname()
    assert [by for _, by, _ in rows] == [
        f"baris perintah (alur) — sari@{host} (sudo {account})",
        f"baris perintah (alur) — {account}@{host}"]
    with app.app_context():  # the command's origin ends with it
        assert audit.ORIGIN.get() is None


def test_failed_logins_are_recorded_as_far_as_the_login_limit_lets_them_through(app, client):
    """A wrong password for prakom is on his history and on Jejak audit, with the address;
    an unknown name is on Jejak audit without the name typed (it may be a password). The
    11th and 12th attempts are refused (429) before any check: nothing more is stored."""
    for attempt in range(12):
        answer = client.post("/api/v1/auth/token",
                             json={"username": "prakom", "password": f"salah-{attempt}"})
        assert answer.status_code == (401 if attempt < 10 else 429)
    stranger = app.test_client()
    assert stranger.post("/api/v1/auth/token", json={
        "username": "rahasia-ku-123", "password": "x"}).status_code == 401
    with app.app_context():
        failed = db.session.execute(text(
            "SELECT detail FROM audit_log WHERE action = 'user.login_failed' ORDER BY id")
        ).scalars().all()
    failed = [value if isinstance(value, dict) else json.loads(value) for value in failed]
    assert [record["username"] for record in failed] == ["prakom"] * 10 + [None]
    assert {record["address"] for record in failed} == {"127.0.0.1"}
    assert "rahasia-ku-123" not in str(failed)
    login(client, "admin")
    page = client.get(f"/admin/pengguna/{_user(app, 'prakom').id}").get_data(True)
    assert _rows(page)[:2] == [("Gagal masuk (nama pengguna atau kata sandi salah)",
                                "yang mencoba masuk", "dari 127.0.0.1")] * 2
    trail = client.get("/admin/jejak-audit?tindakan=user.login_failed").get_data(True)
    assert "(11 baris, 20 per halaman)" in trail


def test_an_address_removed_on_akun_reads_removed_with_the_one_it_was(app, client):
    """The English admin probe: the history said "—" for an address removed."""
    login(client, "prakom")
    token = csrf_token(client.get("/akun/").get_data(True))
    for email in ("prakom@pa-bima.go.id", ""):
        assert client.post("/akun/", data={"email": email, "language": "id",
                                           "csrf_token": token}).status_code == 302
    with app.app_context():
        [removed] = db.session.scalars(select(AuditRecord.detail).where(
            AuditRecord.action == "user.email_changed").order_by(AuditRecord.id.desc()).limit(1))
    assert removed == {"email": None, "previous": "prakom@pa-bima.go.id"}
    with app.test_request_context():
        assert account_detail("user.email_changed", removed) == (
            "dihapus (sebelumnya prakom@pa-bima.go.id)")
        assert account_detail("user.email_changed", {"email": "a@b.id"}) == "a@b.id"
