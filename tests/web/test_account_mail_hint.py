"""Akun says when no e-mail goes out yet because the office has no mail server, so that an
official who filled in his address does not wait for mail that never comes (found by the
Sekretaris-month probe)."""

from sqlalchemy import update

from engine.models import User
from tests.conftest import csrf_token
from tests.web.conftest import login
from tests.web.test_settings import FORM, _post
from web.extensions import db

NO_SERVER = ("Administrator belum mengatur server surel kantor: belum ada surel yang dikirim. "
             "Pemberitahuan tetap ada di Notifikasi.")


def test_the_account_page_says_mail_waits_for_the_office_server(client):
    login(client, "prakom")
    assert NO_SERVER in client.get("/akun/").get_data(True)
    login(client, "admin")
    assert _post(client, FORM).status_code == 302
    login(client, "prakom")
    assert NO_SERVER not in client.get("/akun/").get_data(True)


def test_without_an_address_or_in_english_the_page_says_what_mail_to_expect(app, client):
    """The e-mail probe: an account with no address read nothing about it; an English reader
    got Indonesian e-mails with no word of it beforehand."""
    login(client, "admin")
    assert _post(client, FORM).status_code == 302
    with app.app_context():
        db.session.execute(update(User).where(User.username == "prakom").values(email=None))
        db.session.commit()
    login(client, "prakom")
    page = client.get("/akun/").get_data(True)
    assert ("Tanpa alamat surel Anda tidak menerima surel; kabar tetap ada di Notifikasi."
            in page) and "email-language" not in page
    client.post("/akun/", data={"csrf_token": csrf_token(page), "language": "en",
                                "email": "prakom@pn-contoh.go.id"})
    page = client.get("/akun/").get_data(True)
    assert "email-empty" not in page and 'id="email-language"' in page
