"""The SMTP server's fields are refused beside themselves when no mail could go out as
written (each was saved, then every message failed), and the stored password can be
cleared."""

import pytest
from sqlalchemy import select

from engine import settings
from engine.models import Setting
from tests.web.conftest import login
from tests.web.test_settings import FORM, _post
from web.extensions import db


@pytest.mark.parametrize("field, value, message", [
    ("smtp_host", "http://mail.pn.go.id", "Tulis nama host atau alamat IP server SMTP saja"),
    ("smtp_host", "mail pn", "Tulis nama host atau alamat IP server SMTP saja"),
    ("smtp_host", "mail.pn.go.id:25", "Tulis nama host atau alamat IP server SMTP saja"),
    ("smtp_username", "alur\nBcc: x", "Nama pengguna SMTP tanpa spasi atau baris baru."),
    ("smtp_sender", "", "Alamat pengirim wajib diisi bila server SMTP diisi"),
])
def test_an_smtp_field_no_mail_could_use_is_refused_beside_it(app, client, field, value,
                                                              message):
    login(client, "admin")
    response = _post(client, {**FORM, field: value})
    assert response.status_code == 422
    assert f'id="{field}-error">{message}' in response.get_data(True)
    with app.app_context():
        assert db.session.scalars(select(Setting)).all() == []


def test_an_ip_address_is_a_server_and_the_stored_password_can_be_cleared(app, client):
    login(client, "admin")
    assert _post(client, {**FORM, "smtp_host": "10.0.0.5"}).status_code == 302
    with app.app_context():
        assert settings.get(db.session, "smtp")["password"]
    page = client.get("/admin/pengaturan").get_data(True)
    assert 'name="smtp_password_clear"' in page
    assert _post(client, {**FORM, "smtp_host": "10.0.0.5", "smtp_password": "",
                          "smtp_password_clear": "on"}).status_code == 302
    with app.app_context():
        assert settings.get(db.session, "smtp")["password"] == ""
