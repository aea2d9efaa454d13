"""Files through the API: a completion sent as multipart with its files, bad parts refused
with nothing stored, and attachments uploaded and downloaded only by those who may."""

import io

from werkzeug.datastructures import MultiDict

from engine.models import Attachment
from tests.helpers.rows import app_count
from tests.web.conftest import api_token


def test_complete_with_a_file_as_multipart(app, client, prakom, started):
    task_id = started["open_tasks"][0]["id"]
    done = client.post(f"/api/v1/tasks/{task_id}/complete", headers=prakom,
                       content_type="multipart/form-data",
                       data={"data": '{"catatan": "foto terlampir"}',
                             "lampiran": (io.BytesIO(b"log server"), "log.txt")})
    assert done.status_code == 200, done.json
    assert done.json["task"]["state"] == "completed"
    files = client.get(f"/api/v1/instances/{started['id']}/attachments", headers=prakom).json
    assert [(f["filename"], f["size"], f["task_id"]) for f in files["items"]] == [
        ("log.txt", 10, task_id)]
    assert files["total"] == 1


def test_complete_multipart_with_bad_data_stores_nothing(app, client, prakom, started):
    task_id = started["open_tasks"][0]["id"]
    bad = client.post(f"/api/v1/tasks/{task_id}/complete", headers=prakom,
                      content_type="multipart/form-data",
                      data={"data": "[1]", "lampiran": (io.BytesIO(b"x"), "a.txt")})
    assert (bad.status_code, bad.json["error"]["fields"]) == (422, {"data": ["harus objek JSON"]})
    wrong_type = client.post(f"/api/v1/tasks/{task_id}/complete", headers=prakom,
                             content_type="multipart/form-data",
                             data={"data": "{}", "lampiran": (io.BytesIO(b"MZ"), "a.exe")})
    assert wrong_type.status_code == 422 and "lampiran" in wrong_type.json["error"]["fields"]
    unkept = "memuat karakter kendali yang tidak dapat disimpan"
    # Written as JSON escapes inside the part, past the door's look at the raw form.
    for part, where in (('{"catatan": "\\ud800"}', {"data.catatan": unkept}),
                        ('{"catatan": "a\\u0007b"}', {"data.catatan": unkept}),
                        ('{"k\\u0001": 1}', {"data.k?": unkept})):
        refused = client.post(f"/api/v1/tasks/{task_id}/complete", headers=prakom,
                              content_type="multipart/form-data",
                              data={"data": part, "lampiran": (io.BytesIO(b"x"), "a.txt")})
        assert (refused.status_code, refused.json["error"]["fields"]) == (400, where), part
    twice = client.post(f"/api/v1/tasks/{task_id}/complete", headers=prakom,
                        content_type="multipart/form-data",
                        data=MultiDict([("data", '{"catatan": "a"}'), ("data", "{}")]))
    assert (twice.status_code, twice.json["error"]["fields"]) == (
        422, {"data": ["paling banyak 1 bagian data; 2 dikirim"]})
    deep = client.post(f"/api/v1/tasks/{task_id}/complete", headers=prakom,
                       content_type="multipart/form-data", data={"data": "[" * 100_000})
    assert (deep.status_code, deep.json["error"]["fields"]) == (422, {"data": ["harus objek JSON"]})
    # The API probe: a part sent empty completed the step, and a key named twice kept its
    # last value, where a JSON body is refused.
    empty = client.post(f"/api/v1/tasks/{task_id}/complete", headers=prakom,
                        content_type="multipart/form-data", data={"data": ""})
    assert (empty.status_code, empty.json["error"]["fields"]) == (
        422, {"data": ["harus objek JSON"]})
    named_twice = client.post(f"/api/v1/tasks/{task_id}/complete", headers=prakom,
                              content_type="multipart/form-data",
                              data={"data": '{"catatan": "ok", "catatan": "dua"}'})
    assert named_twice.status_code == 400
    assert named_twice.json["error"]["message"] == (
        'Kunci "catatan" muncul dua kali dalam satu objek JSON; tidak ada yang diubah.')
    assert named_twice.json["error"]["fields"] == {"data": "kunci muncul dua kali"}
    assert app_count(app, Attachment) == 0
    task = client.get(f"/api/v1/tasks/{task_id}", headers=prakom).json
    assert task["state"] == "open", "nothing completed"


