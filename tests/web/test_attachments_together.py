"""One request takes ``ALUR_ATTACHMENT_MAX_BYTES`` of attachments in all (README "Halaman
tugas": "bersama-sama paling besar batas satu berkas — lebih besar → 413"), also when
that limit is below a BPMN file's 2 MB, which the request limit never goes under."""

import io

from engine.models import Attachment, HumanTask
from tests.conftest import csrf_token
from tests.helpers.rows import app_count
from tests.web.conftest import api_token, login
from tests.web.test_attachments import PDF, _task
from tests.web.test_case_pages import _rkt_at_the_draft
from web.extensions import db

LIMIT = 100 * 1024
PART = PDF + b"0" * (60 * 1024)  # within the limit alone, not twice


def _open(app, task_id: int) -> bool:
    with app.app_context():
        return db.session.get(HumanTask, task_id).state == "open"


def test_a_step_completed_with_files_together_over_the_limit_is_refused_with_413(app, client):
    app.config["ALUR_ATTACHMENT_MAX_BYTES"] = LIMIT
    _, task = _rkt_at_the_draft(client)
    login(client, "kasubbag")
    page = client.get(f"/tugas/{task}").get_data(True)
    for files in ({"lampiran": [(io.BytesIO(PART), "a.pdf"), (io.BytesIO(PART), "b.pdf")]},
                  {"lampiran": (io.BytesIO(PART), "a.pdf"),
                   "draf_rancangan": (io.BytesIO(PART), "draf.pdf")}):
        refused = client.post(f"/tugas/{task}", content_type="multipart/form-data",
                              data={"csrf_token": csrf_token(page), **files})
        assert refused.status_code == 413, files
        assert ("lampiran paling besar 100 KB per berkas dan 100 KB bersama-sama dalam satu "
                "kiriman") in refused.get_data(True)
        assert app_count(app, Attachment) == 0
        assert _open(app, task)
    added = client.post(f"/tugas/{task}/lampiran", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(page),
        "lampiran": [(io.BytesIO(PART), "a.pdf"), (io.BytesIO(PART), "b.pdf")]})
    assert added.status_code == 413
    assert app_count(app, Attachment) == 0
    done = client.post(f"/tugas/{task}", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(page), "draf_rancangan": (io.BytesIO(PART), "draf.pdf")})
    assert done.status_code == 302, "one file within the limit completes the step"
    assert app_count(app, Attachment) == 1
    assert ("paling besar 100 KB per berkas dan 100 KB sekaligus." in
            client.get(f"/tugas/{task}").get_data(True)), "Tambah lampiran Output says so too"


def test_one_file_over_the_limit_is_still_named_beside_its_field(app, client):
    app.config["ALUR_ATTACHMENT_MAX_BYTES"] = LIMIT
    task_id = _task(client)
    login(client, "prakom")
    page = client.get(f"/tugas/{task_id}").get_data(True)
    refused = client.post(f"/tugas/{task_id}/lampiran", content_type="multipart/form-data",
                          data={"csrf_token": csrf_token(page),
                                "lampiran": [(io.BytesIO(PART + PART), "besar.pdf"),
                                             (io.BytesIO(PDF), "kecil.pdf")]})
    assert refused.status_code == 422
    assert "Lampiran &#34;besar.pdf&#34;: berkas lebih dari 100 KB" in refused.get_data(True)
    assert app_count(app, Attachment) == 0


def test_the_api_answers_files_together_over_the_limit_with_413_and_the_limit(app, client):
    app.config["ALUR_ATTACHMENT_MAX_BYTES"] = LIMIT
    task_id = _task(client)
    answer = client.post(f"/api/v1/tasks/{task_id}/complete",
                         headers=api_token(client, "prakom"),
                         content_type="multipart/form-data",
                         data={"lampiran": [(io.BytesIO(PART), "a.pdf"),
                                            (io.BytesIO(PART), "b.pdf")]})
    assert answer.status_code == 413
    assert answer.json["error"]["message"] == (
        "Berkas terlalu besar: lampiran paling besar 100 KB per berkas dan 100 KB "
        "bersama-sama dalam satu permintaan.")
    assert answer.json["error"]["max_bytes"] == LIMIT
    assert app_count(app, Attachment) == 0
    assert _open(app, task_id)



def test_a_body_of_too_many_parts_is_told_so_not_that_its_text_is_too_long(app, client):
    """1,001 tiny files were answered 'Badan permintaan terlalu besar: paling besar
    1024 KB tanpa berkas' (found by the attachment probe): the parts limit says itself."""
    task_id = _task(client)
    many = b"".join(b'--b\r\nContent-Disposition: form-data; name="lampiran"; filename="'
                    + f"{n}.txt".encode() + b'"\r\n\r\nx\r\n' for n in range(1001)) + b"--b--\r\n"
    # Over 1 MB too (1,500 bytes a file), where a text part over the form's limit would
    # have been refused alike (found by the regression probe).
    large = many.replace(b"\r\n\r\nx\r\n", b"\r\n\r\n" + b"x" * 1500 + b"\r\n")
    assert len(large) > 1024 * 1024
    for body in (many, large):
        answer = client.post(f"/api/v1/tasks/{task_id}/complete", data=body,
                             headers=api_token(client, "prakom"),
                             content_type="multipart/form-data; boundary=b")
        assert answer.status_code == 413
        assert answer.json["error"]["message"] == (
            "Terlalu banyak bagian multipart: paling banyak 1000 (berkas dan isian "
            "bersama-sama).")
        assert answer.json["error"]["max_parts"] == 1000
    login(client, "prakom")
    page = client.post(f"/tugas/{task_id}/lampiran", data=many,
                       content_type="multipart/form-data; boundary=b")
    assert page.status_code == 413
    assert ("Terlalu banyak bagian dalam satu kiriman: paling banyak 1000 berkas dan isian "
            "bersama-sama.") in page.get_data(True)
    assert app_count(app, Attachment) == 0
    assert _open(app, task_id)


def test_a_file_whose_name_ends_in_a_backslash_is_refused_not_dropped(app, client):
    """Chromium sends a file named ``laporan\\`` as ``filename="laporan\\"``: the backslash
    hides the closing quote from Werkzeug, which read the part as a text field, and the
    step completed without the file (found by the regression probe)."""
    task_id = _task(client)
    login(client, "prakom")
    page = client.get(f"/tugas/{task_id}").get_data(True)
    body = (b'--b\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            + csrf_token(page).encode() + b'\r\n--b\r\nContent-Disposition: form-data; '
            b'name="lampiran"; filename="laporan\\"\r\nContent-Type: text/plain\r\n\r\n'
            b"isi laporan\r\n--b--\r\n")
    for path in (f"/tugas/{task_id}", f"/tugas/{task_id}/lampiran"):
        refused = client.post(path, data=body, content_type="multipart/form-data; boundary=b")
        assert refused.status_code == 422, path
        assert "Lampiran (tanpa nama): berkas tanpa nama" in refused.get_data(True)
    assert app_count(app, Attachment) == 0
    assert _open(app, task_id)
