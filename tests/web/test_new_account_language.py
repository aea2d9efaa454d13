"""The language an administrator gives a new account: its first pages, the forced change
of the temporary password included, are in it (the phone probe: a new employee who reads
English met Indonesian until he found Bahasa tampilan himself)."""

from sqlalchemy import func, select

from engine.models import AuditRecord, User
from tests.web.conftest import login
from tests.web.test_accounts import _admin_creates, _temporary_password
from web.extensions import db


def test_a_new_account_opens_in_the_language_its_administrator_chose(app, client):
    login(client, "admin")
    assert 'name="language"' in client.get("/admin/pengguna").get_data(True)
    status, page = _admin_creates(client, username="rina", full_name="Rina Wijaya",
                                  roles=["Prakom"], language="en")
    assert status == 201
    rina = app.test_client()
    assert login(rina, "rina", _temporary_password(page)).headers["Location"] == "/akun/"
    first = rina.get("/akun/").get_data(True)
    assert '<html lang="en">' in first and "Display language" in first
    with app.app_context():
        assert db.session.scalar(select(User.language).where(User.username == "rina")) == "en"
        record = db.session.scalars(select(AuditRecord).where(
            AuditRecord.action == "user.created",
            AuditRecord.detail["username"].as_string() == "rina")).one()
        assert record.detail["language"] == "en"
    history = client.get(f"/admin/pengguna/{_user_id(app, 'rina')}").get_data(True)
    assert "Prakom; English" in history


def test_a_language_alur_does_not_have_is_refused_and_nothing_is_created(app, client):
    login(client, "admin")
    status, page = _admin_creates(client, username="rina", full_name="Rina Wijaya",
                                  roles=["Prakom"], language="fr")
    assert status == 422
    assert 'id="language-error">Pilih Bahasa Indonesia atau English.' in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User).where(
            User.username == "rina")) == 0


def _user_id(app, username: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.username == username))
