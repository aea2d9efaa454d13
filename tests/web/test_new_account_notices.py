"""Pengaturan → Akun baru: a new office turns "tugas baru" notices on for every account it
creates or imports from then on, so staff hear of their steps without first finding the
choice on their account page; existing accounts keep their own choice."""

import re
from html import unescape

from sqlalchemy import func, select

from engine import settings
from engine.models import AuditRecord, Notification, User
from tests.conftest import csrf_token
from tests.helpers.statements import statements
from tests.web.conftest import login
from tests.web.test_user_import import _import
from web.extensions import db

SERVER = "penanganan_gangguan_server"


def _save(client, **form) -> None:
    page = client.get("/admin/pengaturan").get_data(True)
    version = re.search(r'name="versi" value="([^"]+)"', page).group(1)
    response = client.post("/admin/pengaturan", data={
        "csrf_token": csrf_token(page), "versi": version, "multiples": "1, 2, 3",
        "timezone": "Asia/Jakarta", "smtp_port": "25", **form})
    assert response.status_code == 302, response.get_data(True)


def _asking(app) -> dict[str, bool]:
    with app.app_context():
        return dict(db.session.execute(select(User.username, User.notify_new_tasks)).all())


def test_accounts_made_after_the_setting_ask_for_new_task_notices(app, client, tmp_path):
    login(client, "admin")
    assert "Nyalakan notifikasi Tugas baru untuk akun yang dibuat" in client.get(
        "/admin/pengaturan").get_data(True)
    _save(client, new_task_notices="on")
    page = unescape(client.get("/admin/pengaturan").get_data(True))
    assert "Akun baru · notifikasi Tugas baru: tidak → ya" in page
    token = csrf_token(client.get("/admin/pengguna").get_data(True))
    client.post("/admin/pengguna", data={"csrf_token": token, "username": "gita",
                                         "full_name": "Gita Permata", "roles": "Prakom"})
    assert _import(app, tmp_path, "nama_pengguna;nama_lengkap;peran\nrudi;Rudi;Kasubbag\n"
                   ).exit_code == 0
    asking = _asking(app)
    assert asking["gita"] is True and asking["rudi"] is True
    assert asking["prakom"] is False, "existing accounts keep their choice"
    with app.app_context():
        assert settings.get(db.session, "new_task_notice_roles") == ["Kasubbag", "Prakom"]
        assert [record.detail["new_tasks"] for record in db.session.scalars(
            select(AuditRecord).where(AuditRecord.action == "user.created",
                                      AuditRecord.detail["username"].as_string().in_(
                                          ["gita", "rudi"])))] == [True, True]

    login(client, "prakom")
    token = csrf_token(client.get("/proses/baru").get_data(True))
    assert client.post("/proses/baru", data={"process_key": SERVER, "title": "Server mati",
                                             "csrf_token": token}).status_code == 302
    with app.app_context():
        told = db.session.scalars(select(User.username).join(
            Notification, Notification.user_id == User.id).where(
            Notification.kind == "tugas_baru")).all()
    assert told == ["gita"], "the new Prakom hears of the step; the others did not ask"


def test_by_default_and_when_turned_off_new_accounts_do_not_ask(app, client):
    login(client, "admin")
    _save(client, new_task_notices="on")
    _save(client)
    token = csrf_token(client.get("/admin/pengguna").get_data(True))
    client.post("/admin/pengguna", data={"csrf_token": token, "username": "sari",
                                         "full_name": "Sari Dewi", "roles": "Prakom"})
    assert _asking(app)["sari"] is False
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditRecord).where(
            AuditRecord.action == "settings.changed")) == 2


def test_an_import_works_out_who_hears_of_new_tasks_once_not_per_account(app, client, tmp_path):
    login(client, "admin")
    _save(client, new_task_notices="on")
    rows = "".join(f"staf{n};Staf {n};{role}\n" for n, role in enumerate(
        ["Kasubbag", "Prakom", "Panitera"] * 4))
    with statements(app) as seen:
        assert _import(app, tmp_path, "nama_pengguna;nama_lengkap;peran\n" + rows
                       ).exit_code == 0
    assert sum("UNION" in statement and "substitutions" in statement
               for statement in seen) == 1
    with app.app_context():
        assert settings.get(db.session, "new_task_notice_roles") == [
            "Kasubbag", "Panitera", "Prakom"]
