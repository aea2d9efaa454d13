"""The edge: rate limits, equal work for unknown names, the ``next`` check, security
headers, private files, body limits."""

import hashlib
import html
import io
import math
import os
import re
import stat

import pytest
from sqlalchemy import update

from engine.models import User
from engine.people import accounts
from tests.conftest import csrf_token
from tests.web.conftest import DISABLED_LOGIN, PASSWORD, api_token, login, refused_login
from web import create_app
from web.extensions import db
from web.views import auth


def test_twenty_wrong_passwords_get_429_with_retry_after_then_even_the_right_one(client):
    answers = [login(client, "kasubbag", "salah-salah") for _ in range(20)]
    assert [a.status_code for a in answers] == [200] * 10 + [429] * 10, "10 per 15 minutes"
    assert "Retry-After" not in answers[0].headers
    refused = login(client, "kasubbag")
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    minutes = math.ceil(int(refused.headers["Retry-After"]) / 60)
    assert minutes in (14, 15)
    assert (f"Terlalu banyak percobaan masuk yang gagal untuk akun ini. Coba lagi dalam "
            f"{minutes} menit. "
            "Lupa kata sandi? Minta administrator menggantinya dengan kata sandi sementara."
            in refused.get_data(True)), "the page says how long, as Retry-After, and who helps"
    token = client.post("/api/v1/auth/token", json={"username": "kasubbag",
                                                    "password": PASSWORD})
    assert token.status_code == 429 and token.json["error"]["code"] == "too_many_requests"
    assert "Retry-After" in token.headers
    assert login(client, "prakom").status_code == 302, "other accounts go on"


def test_the_address_limit_counts_across_accounts(app, client):
    app.extensions["alur_limiter"].reset()
    for number in range(50):
        assert refused_login(login(client, f"tidak_ada_{number}", "salah-salah"))
    assert login(client, "prakom").status_code == 429


def test_successful_logins_are_not_counted(client):
    for _ in range(15):
        assert login(client, "prakom").status_code == 302


def test_a_right_password_refused_for_another_reason_is_not_a_failed_login(app, client):
    with app.app_context():
        db.session.execute(update(User).where(User.username == "kasubbag")
                           .values(is_disabled=True))
        db.session.execute(update(User).where(User.username == "prakom")
                           .values(must_change_password=True))
        db.session.commit()
    for _ in range(12):
        assert refused_login(login(client, "kasubbag"), DISABLED_LOGIN)
        token = client.post("/api/v1/auth/token", json={"username": "prakom",
                                                        "password": PASSWORD})
        assert token.json["error"]["code"] == "password_change_required"
    assert login(client, "prakom").status_code == 302


def test_the_login_form_speaks_indonesian_and_takes_any_password_the_account_page_does(
        app, client):
    answer = login(client, "a" * 65, "b" * 201)
    assert answer.status_code == 400
    assert ["Paling banyak 64 karakter.", "Paling banyak 200 karakter."] == re.findall(
        r'class="field-error"[^>]*>([^<]+)<', answer.get_data(True))
    with app.app_context():
        db.session.execute(update(User).where(User.username == "prakom").values(
            password_hash=auth.hash_password("  sandi dengan spasi  ")))
        db.session.commit()
    assert login(client, "prakom", "  sandi dengan spasi  ").status_code == 302


def test_a_capitalised_name_is_the_same_account_and_the_api_takes_what_the_form_does(client):
    assert login(client, "Prakom").status_code == 302
    client.post("/keluar", data={"csrf_token": csrf_token(client.get("/akun/").get_data(True))})
    page = client.get("/masuk").get_data(True)
    assert re.search(r'<input[^>]*autocapitalize="none"[^>]*name="username"', page) or \
        re.search(r'<input[^>]*name="username"[^>]*autocapitalize="none"', page)
    token = client.post("/api/v1/auth/token", json={"username": " KASUBBAG ",
                                                    "password": PASSWORD})
    assert token.status_code == 200
    lower = client.get("/api/v1/tasks", headers={
        "Authorization": f"bearer {token.json['token']}"})
    assert lower.status_code == 200
    long = client.post("/api/v1/auth/token", json={"username": "kasubbag",
                                                   "password": "b" * 201})
    assert long.status_code == 422 and "password" in long.json["error"]["fields"]


