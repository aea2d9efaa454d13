"""An SOP file larger than any request may be is refused (413) naming the SOP limits, not
the attachment limit, on the Kelola SOP page and in ``POST /api/v1/processes``; nothing is
stored."""

from sqlalchemy import func, select

from engine.models import ProcessDefinition
from tests.conftest import csrf_token
from tests.web.conftest import api_token, login
from web.extensions import db

SOP_LIMITS = ("Berkas SOP terlalu besar: berkas BPMN atau tabel SOP paling besar 2 MB, satu "
              "berkas .zip paling besar 8 MB.")


def _body(fields: dict[str, str], size: int) -> bytes:
    """A multipart body (bytes, so the test client keeps no file open) with ``fields`` and
    a .bpmn file of ``size`` bytes."""
    parts = [f'--b\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in fields.items()]
    return (b"".join(parts) + b'--b\r\nContent-Disposition: form-data; name="file"; '
            b'filename="besar.bpmn"\r\n\r\n' + b"x" * size + b"\r\n--b--\r\n")


def _versions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ProcessDefinition))


def test_a_huge_sop_file_is_refused_naming_the_sop_limits(app, client):
    before = _versions(app)
    api = client.post("/api/v1/processes", headers=api_token(client, "admin"),
                      data=_body({}, 12 * 1024 * 1024),
                      content_type="multipart/form-data; boundary=b")
    assert api.status_code == 413
    assert api.json["error"] == {"code": "request_entity_too_large", "message": SOP_LIMITS,
                                 "max_bytes": 8 * 1024 * 1024}
    login(client, "admin")
    token = csrf_token(client.get("/admin/sop").get_data(True))
    page = client.post("/admin/sop", data=_body({"csrf_token": token}, 12 * 1024 * 1024),
                       content_type="multipart/form-data; boundary=b",
                       headers={"Referer": "http://localhost/admin/sop"})
    assert page.status_code == 413
    text = page.get_data(True)
    assert SOP_LIMITS in text and "lampiran" not in text
    assert '<a href="/admin/sop">Kembali ke halaman sebelumnya</a>' in text
    assert _versions(app) == before


def test_an_upload_over_the_zip_limit_names_the_bpmn_limit_too(app, client):
    """9 MB fits in a request, not in an SOP: the refusal names both limits, since a single
    .bpmn file (not a zip) was sent."""
    before = _versions(app)
    answer = client.post("/api/v1/processes", headers=api_token(client, "admin"),
                         data=_body({}, 9 * 1024 * 1024),
                         content_type="multipart/form-data; boundary=b")
    assert answer.status_code == 422
    assert answer.json["error"]["message"] == (
        "Berkas BPMN ditolak: Unggahan lebih dari 8 MB (semua berkasnya bersama); berkas BPMN "
        "atau tabel SOP paling besar 2 MB.")
    assert _versions(app) == before


def test_an_office_with_small_attachments_still_uploads_an_sop_bundle_of_8_mb(app, client):
    """Attachments held to 1 MiB (ALUR_ATTACHMENT_MAX_BYTES may go down to 1 KiB) cut every
    request at 2 MiB, a .zip of 3 MB included though the page promises 8 MB; the 413 of
    the attachments names the limit together as it applies."""
    app.config.update(ALUR_ATTACHMENT_MAX_BYTES=2**20, MAX_CONTENT_LENGTH=2**21 + 64 * 1024)
    answer = client.post("/api/v1/processes", headers=api_token(client, "admin"),
                         data=_body({}, 3 * 1024 * 1024),
                         content_type="multipart/form-data; boundary=b")
    assert answer.status_code == 422, "read as an SOP upload, refused for what it holds"
    login(client, "admin")
    files = client.post("/akun/", content_type="multipart/form-data; boundary=b",
                        data=_body({}, 3 * 1024 * 1024))
    assert files.status_code == 413
    assert "1 MB per berkas dan 1 MB bersama-sama" in files.get_data(True)
