"""An auditor's account (Inspektorat, BPK): it reads every process, step, report and the
audit trail, and changes nothing — no step, comment, message to a requester or
administration — while it may still file its own tickets as every employee does."""

import io

from sqlalchemy import select

from engine.models import AuditRecord, Comment, HumanTask, TicketMessage, User
from engine.people.access import READ_ONLY
from tests.conftest import START_DATA, csrf_token
from tests.helpers.rows import count
from tests.web.conftest import PASSWORD, api_token, login
from web.extensions import db

LTI = "penanganan_permintaan_layanan_ti"


def _add_auditor(app, *more: str):
    return app.test_cli_runner().invoke(args=[
        "user", "add", "inspektur", "--name", "Inspektur Satu", "--auditor",
        "--password", PASSWORD, *more])


def _records(app, action: str) -> list[AuditRecord]:
    with app.app_context():
        return db.session.scalars(select(AuditRecord).where(AuditRecord.action == action)).all()


def test_an_auditor_holds_no_role_and_no_admin_rights(app, client):
    refused = _add_auditor(app, "--role", "Prakom")
    assert refused.exit_code == 1
    assert refused.output.endswith(": --auditor: auditor hanya membaca: akun auditor tidak "
                                   "memegang peran dan bukan administrator\n")
    login(client, "admin")
    page = client.get("/admin/pengguna").get_data(True)
    posted = client.post("/admin/pengguna", data={
        "csrf_token": csrf_token(page), "username": "bpk", "full_name": "Pemeriksa BPK",
        "is_auditor": "on", "is_admin": "on"})
    assert posted.status_code == 422
    assert 'id="is_auditor-error">auditor hanya membaca' in posted.get_data(True)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username.in_(("bpk", "inspektur")))
                                 ) is None
    made = _add_auditor(app)
    assert (made.exit_code, made.output) == (0, "pengguna inspektur dibuat (auditor, hanya "
                                                "membaca)\n")
    assert _records(app, "user.created")[-1].detail["auditor"] is True
    listed = client.get("/admin/pengguna").get_data(True)
    assert "Auditor (hanya membaca)</td>" in listed


def test_an_auditor_reads_every_process_report_and_the_trail(app, client, started):
    _add_auditor(app)
    headers = api_token(client, "inspektur")
    every = client.get("/api/v1/instances?scope=all", headers=headers)
    assert (every.status_code, every.json["total"]) == (200, 1)
    task_id = started["open_tasks"][0]["id"]
    assert client.get(f"/api/v1/tasks/{task_id}", headers=headers).status_code == 200
    login(client, "inspektur")
    landing = client.get("/")
    assert landing.status_code == 302 and landing.location.endswith("/proses/?cakupan=semua")
    listed = client.get("/proses/?cakupan=semua").get_data(True)
    assert "<p>1 proses ·" in listed
    for page in (f"/proses/{started['id']}", f"/tugas/{task_id}", "/laporan/",
                 "/laporan/tabel7", "/laporan/orang/prakom", "/laporan/orang",
                 "/laporan/sop/penanganan_gangguan_server", "/admin/jejak-audit",
                 "/admin/jejak-audit?format=csv"):
        assert client.get(page).status_code == 200, page
    # He has no steps of his own: no "Kinerja saya" leading to a page of zeros (the
    # auditor probe); an official has one.
    assert "Kinerja saya" not in client.get("/laporan/").get_data(True)
    login(client, "prakom")
    assert "Kinerja saya" in client.get("/laporan/").get_data(True)
    login(client, "inspektur")
    shown = client.get(f"/proses/{started['id']}").get_data(True)
    assert "Akun auditor hanya membaca" in shown and 'name="komentar"' not in shown
    menu = client.get("/proses/?cakupan=semua").get_data(True)
    assert 'href="/admin/jejak-audit"' in menu and ">Kotak Masuk</a>" not in menu
    assert "Anda masuk sebagai auditor (hanya membaca)" in menu
    plh = client.get("/plh/").get_data(True)  # every Plh/Plt, to read; no form to record one
    assert 'id="plh-form"' not in plh and "Akun auditor hanya membaca: Plh/Plt dicatat" in plh
    assert "Auditor (hanya membaca): melihat semua proses" in client.get("/akun/").get_data(True)
    for page in ("/admin/pengguna", "/admin/sop", "/admin/pengaturan",
                 "/admin/proses-bermasalah", "/admin/sumber-peringatan"):
        refused = client.get(page)
        assert refused.status_code == 403, page
        assert "Akun auditor hanya membaca: halaman atau tindakan ini bukan untuk auditor." in \
            refused.get_data(True) and "Kembali ke Semua Proses" in refused.get_data(True)
    token = csrf_token(client.get("/proses/?cakupan=semua").get_data(True))
    # Every Kotak Masuk tool answers him alike (the auditor probe: each said something else).
    for path, form in (("/kotak-masuk/saringan", {"nama": "saringan auditor"}),
                       ("/kotak-masuk/saringan/1/hapus", {}),
                       ("/kotak-masuk/massal", {"aksi": "ambil", "tugas": "1"})):
        refused = client.post(path, data={"csrf_token": token, **form})
        assert refused.status_code == 403, path
        assert "Akun auditor hanya membaca: halaman atau tindakan" in refused.get_data(True)