def test_a_password_of_spaces_only_is_refused(client):
    assert login(client, "prakom").status_code == 302
    token = csrf_token(client.get("/akun/").get_data(True))
    answer = client.post("/akun/kata-sandi", data={
        "csrf_token": token, "current_password": PASSWORD, "new_password": " " * 12,
        "confirm_password": " " * 12})
    assert "Kata sandi baru tidak boleh hanya berisi spasi." in answer.get_data(True)
    assert accounts.password_problem(" " * 12) == "kata sandi tidak boleh hanya berisi spasi"
    client.post("/keluar", data={"csrf_token": csrf_token(client.get("/").get_data(True))})
    assert login(client, "prakom").status_code == 302, "the password did not change"


def test_each_app_has_its_own_limiter(app, database):
    other = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "uji"})
    assert other.extensions["alur_limiter"] is not app.extensions["alur_limiter"]


def test_unknown_and_known_names_cost_the_same_hash_check(client, monkeypatch):
    calls = []
    real = auth.check_password_hash

    def counting(hashed: str, password: str) -> bool:
        calls.append(hashed.split("$")[0])
        return real(hashed, password)

    monkeypatch.setattr(auth, "check_password_hash", counting)
    assert refused_login(login(client, "tidak_ada", "salah-salah"))
    unknown, calls[:] = list(calls), []
    assert refused_login(login(client, "prakom", "salah-salah"))
    assert unknown == calls == ["pbkdf2:sha256:1000"], "one check, same method, both cases"


@pytest.mark.parametrize("target", [
    "/%09/evil.example", "//evil.example", "/\\evil.example", "https://evil.example/",
    "/%0d%0a/evil.example", "javascript:alert(1)", "/ /evil.example"])
