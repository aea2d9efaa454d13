"""Akun says when no e-mail goes out yet because the office has no mail server, so that an
official who filled in his address does not wait for mail that never comes (found by the
Sekretaris-month probe)."""

from tests.web.conftest import login
from tests.web.test_settings import FORM, _post

NO_SERVER = ("Administrator belum mengatur server surel kantor: belum ada surel yang dikirim. "
             "Pemberitahuan tetap ada di Notifikasi.")


def test_the_account_page_says_mail_waits_for_the_office_server(client):
    login(client, "prakom")
    assert NO_SERVER in client.get("/akun/").get_data(True)
    login(client, "admin")
    assert _post(client, FORM).status_code == 302
    login(client, "prakom")
    assert NO_SERVER not in client.get("/akun/").get_data(True)
