"""Administrators see what a new version changes, activate it, move running instances."""

import io

from tests.conftest import BPMN_DIR, csrf_token
from tests.engine.process.test_migration import KEY, REMOVED, without_step
from tests.web.conftest import api_token, login


def _active_versions(client) -> dict[str, int]:
    listed = client.get("/api/v1/processes", headers=api_token(client, "prakom")).json
    return {p["key"]: p["version"] for p in listed}


def test_upload_shows_the_difference_then_activation_and_migration(client):
    api = api_token(client, "prakom")
    for title in ("Satu", "Dua"):
        client.post("/api/v1/instances", headers=api, json={"process_key": KEY, "title": title})
    login(client, "admin")
    token = csrf_token(client.get("/admin/sop").get_data(True))
    revised = without_step((BPMN_DIR / f"{KEY}.bpmn").read_bytes(), REMOVED)
    uploaded = client.post("/admin/sop", content_type="multipart/form-data", data={
        "csrf_token": token, "comment": "Revisi SK 2027",
        "file": (io.BytesIO(revised), "server.bpmn")})
    assert uploaded.headers["Location"] == f"/admin/sop/{KEY}"
    page = client.get(f"/admin/sop/{KEY}").get_data(True)
    assert "<strong>Dihapus:</strong> Mengawasi perkembangan" in page
    assert "Revisi SK 2027" in page and "Aktifkan versi 2" in page
    assert _active_versions(client)[KEY] == 1, "not active before the administrator says so"

    client.post(f"/admin/sop/{KEY}/versi/2/aktifkan", data={"csrf_token": token})
    assert _active_versions(client)[KEY] == 2
    moved = client.post(f"/admin/sop/{KEY}/pindahkan", data={"csrf_token": token})
    assert "2 proses dipindahkan" in moved.get_data(True)
    for instance_id in (1, 2):
        assert client.get(f"/api/v1/instances/{instance_id}", headers=api).json["version"] == 2

    client.post(f"/admin/sop/{KEY}/versi/1/aktifkan", data={"csrf_token": token})
    assert _active_versions(client)[KEY] == 1


def test_version_pages_are_for_administrators_only(client):
    login(client, "kasubbag")
    assert client.get(f"/admin/sop/{KEY}").status_code == 403
    token = csrf_token(client.get("/").get_data(True))
    assert client.post(f"/admin/sop/{KEY}/versi/1/aktifkan",
                       data={"csrf_token": token}).status_code == 403


def test_admin_uploads_an_sop_table_and_bad_rows_are_named(app, client):
    login(client, "admin")
    token = csrf_token(client.get("/admin/sop").get_data(True))
    table = (BPMN_DIR / "sop-tables" / "backup_database_sipp.csv").read_bytes()
    revised = table.replace(b"Backup", b"Pencadangan", 1)
    response = client.post("/admin/sop", content_type="multipart/form-data", data={
        "csrf_token": token, "file": (io.BytesIO(revised), "backup.csv")})
    assert response.headers["Location"] == "/admin/sop/backup_database_sipp"
    broken = table.replace(b"\n1,", b"\n7,", 1)
    refused = client.post("/admin/sop", content_type="multipart/form-data", data={
        "csrf_token": token, "file": (io.BytesIO(broken), "backup.csv")})
    assert refused.status_code == 422
    assert "kolom No" in refused.get_data(True)
