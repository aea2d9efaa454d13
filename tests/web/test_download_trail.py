"""Who downloaded what (UU 27/2022): every attachment and every list or report taken as a
file leaves an audit record under the reader's name, shown in Jejak audit under
"Unduhan"; a refused download leaves none, and the case's own history and rules (the
starter may cancel while no one else has acted) do not count a download as an act."""

from sqlalchemy import select

from engine.models import Attachment, AuditRecord
from tests.web.conftest import api_token, login
from tests.web.test_attachments import PDF, _task, _upload
from web.extensions import db


def _status(client, path: str, **kwargs) -> int:
    with client.get(path, **kwargs) as response:  # a file's answer holds it open
        return response.status_code


def _downloads(app) -> list[tuple[str, str, dict, int | None]]:
    with app.app_context():
        return [(r.action, r.actor.username, r.detail, r.instance_id)
                for r in db.session.scalars(select(AuditRecord).where(
                    AuditRecord.action.like("download.%")).order_by(AuditRecord.id))]


def test_each_download_is_recorded_under_the_readers_name(app, client):
    task_id = _task(client)
    login(client, "prakom")
    assert _upload(client, task_id, "ktp_budi.pdf", PDF)[0] == 302
    with app.app_context():
        attachment = db.session.scalars(select(Attachment)).one()
        instance_id = attachment.instance_id
    login(client, "redaktur")  # not a lane of the SOP: refused, nothing recorded
    assert _status(client, f"/lampiran/{attachment.id}") == 403
    login(client, "kasubbag")
    assert _status(client, f"/lampiran/{attachment.id}") == 200
    assert _status(client, f"/api/v1/attachments/{attachment.id}",
                   headers=api_token(client, "sekretaris")) == 200
    assert client.get("/proses/?cakupan=unit&format=csv").status_code == 200
    case = {"attachment_id": attachment.id, "filename": "ktp_budi.pdf",
            "case": "GS-2026-0001", "process_id": instance_id}
    assert _downloads(app) == [
        ("download.attachment", "kasubbag", case, None),
        ("download.attachment", "sekretaris", case, None),
        ("download.list", "kasubbag", {"page": "/proses/", "query": "cakupan=unit&format=csv",
                                       "format": "csv"}, None)]
    # A HEAD sends nothing; a later part of a ranged download is the same download.
    with client.head(f"/lampiran/{attachment.id}") as head:
        assert head.status_code == 200
    assert _status(client, f"/lampiran/{attachment.id}", headers={"Range": "bytes=10-"}) == 206
    # Asked again by a browser that has it (its ETag): answered 304, nothing sent.
    with client.get(f"/lampiran/{attachment.id}") as again:
        etag, modified = again.headers["ETag"], again.headers["Last-Modified"]
    assert len(_downloads(app)) == 4
    assert _status(client, f"/lampiran/{attachment.id}", headers={"If-None-Match": etag}) == 304
    assert _status(client, f"/lampiran/{attachment.id}",
                   headers={"If-Modified-Since": modified}) == 304
    assert len(_downloads(app)) == 4
    # A validator that does not match gets the whole file: recorded (found by the
    # regression probe: any If-None-Match let the file go unrecorded).
    assert _status(client, f"/lampiran/{attachment.id}", headers={"If-None-Match": '"x"'}) == 200
    assert _status(client, f"/lampiran/{attachment.id}",
                   headers={"If-Modified-Since": "Sun, 06 Dec 2020 11:13:44 GMT"}) == 200
    assert len(_downloads(app)) == 6
    history = client.get(f"/proses/{instance_id}/riwayat").get_data(True)
    assert "Lampiran diunduh" not in history
    login(client, "admin")
    trail = client.get("/admin/jejak-audit?jenis=unduhan").get_data(True)
    assert trail.count("Lampiran diunduh") == 5 and trail.count("Daftar atau laporan diunduh") == 1
    assert "Berkas: ktp_budi.pdf · Proses: GS-2026-0001" in trail
    by_case = client.get("/admin/jejak-audit?proses=GS-2026-0001&jenis=unduhan").get_data(True)
    assert by_case.count("Lampiran diunduh") == 5, "who took this case's files"


def test_a_download_is_not_an_act_on_the_case(app, client):
    """The starter may cancel while no one else has acted: an administrator who opened a
    file has not acted."""
    task_id = _task(client)
    login(client, "prakom")
    assert _upload(client, task_id, "surat.pdf", PDF)[0] == 302
    with app.app_context():
        attachment = db.session.scalars(select(Attachment)).one()
    login(client, "admin")
    assert _status(client, f"/lampiran/{attachment.id}") == 200
    cancelled = client.post(f"/api/v1/instances/{attachment.instance_id}/cancel",
                            headers=api_token(client, "prakom"), json={"reason": "Keliru"})
    assert cancelled.status_code == 200, cancelled.json
