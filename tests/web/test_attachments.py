"""Attachments and comments on a step: stored outside the database, limited by type and
size, served only to those who may see the instance."""

import html
import io
from pathlib import Path

from sqlalchemy import func, select

from engine.models import Attachment, AuditRecord, Comment
from tests.conftest import csrf_token
from tests.helpers.rows import app_count
from tests.web.conftest import api_token, login
from web.extensions import db

PDF = b"%PDF-1.4\n% laporan gangguan\n"


def _task(client) -> int:
    started = client.post("/api/v1/instances", headers=api_token(client, "prakom"),
                          json={"process_key": "penanganan_gangguan_server", "title": "Mati"})
    return started.json["open_tasks"][0]["id"]


def _upload(client, task_id: int, name: str, data: bytes) -> tuple[int, str]:
    token = csrf_token(client.get(f"/tugas/{task_id}").get_data(True))
    with client.post(f"/tugas/{task_id}/lampiran", content_type="multipart/form-data",
                     data={"csrf_token": token, "lampiran": (io.BytesIO(data), name)}) as response:
        return response.status_code, response.get_data(True)


def test_upload_is_stored_outside_the_database_and_served_to_the_role(app, client):
    task_id = _task(client)
    login(client, "prakom")
    assert _upload(client, task_id, "laporan.pdf", PDF)[0] == 302
    with app.app_context():
        attachment = db.session.scalars(select(Attachment)).one()
        stored = Path(app.config["ALUR_ATTACHMENTS_PATH"]) / attachment.stored_name
        assert (attachment.filename, attachment.size) == ("laporan.pdf", len(PDF))
    assert stored.read_bytes() == PDF
    page = client.get(f"/tugas/{task_id}").get_data(True)
    assert f'href="/lampiran/{attachment.id}">laporan.pdf</a>' in page
    with client.get(f"/lampiran/{attachment.id}") as download:
        assert (download.status_code, download.data, download.mimetype) == (
            200, PDF, "application/pdf")
        assert download.headers["Cache-Control"] == "no-store"  # not kept after Keluar
    login(client, "redaktur")  # not a lane of the server SOP
    assert client.get(f"/lampiran/{attachment.id}").status_code == 403


def test_bad_files_are_refused_beside_the_field_and_nothing_is_stored(app, client):
    app.config["ALUR_ATTACHMENT_MAX_BYTES"] = 2048
    task_id = _task(client)
    login(client, "prakom")
    for name, data, message in (
            ("skrip.sh", b"#!/bin/sh\nrm -rf /", "jenis berkas tidak diizinkan"),
            ("palsu.pdf", b"MZ\x90\x00 bukan pdf", "isi berkas bukan PDF yang sah"),
            ("kosong.txt", b"", "berkas kosong"),
            ("besar.pdf", b"%PDF-" + b"0" * 2048, "lebih dari 2 KB")):
        status, page = _upload(client, task_id, name, data)
        assert status == 422, name
        assert message in page, name
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0
    assert list(Path(app.config["ALUR_ATTACHMENTS_PATH"]).glob("*")) == []


def _upload_many(client, task_id: int, files: list[tuple[str, bytes]]) -> tuple[int, str]:
    """Several files under the one input ``lampiran``, as "Tambah lampiran Output" sends
    them (``multiple``); the page shown after, its quotes unescaped."""
    token = csrf_token(client.get(f"/tugas/{task_id}").get_data(True))
    with client.post(f"/tugas/{task_id}/lampiran", content_type="multipart/form-data",
                     follow_redirects=True, data={
                         "csrf_token": token,
                         "lampiran": [(io.BytesIO(data), name) for name, data in files]}
                     ) as response:
        return response.status_code, html.unescape(response.get_data(True))


def test_every_chosen_file_is_added_or_none(app, client):
    app.config["ALUR_ATTACHMENT_MAX_BYTES"] = 2048
    task_id = _task(client)
    login(client, "prakom")
    folder = Path(app.config["ALUR_ATTACHMENTS_PATH"])
    for files, message in (
            ([("ok.pdf", PDF), ("bad.exe", b"MZ\x90")],
             'Lampiran "bad.exe": jenis berkas tidak diizinkan'),
            ([("ok.pdf", PDF), ("besar.pdf", b"%PDF-" + b"0" * 2048)],
             'Lampiran "besar.pdf": berkas lebih dari 2 KB'),
            ([("kosong.txt", b""), ("ok.pdf", PDF)], 'Lampiran "kosong.txt": berkas kosong')):
        status, page = _upload_many(client, task_id, files)
        assert status == 422, files
        assert message in page and "; tidak ada berkas yang disimpan" in page, files
        assert app_count(app, Attachment) == 0
        assert list(folder.glob("*")) == [], "a refused post leaves no file on disk"
    status, page = _upload_many(client, task_id, [
        ("hasil-1.pdf", PDF), ("hasil-2.pdf", PDF + b"2"), ("hasil-3.txt", b"tiga")])
    assert status == 200
    assert '3 lampiran tersimpan: "hasil-1.pdf", "hasil-2.pdf", "hasil-3.txt".' in page
    with app.app_context():
        kept = db.session.scalars(select(Attachment).order_by(Attachment.id)).all()
        assert [a.filename for a in kept] == ["hasil-1.pdf", "hasil-2.pdf", "hasil-3.txt"]
        assert sorted(p.name for p in folder.iterdir()) == sorted(a.stored_name for a in kept)
    assert app_count(app, AuditRecord, AuditRecord.action == "attachment.added") == 3
    status, page = _upload_many(client, task_id, [("satu.pdf", PDF)])
    assert 'Lampiran "satu.pdf" tersimpan.' in page