def test_next_stays_on_the_site(client, target):
    token = csrf_token(client.get("/masuk").get_data(True))
    response = client.post(f"/masuk?next={target}", data={
        "username": "prakom", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_next_to_a_page_of_the_site_is_followed(client):
    token = csrf_token(client.get("/masuk").get_data(True))
    response = client.post("/masuk?next=/laporan/?periode=tahun", data={
        "username": "prakom", "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/laporan/?periode=tahun"


HTML_PAGES = ["/masuk", "/", "/akun/", "/plh/", "/notifikasi/", "/laporan/", "/mulai",
              "/admin/sop", "/admin/pengguna", "/admin/pengaturan", "/tidak-ada"]


def test_security_headers_on_every_html_response(client):
    for path in HTML_PAGES[:1]:
        _assert_headers(client.get(path))
    login(client, "admin")
    seen = 0
    for path in HTML_PAGES:
        response = client.get(path)
        if response.mimetype == "text/html":
            _assert_headers(response)
            seen += 1
    assert seen == len(HTML_PAGES)
    assert "Strict-Transport-Security" not in client.get("/").headers
    assert client.get("/api/v1/tasks").headers["Cache-Control"] == "no-store"
    with client.get("/static/alur.css") as static:
        assert static.status_code == 200 and static.headers.get("Cache-Control") != "no-store"


def _assert_headers(response) -> None:
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"  # Back after Keluar shows nothing


def test_alur_https_adds_hsts_and_secure_cookies(database, monkeypatch):
    monkeypatch.setenv("ALUR_HTTPS", "1")
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "uji"})
    response = app.test_client().get("/masuk")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Secure" in response.headers["Set-Cookie"]


def test_csrf_tokens_expire_with_the_session(app):
    assert app.config["WTF_CSRF_TIME_LIMIT"] == app.permanent_session_lifetime.total_seconds()


def test_instance_files_are_private(tmp_path, monkeypatch):
    folder = tmp_path / "instance"
    monkeypatch.setenv("ALUR_INSTANCE_PATH", str(folder))
    monkeypatch.delenv("ALUR_SECRET_KEY", raising=False)
    monkeypatch.delenv("ALUR_DATABASE_URL", raising=False)
    create_app()
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(folder / "secret_key").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(folder / "alur.sqlite3").st_mode) == 0o600


def test_a_refused_body_is_read_to_its_end_before_the_413(client):
    """Behind nginx an answer sent before the body was read closes the connection nginx
    still writes to: nginx answered 502. Up to 33 MiB it is read and thrown away."""
    body = b"--b\r\nContent-Disposition: form-data; name=\"lampiran\"; filename=\"a.pdf\"\r\n\r\n"
    body += b"x" * (11 * 1024 * 1024) + b"\r\n--b--\r\n"
    stream = io.BytesIO(body)
    refused = client.post("/api/v1/tasks/1/attachments", input_stream=stream,
                          content_length=len(body), headers=api_token(client, "prakom"),
                          content_type="multipart/form-data; boundary=b")
    assert refused.status_code == 413 and stream.tell() == len(body)


def test_a_large_body_is_refused_with_413(client):
    response = client.post("/api/v1/instances", data=b"{" + b" " * (1024 * 1024) + b"}",
                           content_type="application/json", headers=api_token(client, "prakom"))
    assert response.status_code == 413
    assert response.json["error"] == {
        "code": "request_entity_too_large", "max_bytes": 1024 * 1024,
        "message": "Badan permintaan terlalu besar: teksnya (di luar berkas) paling besar "
                   "1024 KB."}
    def multipart(name: str, content: bytes, filename: str | None = None) -> bytes:
        # Bytes, not a file: the test client then keeps no temporary file open.
        named = f'name="{name}"' + (f'; filename="{filename}"' if filename else "")
        return (f"--b\r\nContent-Disposition: form-data; {named}\r\n\r\n".encode()
                + content + b"\r\n--b--\r\n")

    def post(path: str, body: bytes):
        return client.post(path, headers=api_token(client, "prakom"), data=body,
                           content_type="multipart/form-data; boundary=b")

    upload = post("/api/v1/tasks/1/attachments",
                  multipart("lampiran", b"x" * (11 * 1024 * 1024), "a.pdf"))
    assert (upload.status_code, upload.json["error"]["message"]) == (
        413, "Berkas terlalu besar: lampiran paling besar 10 MB per berkas dan 10 MB "
        "bersama-sama dalam satu permintaan.")
    text = post("/api/v1/tasks/1/complete", multipart("data", b"x" * (1024 * 1024 + 10)))
    assert (text.status_code, text.json["error"]["max_bytes"]) == (413, 1024 * 1024), (
        "no file was sent: the limit of a form's text applied")
    with_file = post("/api/v1/tasks/1/complete", multipart("data", b"x" * (1024 * 1024 + 10))
                     .removesuffix(b"--b--\r\n") + multipart("lampiran", b"%PDF-1.4", "a.pdf"))
    assert with_file.json["error"]["message"] == (
        "Badan permintaan terlalu besar: teksnya (di luar berkas) paling besar 1024 KB."), \
        "not 'without files' beside a file"
    fits = post("/api/v1/tasks/1/complete",
                multipart("data", b'{"catatan": "' + b"x" * 600_000 + b'"}'))
    assert fits.status_code != 413, "text a JSON body may carry, as Flask's 500 000 refused"


def test_a_large_form_is_refused_with_413_before_it_is_read(client):
    assert login(client, "prakom").status_code == 302
    token = csrf_token(client.get("/akun/").get_data(True))
    response = client.post("/akun/", data={"csrf_token": token,
                                           "full_name": "x" * (2 * 1024 * 1024)},
                           headers={"Referer": "http://localhost/akun/"})
    assert response.status_code == 413
    page = response.get_data(True)
    # The limit that applied, said to the official: no file was sent, so not the file's.
    assert ("Isian terlalu panjang: teks sebuah formulir (di luar berkasnya) paling besar "
            "1024 KB." in page) and "lampiran" not in page
    assert '<a href="/akun/">Kembali ke halaman sebelumnya</a>' in page
    body = (f'--b\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            '--b\r\nContent-Disposition: form-data; name="full_name"\r\n\r\n'
            + "x" * (2 * 1024 * 1024) + '\r\n--b\r\nContent-Disposition: form-data; '
            'name="lampiran"; filename="kecil.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
            "%PDF-1.4\r\n--b--\r\n").encode()
    with_file = client.post("/akun/", data=body, content_type="multipart/form-data; boundary=b")
    assert with_file.status_code == 413, "a small file beside too much text: the text's limit"
    assert ("Isian terlalu panjang: teks sebuah formulir (di luar berkasnya) paling besar "
            "1024 KB." in with_file.get_data(True))
    unreadable = client.post("/akun/", data={"csrf_token": token,
                                              "full_name": "x" * (2 * 1024 * 1024)},
                             headers={"Referer": "http://[::1/akun/"})
    assert unreadable.status_code == 413, "a Referer no address parser reads is no 500"
    assert "Kembali ke halaman sebelumnya" not in unreadable.get_data(True)
    for elsewhere in ("http://localhost//evil.example/x", "http://localhost/\\evil.example/x"):
        foreign = client.post("/akun/", data={"csrf_token": token,
                                              "full_name": "x" * (2 * 1024 * 1024)},
                              headers={"Referer": elsewhere})
        assert foreign.status_code == 413
        assert "Kembali ke halaman sebelumnya" not in foreign.get_data(True), elsewhere
    body = (b'--b\r\nContent-Disposition: form-data; name="berkas"; filename="a.pdf"\r\n\r\n'
            + b"x" * (11 * 1024 * 1024) + b"\r\n--b--\r\n")  # bytes: the client keeps no file
    with_file = client.post("/akun/", data=body, content_type="multipart/form-data; boundary=b")
    assert with_file.status_code == 413
    assert ("lampiran paling besar 10 MB per berkas dan 10 MB bersama-sama dalam satu kiriman"
            in with_file.get_data(True)), "two files of 6 MB are each under the limit"


def test_start_data_values_are_bounded_and_nothing_is_stored(app, client):
    from sqlalchemy import func, select

    from engine.models import ProcessInstance
    from web.extensions import db

    headers = api_token(client, "prakom")
    for data, field in (({"keterangan": "x" * 2001}, "keterangan"),
                        ({f"k{n}": 1 for n in range(51)}, "data"),
                        ({"jumlah": 2**60}, "jumlah")):
        response = client.post("/api/v1/instances", headers=headers, json={
            "process_key": "pemeliharaan_server", "title": "Uji", "data": data})
        assert response.status_code == 422, response.json
        assert field in response.json["error"]["fields"]
    with app.app_context():
        assert db.session.scalar(select(func.count(ProcessInstance.id))) == 0


def test_nul_characters_and_deep_json_are_answered_400(client):
    headers = api_token(client, "prakom")
    unkept = "memuat karakter kendali yang tidak dapat disimpan"
    for body, where in (({"process_key": "penanganan_gangguan_server", "title": "a\u0000b"},
                         {"title": unkept}),
                        ({"process_key": "x", "title": "t", "data": {"k\u0000": 1}},
                         {"data.k?": unkept}),
                        ({"process_key": "x", "title": "t\u0007", "data": {"c": ["ok", "\u0000"]}},
                         {"title": unkept, "data.c[1]": unkept}),
                        (["\u0000"], {"[0]": unkept})):
        refused = client.post("/api/v1/instances", json=body, headers=headers)
        assert refused.status_code == 400
        assert refused.json["error"]["fields"] == where, "named where it is"
    deep = "[" * 100_000 + "]" * 100_000
    too_deep = client.post("/api/v1/instances", data=deep, content_type="application/json",
                           headers=headers)
    assert (too_deep.status_code, too_deep.json["error"]["message"]) == (
        400, "Badan JSON bersarang terlalu dalam untuk dibaca; tidak ada yang diubah."), \
        "the API probe: a bare \"Permintaan tidak valid.\" said nothing of why"
    assert client.get("/laporan/sop/%00").status_code == 400
    assert client.get("/?cari=%00").status_code == 400
    assert client.get("/api/v1/tasks?q=%00", headers=headers).json["error"]["fields"] == {
        "q": unkept}


@pytest.mark.parametrize("body, boundary", [
    *((b"--b\r\n" + part + b"\r\n\r\nx\r\n--b--\r\n", "; boundary=b") for part in (
        b"Content-Disposition: form-data",  # read as a field named None: a 500 on every POST
        b'Content-Disposition: form-data; name="a\\"',
        b'Content-Disposition: form-data; name=""',
        b"Content-Type: text/plain",  # no Content-Disposition: the whole body was dropped
        b'Content-Disposition: form-data; name="\xff"')),  # no UTF-8: the same
    (b'--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nx', "; boundary=b"),  # cut off
    (b'--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--b--\r\n', ""),
])
def test_a_multipart_body_that_cannot_be_read_whole_is_answered_400(app, client, body,
                                                                     boundary):
    """The login too; and a step completed through the API with such a part beside its
    data was completed without it (Werkzeug read no field at all). The message names what
    a body needs, whichever of them it lacks (a part's name, its end, the boundary)."""
    for path in ("/api/v1/auth/token", "/masuk", "/", "/api/v1/alerts"):
        refused = client.post(path, data=body,
                              content_type="multipart/form-data" + boundary)
        assert refused.status_code == 400, path
        assert ("Formulir tidak terbaca: badan multipart/form-data harus utuh (boundary seperti "
                "di Content-Type, diakhiri --boundary--) dan setiap bagiannya harus bernama"
                ) in html.unescape(refused.get_data(True)), path
    prakom = api_token(client, "prakom")
    task_id = client.post("/api/v1/instances", headers=prakom, json={
        "process_key": "penanganan_gangguan_server", "title": "Server mati"}
        ).json["open_tasks"][0]["id"]
    data = b'--b\r\nContent-Disposition: form-data; name="data"\r\n\r\n{"catatan": "penting"}\r\n'
    completed = client.post(f"/api/v1/tasks/{task_id}/complete", headers=prakom,
                            data=data + body, content_type="multipart/form-data" + boundary)
    assert completed.status_code == 400
    assert client.get(f"/api/v1/tasks/{task_id}", headers=prakom).json["state"] == "open"


def test_the_app_s_own_files_are_kept_a_year_under_addresses_that_change_with_them(client):
    """Every page view asked again for every script and stylesheet: one more round trip
    per page on a slow intranet."""
    page = client.get("/masuk").get_data(True)
    address = re.search(r'href="(/static/alur\.css\?v=([0-9a-f]{12}))"', page)
    assert address is not None, "the stylesheet's address names its version"
    folder = client.application.static_folder
    with open(os.path.join(folder, "alur.css"), "rb") as file:
        assert address[2] == hashlib.sha256(file.read()).hexdigest()[:12]
    with client.get(address[1]) as kept:
        assert kept.status_code == 200
        assert kept.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    with client.get("/static/alur.css") as unversioned:  # e.g. named by a stylesheet
        assert "max-age=31536000" not in unversioned.headers.get("Cache-Control", "")

