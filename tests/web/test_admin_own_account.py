"""An administrator's own account page offers nothing that cannot work on it (no
Nonaktifkan, no Administrator box to untick, no password reset that would end his own
session), and a second click on an account or token action says nothing changed."""

from sqlalchemy import func, select

from engine.models import ApiToken, AuditRecord, User
from tests.conftest import csrf_token
from tests.web.conftest import api_token, login
from web.extensions import db


def _user(app, username: str) -> User:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        db.session.expunge(user)
        return user


def _records(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditRecord))


def test_an_administrators_own_page_offers_no_button_that_cannot_work(app, client):
    login(client, "admin")
    own = client.get(f"/admin/pengguna/{_user(app, 'admin').id}").get_data(True)
    assert ">Ya, nonaktifkan</button>" not in own and "<summary>Nonaktifkan" not in own
    assert "Anda tidak dapat menonaktifkan akun Anda sendiri.</p>" in own
    other = client.get(f"/admin/pengguna/{_user(app, 'prakom').id}").get_data(True)
    assert "<summary>Nonaktifkan</summary>" in other and ">Ya, nonaktifkan</button>" in other
    assert "akun Anda sendiri" not in other
    assert ('<input type="checkbox" checked disabled aria-describedby="is_admin-hint"> '
            'Administrator</label><input type="hidden" name="is_admin" value="on">') in own
    assert "Anda tidak dapat mencabut hak admin Anda sendiri; minta administrator lain." in own
    assert "Atur ulang kata sandi" not in own
    assert 'Ini akun Anda sendiri: ganti kata sandi Anda di <a href="/akun/#ganti-kata-sandi">' \
        in own
    assert "Atur ulang kata sandi" in other and 'name="is_admin" checked' not in other


def test_a_refused_save_of_ones_own_account_lists_the_boxes_by_their_labels(app, client):
    login(client, "admin")
    admin = _user(app, "admin")
    token = csrf_token(client.get(f"/admin/pengguna/{admin.id}").get_data(True))
    refused = client.post(f"/admin/pengguna/{admin.id}", data={
        "csrf_token": token, "full_name": "Admin Kantor", "is_auditor": "on"})
    page = refused.get_data(True)
    assert refused.status_code == 403
    assert ('<dt>Auditor (hanya membaca)</dt><dd class="typed-value">ya</dd>' in page
            and "is_auditor" not in page)
    assert _user(app, "admin").is_admin and not _user(app, "admin").is_auditor


def test_disabling_a_disabled_account_again_says_nothing_changed(app, client):
    login(client, "admin")
    prakom = _user(app, "prakom")
    token = csrf_token(client.get(f"/admin/pengguna/{prakom.id}").get_data(True))
    status = f"/admin/pengguna/{prakom.id}/status"
    client.post(status, data={"csrf_token": token, "disabled": "1"}, follow_redirects=True)
    before = _records(app)
    again = client.post(status, data={"csrf_token": token, "disabled": "1"},
                        follow_redirects=True).get_data(True)
    assert "Akun prakom sudah nonaktif; tidak ada yang berubah." in again
    assert "dinonaktifkan; sesi dan tokennya diakhiri" not in again
    assert _records(app) == before
    client.post(status, data={"csrf_token": token, "disabled": "0"}, follow_redirects=True)
    enabled = client.post(status, data={"csrf_token": token, "disabled": "0"},
                          follow_redirects=True).get_data(True)
    assert "Akun prakom sudah aktif; tidak ada yang berubah." in enabled


def test_revoking_a_revoked_token_again_says_nothing_changed(app, client):
    api_token(client, "prakom")
    login(client, "prakom")
    page = client.get("/akun/").get_data(True)
    with app.app_context():
        token = db.session.scalar(select(ApiToken))
        revoke = f"/akun/token/{token.id}/cabut"
        data = {"csrf_token": csrf_token(page), "prefix": token.prefix}
    assert "Token dicabut." in client.post(revoke, data=data, follow_redirects=True).get_data(True)
    before = _records(app)
    again = client.post(revoke, data=data, follow_redirects=True).get_data(True)
    assert "Token ini sudah dicabut sebelumnya; tidak ada yang berubah." in again
    assert _records(app) == before


def test_resetting_ones_own_password_by_its_address_is_refused(app, client):
    """A page open from before, or a script: the reset would end his own session."""
    login(client, "admin")
    admin = _user(app, "admin")
    before = _records(app)
    refused = client.post(f"/admin/pengguna/{admin.id}/kata-sandi", data={
        "csrf_token": csrf_token(client.get("/akun/").get_data(True))})
    assert refused.status_code == 403
    assert ("Ini akun Anda sendiri: ganti kata sandi Anda di Akun → Ganti kata sandi; mengatur "
            "ulangnya di sini akan mengakhiri sesi Anda.") in refused.get_data(True)
    assert _records(app) == before and not _user(app, "admin").must_change_password
    assert client.get("/akun/").status_code == 200, "still signed in"