def test_the_api_takes_one_file_a_request(app, client):
    """Its answer is one attachment: a second ``lampiran`` part is refused, not dropped."""
    task_id = _task(client)
    prakom = api_token(client, "prakom")
    two = client.post(f"/api/v1/tasks/{task_id}/attachments", headers=prakom,
                      content_type="multipart/form-data",
                      data={"lampiran": [(io.BytesIO(PDF), "a.pdf"), (io.BytesIO(PDF), "b.pdf")]})
    assert two.status_code == 422
    assert two.json["error"]["fields"]["lampiran"] == (
        "paling banyak 1 berkas per permintaan; 2 dikirim, tidak ada yang disimpan")
    assert app_count(app, Attachment) == 0
    assert list(Path(app.config["ALUR_ATTACHMENTS_PATH"]).glob("*")) == []
    one = client.post(f"/api/v1/tasks/{task_id}/attachments", headers=prakom,
                      content_type="multipart/form-data",
                      data={"lampiran": (io.BytesIO(PDF), "a.pdf")})
    assert one.status_code == 201 and one.json["filename"] == "a.pdf"


def test_a_name_with_control_characters_is_refused_and_a_long_name_keeps_its_type(app, client):
    task_id = _task(client)
    prakom = api_token(client, "prakom")

    def upload(name: str):
        return client.post(f"/api/v1/tasks/{task_id}/attachments", headers=prakom,
                           content_type="multipart/form-data",
                           data={"lampiran": (io.BytesIO(b"isi"), name)})

    for name in ("bel\x07.txt", "kanan\u202etxt.pdf", "tab\tdi.txt"):
        refused = upload(name)
        assert refused.status_code == 422, name
        assert "karakter kendali" in refused.json["error"]["fields"]["lampiran"], name
    missing = client.post(f"/api/v1/tasks/{task_id}/attachments", headers=prakom,
                          content_type="multipart/form-data", data={})
    assert missing.json["error"]["fields"]["lampiran"] == "berkas wajib dipilih"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0
    long = upload("a" * 300 + ".txt")
    assert long.status_code == 201
    assert long.json["filename"] == "a" * 251 + ".txt"
    with client.get(f"/api/v1/attachments/{long.json['id']}", headers=prakom) as download:
        assert (download.status_code, download.data) == (200, b"isi")
    # Nothing but its type: named "lampiran" of that type, not a nameless ".txt".
    for name in ("  .txt", ".txt", " . .TXT"):
        unnamed = upload(name)
        assert unnamed.status_code == 201, name
        assert unnamed.json["filename"] == f"lampiran.{name.rsplit('.', 1)[1]}", name
    # The joiner inside an emoji hides nothing: kept, and the file downloads by its name.
    emoji = upload("\U0001f468\u200d\U0001f4bb catatan.txt")
    assert emoji.status_code == 201, emoji.json
    with client.get(f"/api/v1/attachments/{emoji.json['id']}", headers=prakom) as download:
        assert download.status_code == 200
        assert "filename*=UTF-8''%F0%9F%91%A8%E2%80%8D%F0%9F%92%BB" in (
            download.headers["Content-Disposition"])
    # A joiner joins two visible characters; at an end it would leave an invisible name.
    for joined, kept in (("\u200d.txt", "lampiran.txt"), ("\u200c\u200d  .txt", "lampiran.txt"),
                         ("laporan\u200d.txt", "laporan.txt")):
        stored = upload(joined)
        assert (stored.status_code, stored.json["filename"]) == (201, kept), joined
    # A long name refused for its type is quoted with its end: the extension at fault.
    refused = upload("laporan-" + "x" * 240 + ".yyyy")
    assert refused.status_code == 422
    assert f'"laporan-{"x" * 51}…{"x" * 15}.yyyy": jenis berkas tidak diizinkan' in (
        refused.json["error"]["fields"]["lampiran"])


def test_comments_on_a_step(app, client):
    task_id = _task(client)
    login(client, "prakom")
    token = csrf_token(client.get(f"/tugas/{task_id}").get_data(True))
    empty = client.post(f"/tugas/{task_id}/komentar", data={"csrf_token": token,
                                                            "komentar": " "})
    assert empty.status_code == 422
    assert "Komentar: tulis 1–2000 karakter" in empty.get_data(True)
    client.post(f"/tugas/{task_id}/komentar", data={"csrf_token": token,
                                                    "komentar": "Server dicek ulang"})
    assert "Server dicek ulang" in client.get(f"/tugas/{task_id}").get_data(True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Comment)) == 1


def test_a_line_break_typed_in_a_form_counts_as_one_character(app, client):
    """A browser sends a textarea's line breaks as CR LF; its maxlength counts each once."""
    task_id = _task(client)
    login(client, "prakom")
    token = csrf_token(client.get(f"/tugas/{task_id}").get_data(True))
    typed = ("x" * 132 + "\r\n") * 15  # 1,995 characters on screen, 2,010 as sent
    sent = client.post(f"/tugas/{task_id}/komentar", data={"csrf_token": token,
                                                           "komentar": typed})
    assert sent.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(Comment.text)).one() == typed.replace("\r\n", "\n").strip()
