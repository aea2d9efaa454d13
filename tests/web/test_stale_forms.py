"""A form sent with a CSRF token that is no longer its session's (a page left open while
the user logged in or out on another tab): refused (400) with words that lead on, never
"reload" (a reload sends the same token again); the login form comes back ready to send."""

from sqlalchemy import func, select

from engine.models import AuditRecord
from tests.conftest import csrf_token
from tests.web.conftest import PASSWORD, login
from web.extensions import db


def audit_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditRecord))


def test_a_stale_login_form_comes_back_ready_to_send(app, client):
    stale = csrf_token(client.get("/masuk").get_data(True))
    login(client, "prakom")  # another tab logs in, and out: the session's token changes
    client.post("/keluar", data={"csrf_token": csrf_token(client.get("/").get_data(True))})
    records = audit_count(app)
    refused = client.post("/masuk", data={"username": "prakom", "password": PASSWORD,
                                          "csrf_token": stale})
    page = refused.get_data(True)
    assert refused.status_code == 400  # README "Masuk": without a valid token, 400
    assert "Halaman masuk ini sudah kedaluwarsa" in page
    assert 'value="prakom"' in page and "Muat ulang" not in page
    assert audit_count(app) == records, "nothing logged in, nothing recorded"
    again = client.post("/masuk", data={"username": "prakom", "password": PASSWORD,
                                        "csrf_token": csrf_token(page)})
    assert again.status_code == 302 and again.location == "/"


def test_a_stale_login_form_of_one_logged_in_says_so(client):
    stale = csrf_token(client.get("/masuk").get_data(True))
    login(client, "prakom")
    refused = client.post("/masuk", data={"username": "prakom", "password": PASSWORD,
                                          "csrf_token": stale})
    page = refused.get_data(True)
    assert refused.status_code == 400
    assert "Anda sudah masuk (mis. di tab lain)" in page
    assert 'href="/">Kembali ke Kotak Masuk' in page


def test_a_stale_form_links_back_to_its_page(client):
    stale = csrf_token(client.get("/masuk").get_data(True))
    login(client, "prakom")
    refused = client.post("/notifikasi/baca", data={"csrf_token": stale},
                          headers={"Referer": "http://localhost/notifikasi/"})
    page = refused.get_data(True)
    assert refused.status_code == 400
    assert "Buka lagi halaman formulirnya, lalu kirim lagi." in page
    assert '<a href="/notifikasi/">Kembali ke halaman sebelumnya</a>' in page
    elsewhere = client.post("/notifikasi/baca", data={"csrf_token": stale},
                            headers={"Referer": "http://contoh.test/notifikasi/"})
    assert "Kembali ke halaman sebelumnya" not in elsewhere.get_data(True)
