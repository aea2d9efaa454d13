"""A form sent with a CSRF token that is no longer its session's (a page left open while
the user logged in or out on another tab): refused (400) with words that lead on, never
"reload" (a reload sends the same token again); the login form comes back ready to send.
A form sent after the session ended leads, after the login, back to the page it was on."""

import io

from sqlalchemy import func, select

from engine.models import AuditRecord, User
from engine.people.accounts import end_sessions
from tests.conftest import csrf_token
from tests.web.conftest import PASSWORD, api_token, login
from web.extensions import db

LTI = "penanganan_permintaan_layanan_ti"


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
    assert ("Halaman masuk ini sudah kedaluwarsa, mis. karena dibuka terlalu lama atau Anda "
            "masuk atau keluar di tab lain.") in page and "CSRF" not in page
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
    # On a phone: a short heading, the explanation below it, no jargon, and a chosen file
    # to be chosen again (found by the service desk probe).
    assert "<h1>Permintaan tidak dapat diproses</h1>" in page and "CSRF" not in page
    assert '<p class="error-message">Formulir ini sudah kedaluwarsa: halamannya' in page
    assert "perlu dipilih ulang" not in page
    with_file = client.post("/tiket/ajukan", content_type="multipart/form-data", data={
        "csrf_token": stale, "title": "Printer", "lampiran": (io.BytesIO(b"x"), "foto.png")})
    assert with_file.status_code == 400
    assert "lalu kirim lagi. Berkas yang tadi dipilih perlu dipilih ulang." in (
        with_file.get_data(True))


def test_a_form_sent_after_the_session_ended_returns_to_its_page_after_login(app, client):
    """Its own address (a POST-only one) answered 405 to the GET after the login."""
    login(client, "prakom")
    token = csrf_token(client.get("/").get_data(True))
    with app.app_context():  # the password changed on another device
        end_sessions(db.session, app.config["ALUR_CLOCK"],
                     db.session.scalar(select(User).where(User.username == "prakom")))
        db.session.commit()
    sent = client.post("/notifikasi/baca", data={"csrf_token": token},
                       headers={"Referer": "http://localhost/notifikasi/"})
    assert sent.status_code == 302 and sent.location == "/masuk?next=%2Fnotifikasi%2F"
    asked = client.get("/tugas/1")
    assert asked.location == "/masuk?next=%2Ftugas%2F1"  # a page: itself, as before


def test_keluar_in_a_tab_already_logged_out_leads_to_the_login_page(client):
    login(client, "prakom")
    token = csrf_token(client.get("/").get_data(True))
    assert client.post("/keluar", data={"csrf_token": token}).status_code == 302
    again = client.post("/keluar", data={"csrf_token": token})
    assert again.status_code == 302 and again.location == "/masuk"
    assert "Anda telah keluar." in client.get("/masuk").get_data(True)


def test_the_login_page_says_who_is_logged_in_already(client):
    login(client, "prakom")
    page = client.get("/masuk").get_data(True)
    assert "Anda sudah masuk sebagai Demo Prakom." in page


def test_the_stale_form_page_of_one_logged_out_leads_to_login_and_back(client):
    client.get("/masuk")  # a session, whose token the form (of an earlier one) lacks
    refused = client.post("/notifikasi/baca", data={"csrf_token": "dari-sesi-lain"},
                          headers={"Referer": "http://localhost/akun/"})
    assert refused.status_code == 400
    assert '<a href="/masuk?next=/akun/">Ke halaman masuk</a>' in refused.get_data(True)


def test_a_form_refused_after_the_session_ended_shows_what_was_typed_and_says_log_in(
        app, client):
    login(client, "prakom")
    stale = csrf_token(client.get("/tiket/ajukan").get_data(True))
    client.post("/keluar", data={"csrf_token": stale})  # the session ends (another tab)
    records = audit_count(app)
    refused = client.post("/tiket/ajukan", data={
        "csrf_token": stale, "sekali": "k1", "process_key": LTI,
        "title": "Printer ruang sidang macet",
        "uraian": "Kertas tersangkut,\nlampu oranye berkedip", "unit": ""})
    page = refused.get_data(True)
    assert refused.status_code == 400
    assert "Buka lagi halaman formulirnya, lalu kirim lagi. Sesi Anda juga sudah berakhir: " \
        "masuk lagi lebih dulu." in page
    assert "<dt>Judul</dt><dd class=\"typed-value\">Printer ruang sidang macet</dd>" in page
    assert ("<dt>Uraian permintaan</dt><dd class=\"typed-value\">Kertas tersangkut,\n"
            "lampu oranye berkedip</dd>") in page, "the start form's own label"
    assert "k1" not in page and stale not in page, "the form's own tokens are no typing"
    assert "<dt>Unit kerja</dt>" not in page, "an empty field is left out"
    assert LTI not in page, "the service chosen is no typing"
    assert audit_count(app) == records