def test_upload_and_download_an_attachment_only_for_those_who_may(app, client, prakom,
                                                                  started):
    task_id = started["open_tasks"][0]["id"]
    outsider = api_token(client, "panitera")  # no lane of this SOP, nor above one
    forbidden = client.post(f"/api/v1/tasks/{task_id}/attachments", headers=outsider,
                            content_type="multipart/form-data",
                            data={"lampiran": (io.BytesIO(b"%PDF-1.4 x"), "surat.pdf")})
    assert forbidden.status_code == 403
    uploaded = client.post(f"/api/v1/tasks/{task_id}/attachments", headers=prakom,
                           content_type="multipart/form-data",
                           data={"lampiran": (io.BytesIO(b"%PDF-1.4 x"), "surat.pdf")})
    assert uploaded.status_code == 201
    assert (uploaded.json["filename"], uploaded.json["content_type"]) == (
        "surat.pdf", "application/pdf")
    with client.get(f"/api/v1/attachments/{uploaded.json['id']}", headers=prakom) as got:
        assert (got.status_code, got.data) == (200, b"%PDF-1.4 x")
    assert client.get(f"/api/v1/attachments/{uploaded.json['id']}",
                      headers=outsider).status_code == 403
    assert client.get("/api/v1/attachments/999", headers=prakom).status_code == 404
    empty = client.post(f"/api/v1/tasks/{task_id}/attachments", headers=prakom,
                        content_type="multipart/form-data", data={})
    assert empty.status_code == 422 and "lampiran" in empty.json["error"]["fields"]
    assert app_count(app, Attachment) == 1


def test_a_file_part_with_content_but_no_name_is_refused_not_dropped(app, client, prakom,
                                                                     started):
    """The step completed and the file was thrown away; an empty file input (no name, no
    content), as a browser sends it, is still no file."""
    task_id = started["open_tasks"][0]["id"]
    refused = client.post(f"/api/v1/tasks/{task_id}/complete", headers=prakom,
                          content_type="multipart/form-data",
                          data={"data": "{}", "lampiran": (io.BytesIO(b"hello"), "")})
    assert (refused.status_code, refused.json["error"]["fields"]) == (422, {"lampiran": (
        "Lampiran (tanpa nama): berkas tanpa nama; kirim namanya beserta ekstensinya (mis. "
        "laporan.pdf); tidak ada berkas yang disimpan")})
    assert client.get(f"/api/v1/tasks/{task_id}", headers=prakom).json["state"] == "open"
    assert app_count(app, Attachment) == 0
    # A folder's path names no file either (it was refused as a file type).
    for folder in (b"C:\\\\Dokumen\\\\", b"laporan/", b".."):
        body = (b'--b\r\nContent-Disposition: form-data; name="lampiran"; filename="' + folder
                + b'"\r\n\r\nhello\r\n--b--\r\n')
        refused = client.post(f"/api/v1/tasks/{task_id}/complete", headers=prakom, data=body,
                              content_type="multipart/form-data; boundary=b")
        assert ": berkas tanpa nama; kirim namanya beserta ekstensinya" in (
            refused.json["error"]["fields"]["lampiran"]), folder
    assert app_count(app, Attachment) == 0
    empty_input = client.post(f"/api/v1/tasks/{task_id}/complete", headers=prakom,
                              content_type="multipart/form-data",
                              data={"data": "{}", "lampiran": (io.BytesIO(b""), "")})
    assert empty_input.status_code == 200, empty_input.json


def test_a_part_the_upload_does_not_name_is_refused_and_nothing_stored(app, client, prakom,
                                                                       started):
    """A second file under another name, or a text part, was dropped while the first file
    was stored (201)."""
    task_id = started["open_tasks"][0]["id"]
    for extra in ({"other": (io.BytesIO(b"%PDF-1.4 y"), "dua.pdf")}, {"data": "{}"},
                  {"extra": "1"}):
        name = next(iter(extra))
        answer = client.post(f"/api/v1/tasks/{task_id}/attachments", headers=prakom,
                             content_type="multipart/form-data", data={
                                 "lampiran": (io.BytesIO(b"%PDF-1.4 x"), "surat.pdf"), **extra})
        assert (answer.status_code, answer.json["error"]["fields"]) == (
            422, {name: ["bagian ini tidak dikenal"]})
    assert app_count(app, Attachment) == 0


def test_a_step_another_holder_took_takes_no_file_from_its_role(app, client, prakom, started):
    """The API probe: a second Prakom got 409 naming the holder on claim and complete, but
    201 on a file, which then lay on the step of the one who took it."""
    added = app.test_cli_runner().invoke(args=[
        "user", "add", "prakom2", "--name", "Prakom Dua", "--role", "Prakom", "--password",
        "rahasia-123"])
    assert added.exit_code == 0, added.output
    task_id = started["open_tasks"][0]["id"]
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=prakom).status_code == 200
    refused = client.post(f"/api/v1/tasks/{task_id}/attachments",
                          headers=api_token(client, "prakom2", "rahasia-123"),
                          content_type="multipart/form-data",
                          data={"lampiran": (io.BytesIO(b"%PDF-1.4 x"), "surat.pdf")})
    assert refused.status_code == 409
    assert (refused.json["error"]["claimed_by"], refused.json["error"]["message"]) == (
        "prakom", f'Tugas "{started["open_tasks"][0]["name"]}" sudah diambil oleh Demo Prakom '
        "(prakom).")
    assert app_count(app, Attachment) == 0
    own = client.post(f"/api/v1/tasks/{task_id}/attachments", headers=prakom,
                      content_type="multipart/form-data",
                      data={"lampiran": (io.BytesIO(b"%PDF-1.4 x"), "surat.pdf")})
    assert own.status_code == 201