def test_an_auditor_changes_nothing_but_files_his_own_tickets(app, client, started):
    _add_auditor(app)
    headers = api_token(client, "inspektur")
    task_id = started["open_tasks"][0]["id"]
    before = count_records(app)
    for path, body in ((f"/api/v1/tasks/{task_id}/claim", None),
                       (f"/api/v1/tasks/{task_id}/complete", {"data": {}}),
                       (f"/api/v1/tasks/{task_id}/assign", {"assignee": "prakom"}),
                       (f"/api/v1/instances/{started['id']}/comments", {"text": "Temuan"})):
        answer = client.post(path, headers=headers, json=body)
        assert answer.status_code == 403, (path, answer.json)
    assert client.post("/api/v1/instances", headers=headers, json={
        "process_key": "pemeliharaan_server", "title": "x"}).status_code == 403
    ticket = client.post("/api/v1/instances", headers=api_token(client, "prakom"), json={
        "process_key": LTI, "title": "Printer", "data": START_DATA[LTI]}).json["id"]
    before = count_records(app)
    refused = client.post(f"/api/v1/tickets/{ticket}/messages", headers=headers,
                          json={"text": "Dari auditor"})
    assert refused.status_code == 403
    assert refused.json["error"]["message"].startswith("Akun auditor hanya membaca")
    upload = client.post(f"/api/v1/tasks/{task_id}/attachments", headers=headers,
                         data={"lampiran": (io.BytesIO(b"temuan"), "temuan.txt")},
                         content_type="multipart/form-data")
    assert (upload.status_code, upload.json["error"]["message"]) == (403, READ_ONLY)
    plh = client.post("/api/v1/substitutions", headers=headers, json={
        "kind": "Plh", "official": "prakom", "substitute": "kasubbag", "role": "Prakom",
        "warrant_number": "ST-1/2026", "starts_at": "2026-12-01T08:00:00+07:00",
        "ends_at": "2026-12-02T08:00:00+07:00"})
    assert (plh.status_code, plh.json["error"]["message"]) == (403, (
        "Akun auditor hanya membaca: Plh/Plt dicatat administrator, pejabat yang digantikan "
        "atau atasan langsungnya."))  # as his page says (the regression probe)
    assert count_records(app) == before
    with app.app_context():
        assert (count(db.session, Comment), count(db.session, TicketMessage)) == (0, 0)
        assert db.session.get(HumanTask, task_id).state == "open"
    own = client.post("/api/v1/instances", headers=headers, json={
        "process_key": LTI, "title": "Laptop auditor", "data": START_DATA[LTI]})
    assert own.status_code == 201, own.json
    login(client, "inspektur")
    token = csrf_token(client.get(f"/tugas/{task_id}").get_data(True))
    on_task = client.post(f"/tugas/{task_id}/komentar", data={"csrf_token": token,
                                                              "komentar": "Temuan"})
    assert on_task.status_code == 403
    with app.app_context():
        assert count(db.session, Comment) == 0
    assert "Akun auditor hanya membaca: komentar, lampiran dan pesan" in on_task.get_data(True)


def count_records(app) -> int:
    with app.app_context():
        return count(db.session, AuditRecord)


def test_granting_or_revoking_auditor_rights_ends_the_accounts_sessions(app, client):
    _add_auditor(app)
    headers = api_token(client, "inspektur")
    revoked = app.test_cli_runner().invoke(args=["user", "auditor", "inspektur", "--cabut"])
    assert (revoked.exit_code, revoked.output) == (0, "inspektur bukan lagi auditor\n")
    assert client.get("/api/v1/instances", headers=headers).status_code == 401
    assert [r.detail["username"] for r in _records(app, "user.auditor_revoked")] == [
        "inspektur"]
    again = app.test_cli_runner().invoke(args=["user", "auditor", "prakom"])
    assert again.exit_code == 1 and "tidak memegang peran" in again.output