def test_a_stale_step_form_names_what_was_typed_by_the_steps_own_labels(client):
    started = client.post("/api/v1/instances", headers=api_token(client, "prakom"), json={
        "process_key": "penanganan_gangguan_server", "title": "Server mati"}).json
    stale = csrf_token(client.get("/masuk").get_data(True))
    login(client, "prakom")
    refused = client.post(f"/tugas/{started['open_tasks'][0]['id']}", data={
        "csrf_token": stale, "catatan": "Kabel diganti", "kelengkapan": "Jaringan internet"})
    page = refused.get_data(True)
    assert refused.status_code == 400
    assert '<dt>Catatan</dt><dd class="typed-value">Kabel diganti</dd>' in page
    assert "<dt>kelengkapan</dt>" not in page and "Jaringan internet</dd>" in page


def test_a_stale_form_of_one_still_logged_in_shows_what_was_typed_but_no_password(client):
    stale = csrf_token(client.get("/masuk").get_data(True))
    login(client, "prakom")
    refused = client.post("/akun/kata-sandi", data={
        "csrf_token": stale, "current_password": "rahasia-lama-1", "new_password": "x" * 12,
        "confirm_password": "x" * 12})
    page = refused.get_data(True)
    assert refused.status_code == 400 and "Sesi Anda juga sudah berakhir" not in page
    assert "rahasia-lama-1" not in page and "x" * 12 not in page and "h-typed" not in page


def test_a_step_form_refused_to_another_role_shows_what_was_typed(client):
    """Someone whose step was taken from him (released by a revised SOP, handed to another
    role) sends its form: the 403 page shows his Catatan to copy (found by the regression
    probe); nothing of it is stored."""
    started = client.post("/api/v1/instances", headers=api_token(client, "kasubbag"), json={
        "process_key": "penyusunan_rkt", "title": "RKT 2027"}).json
    task = started["open_tasks"][0]
    outsider = "prakom" if task["role"] != "Prakom" else "kasubbag"
    login(client, outsider)
    token = csrf_token(client.get("/").get_data(True))
    refused = client.post(f"/tugas/{task['id']}", data={
        "csrf_token": token, "catatan": "Sudah saya periksa dengan bidang"})
    page = refused.get_data(True)
    assert refused.status_code == 403
    assert "Yang Anda ketik (salin bila masih diperlukan)" in page
    assert page.count('<dd class="typed-value">') == 1, "the Catatan, not the form's token"
    assert '<dd class="typed-value">Sudah saya periksa dengan bidang</dd>' in page


def test_a_refused_alihkan_shows_no_account_id_as_typed(app, client):
    """Found by the engine probe: "Kepada 1" under "Yang Anda ketik" after Alihkan of a
    step cancelled meanwhile; the official chose a name from a list."""
    started = client.post("/api/v1/instances", headers=api_token(client, "prakom"), json={
        "process_key": "penanganan_gangguan_server", "title": "Server mati"}).json
    task_id = started["open_tasks"][0]["id"]
    login(client, "kasubbag")
    token = csrf_token(client.get(f"/tugas/{task_id}").get_data(True))
    assert client.post(f"/api/v1/instances/{started['id']}/cancel",
                       headers=api_token(client, "admin"), json={"reason": "Uji"}
                       ).status_code == 200
    refused = client.post(f"/tugas/{task_id}/alihkan", data={"csrf_token": token,
                                                             "assignee": "1"})
    page = refused.get_data(True)
    assert refused.status_code == 409 and "status: dibatalkan" in page
    assert "Yang Anda ketik" not in page
