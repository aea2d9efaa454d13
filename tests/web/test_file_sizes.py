"""File sizes in the reader's language (issue 15, point 13): "19,2 KB" in Indonesian,
"19.2 KB" in English, through the one ``ukuran`` filter (``web.time_words.file_size``) on
every page that shows a size."""

import io

import pytest
from flask_babel import force_locale

from tests.conftest import csrf_token
from tests.web.conftest import api_token, login
from web.time_words import file_size

PDF = b"%PDF-1.4\n" + b"%" * (19_660 - 9)  # 19,2 KB


def _choose_language(client, language: str) -> None:
    token = csrf_token(client.get("/akun/").get_data(True))
    assert client.post("/akun/", data={"email": "", "language": language,
                                       "csrf_token": token}).status_code == 302


@pytest.mark.parametrize(("locale", "sizes"), [
    ("id", ["512 B", "19,2 KB", "200 KB", "1,5 MB", "10 MB", "1.024 MB"]),
    ("en", ["512 B", "19.2 KB", "200 KB", "1.5 MB", "10 MB", "1,024 MB"]),
])
def test_sizes_in_each_locale(app, locale, sizes):
    with app.test_request_context(), force_locale(locale):
        assert [file_size(n) for n in (512, 19_660, 200 * 1024, 1_572_864, 10 * 2**20,
                                       2**30)] == sizes


def test_the_task_and_settings_pages_show_sizes_in_the_users_language(client):
    started = client.post("/api/v1/instances", headers=api_token(client, "prakom"), json={
        "process_key": "penanganan_gangguan_server", "title": "Server mati"}).json
    task = started["open_tasks"][0]["id"]
    login(client, "prakom")
    token = csrf_token(client.get(f"/tugas/{task}").get_data(True))
    assert client.post(f"/tugas/{task}/lampiran", content_type="multipart/form-data", data={
        "csrf_token": token, "lampiran": (io.BytesIO(PDF), "laporan.pdf")}).status_code == 302
    page = client.get(f"/tugas/{task}").get_data(True)
    assert "laporan.pdf</a> (19,2 KB, " in page
    assert "paling besar 10 MB per berkas dan 10 MB sekaligus" in page  # one request
    _choose_language(client, "en")
    page = client.get(f"/tugas/{task}").get_data(True)
    assert "laporan.pdf</a> (19.2 KB, " in page
    assert "at most 10 MB per file" in page

    login(client, "admin")
    assert "Logo (PNG atau JPEG, paling besar 200 KB)" in client.get(
        "/admin/pengaturan").get_data(True)
    _choose_language(client, "en")
    assert "Logo (PNG or JPEG, at most 200 KB)" in client.get("/admin/pengaturan").get_data(True)
