"""The /api/v1 contract: status codes, bodies, and that refused calls store nothing."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from engine.models import AuditRecord, ProcessDefinition, ProcessInstance
from tests.conftest import BPMN_DIR, mini_bpmn
from tests.helpers.rows import app_count
from tests.web.conftest import PASSWORD, api_token
from web.extensions import db

SERVER = "penanganan_gangguan_server"


@pytest.fixture
def prakom(client):
    return api_token(client, "prakom")


@pytest.fixture
def started(client, prakom):
    response = client.post("/api/v1/instances", headers=prakom,
                           json={"process_key": SERVER, "title": "Server SIPP mati"})
    assert response.status_code == 201, response.json
    return response.json


def test_healthz(client):
    response = client.get("/healthz")
    assert (response.status_code, response.json) == (200, {"status": "ok"})


def test_token_needs_the_right_password(client):
    response = client.post("/api/v1/auth/token", json={"username": "prakom", "password": "x"})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"
    queried = client.post("/api/v1/auth/token?lama=8", json={
        "username": "prakom", "password": PASSWORD})
    assert (queried.status_code, queried.json["error"]["fields"]) == (
        422, {"lama": ["parameter ini tidak dikenal"]}), "no token for a request it misreads"


def test_api_refuses_calls_without_a_token_or_with_a_session_cookie(client):
    assert client.get("/api/v1/tasks").status_code == 401
    assert client.get("/api/v1/tasks").headers["WWW-Authenticate"] == 'Bearer realm="alur"'
    assert client.get("/api/v1/tasks", headers={"Authorization": "Bearer palsu"}
                      ).status_code == 401


def test_processes_lists_every_bundled_sop(client, prakom):
    response = client.get("/api/v1/processes", headers=prakom)
    assert response.status_code == 200
    listed = {(p["key"], p["version"]) for p in response.json}
    assert len(listed) == len(list(BPMN_DIR.glob("*.bpmn"))) == 23
    assert {("penanganan_gangguan_server", 1), ("penanganan_permintaan_layanan_ti", 1),
            ("pengelolaan_konten_website", 1), ("penyusunan_rkt", 1),
            ("penyusunan_skp_prakom", 1), ("surat_masuk_keluar", 1)} <= listed


def test_processes_by_name_put_lower_and_capital_initials_together(app, client, prakom):
    """Case aside, then the name, then the id: the same order on SQLite (which sorted every
    capital before "dan") and on PostgreSQL; the startable list follows."""
    names = {"penyusunan_rkt": "rencana kerja tahunan", "penyusunan_skp_prakom": "Rencana SKP",
             "surat_masuk_keluar": "dan surat", "pengelolaan_konten_website": "Dan konten",
             SERVER: "Rencana kerja"}
    with app.app_context():
        for key, name in names.items():
            db.session.execute(update(ProcessDefinition).where(
                ProcessDefinition.key == key, ProcessDefinition.is_active).values(name=name))
        db.session.commit()
    listed = [p["name"] for p in client.get("/api/v1/processes?per_page=100",
                                            headers=prakom).json]
    assert [n for n in listed if n in names.values()] == [
        "Dan konten", "dan surat", "Rencana kerja", "rencana kerja tahunan", "Rencana SKP"]
    assert listed == sorted(listed, key=str.lower)
    startable = [p["name"] for p in client.get("/api/v1/processes?startable=1&per_page=100",
                                               headers=prakom).json]
    assert startable == sorted(startable, key=str.lower) and "Rencana SKP" in startable
def test_start_instance_returns_id_and_open_task(client, prakom, started):
    assert started["status"] == "running"
    assert started["process_key"] == SERVER and started["version"] == 1
    assert [(t["step_id"], t["role"]) for t in started["open_tasks"]] == [("Kegiatan_1", "Prakom")]
    assert [h["action"] for h in started["history"]] == ["instance.started"]


def test_a_person_field_naming_no_one_is_null_not_left_out(client, prakom, started):
    [task] = client.get("/api/v1/tasks", headers=prakom).json
    assert (task["claimed_by"], task["completed_by"]) == (None, None)
    assert started["open_tasks"][0]["claimed_by"] is None
    [version] = client.get(f"/api/v1/processes/{SERVER}/versions",
                           headers=api_token(client, "admin")).json["items"]
    assert version["deployed_by"] is None  # deployed by `alur deploy`, not by a person


@pytest.mark.parametrize(("title", "message"), [
    (None, "wajib diisi"), ("", "panjangnya 1 sampai 300 karakter"),
    (" \u3164\u200b ", "wajib diisi, tidak hanya spasi"),
    ("x" * 301, "panjangnya 1 sampai 300 karakter")])
def test_start_instance_with_bad_body_is_422_and_stores_nothing(app, client, prakom, title,
                                                                message):
    # A missing title and one of spaces alike: 422 invalid_request, fields.title a list.
    body = {"process_key": SERVER} if title is None else {"process_key": SERVER, "title": title}
    response = client.post("/api/v1/instances", headers=prakom, json=body)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "invalid_request"
    assert response.json["error"]["fields"] == {"title": [message]}
    assert app_count(app, ProcessInstance) == 0


def test_starting_an_sop_that_is_not_deployed_is_422_naming_process_key(app, client, prakom):
    """As the page's Mulai Proses (README: "kunci yang tidak ada: 422"), not a 404 as if
    the address were wrong."""
    response = client.post("/api/v1/instances", headers=prakom,
                           json={"process_key": "tidak_ada", "title": "x"})
    message = 'SOP "tidak_ada" belum dideploy atau belum diaktifkan.'
    assert (response.status_code, response.json["error"]["code"]) == (422, "invalid_request")
    assert response.json["error"]["fields"] == {"process_key": [message]}
    assert response.json["error"]["message"] == f"Permintaan tidak valid: process_key: {message}"
    assert app_count(app, ProcessInstance) == 0


def test_inbox_task_detail_claim_and_complete(client, prakom, started):
    inbox = client.get("/api/v1/tasks", headers=prakom).json
    assert [t["instance_id"] for t in inbox] == [started["id"]]
    task_id = inbox[0]["id"]
    detail = client.get(f"/api/v1/tasks/{task_id}", headers=prakom).json
    assert detail["waktu"] == "1 jam" and detail["time_standard"] == "PT1H"
    assert detail["instance_number"] == inbox[0]["instance_number"] == started["number"]
    assert started["open_tasks"][0]["instance_number"] == started["number"]
    assert detail["due_at"] == "2026-11-23T02:00:00+00:00"
    assert [(f["name"], f["type"]) for f in detail["fields"]] == [("catatan", "text"),
                                                                  ("kelengkapan", "checklist")]
    assert [c["value"] for c in detail["fields"][1]["choices"]] == [
        "Jaringan internet", "peralatan jaringan", "computer server/laptop"]
    claimed = client.post(f"/api/v1/tasks/{task_id}/claim", headers=prakom)
    assert (claimed.status_code, claimed.json["claimed_by"]) == (200, "prakom")
    done = client.post(f"/api/v1/tasks/{task_id}/complete", headers=prakom,
                       json={"data": {"catatan": "dicatat"}})
    assert done.status_code == 200
    assert done.json["task"]["state"] == "completed"
    assert done.json["task"]["instance_number"] == started["number"]
    next_task = done.json["instance"]["open_tasks"][0]
    assert next_task["step_id"] == "Kegiatan_2"
    fields = client.get(f"/api/v1/tasks/{next_task['id']}", headers=prakom).json["fields"]
    decision = fields[-1]
    assert decision == {"name": "hasil_penanganan", "type": "choice", "required": True,
                        "label": decision["label"], "choices": decision["choices"]}
    assert {c["value"] for c in decision["choices"]} == {"tuntas", "lanjut"}


def test_complete_status_codes_403_409_422(app, client, prakom, started):
    kasubbag = api_token(client, "kasubbag")
    task_id = started["open_tasks"][0]["id"]
    audit_before = app_count(app, AuditRecord)
    forbidden = client.post(f"/api/v1/tasks/{task_id}/complete", headers=kasubbag,
                            json={"data": {}})
    assert (forbidden.status_code, forbidden.json["error"]["code"]) == (403, "forbidden")
    invalid = client.post(f"/api/v1/tasks/{task_id}/complete", headers=prakom,
                          json={"data": {"tidak_ada": 1}})
    assert invalid.status_code == 422
    assert list(invalid.json["error"]["fields"]) == ["tidak_ada"]
    assert app_count(app, AuditRecord) == audit_before
    assert client.post(f"/api/v1/tasks/{task_id}/complete", headers=prakom,
                       json={"data": {}}).status_code == 200
    again = client.post(f"/api/v1/tasks/{task_id}/complete", headers=prakom, json={"data": {}})
    assert (again.status_code, again.json["error"]["code"]) == (409, "task_not_open")


def test_deploy_needs_admin_and_creates_a_new_version(app, client, prakom):
    upload = {"file": (__import__("io").BytesIO(mini_bpmn()), "sop_uji.bpmn")}
    assert client.post("/api/v1/processes", headers=prakom, data=upload,
                       content_type="multipart/form-data").status_code == 403
    admin = api_token(client, "admin")
    first = client.post("/api/v1/processes", headers=admin, content_type="multipart/form-data",
                        data={"file": (__import__("io").BytesIO(mini_bpmn()), "a.bpmn")})
    assert (first.status_code, first.json["key"], first.json["version"]) == (201, "sop_uji", 1)
    revised = mini_bpmn({'name="Memeriksa konsep"': 'name="Memeriksa ulang"'})
    second = client.post("/api/v1/processes", headers=admin, content_type="multipart/form-data",
                         data={"file": (__import__("io").BytesIO(revised), "a.bpmn")})
    assert (second.status_code, second.json["version"]) == (201, 2)


@pytest.mark.parametrize("content, expected", [
    (b"bukan xml sama sekali", "bukan XML"),
    (mini_bpmn({'<bpmn:startEvent id="StartEvent_1" name="Mulai" />': ""}), "start event"),
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', "DOCTYPE"),
])
def test_bad_upload_is_422_with_message_and_nothing_deployed(app, client, content, expected):
    admin = api_token(client, "admin")
    before = app_count(app, ProcessDefinition)
    response = client.post("/api/v1/processes", headers=admin, content_type="multipart/form-data",
                           data={"file": (__import__("io").BytesIO(content), "x.bpmn")})
    assert response.status_code == 422
    assert response.json["error"]["code"] == "invalid_bpmn"
    assert expected in response.json["error"]["message"]
    assert app_count(app, ProcessDefinition) == before


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("sop.pdf", b"%PDF-1.7\n...", 'Berkas "sop.pdf" bukan BPMN atau formulir JSON (tampaknya PDF). '),
    ("sop.bpmn", b"%PDF-1.7\n...",
     'Berkas "sop.bpmn" bukan BPMN atau formulir JSON (tampaknya PDF). '),
    ("catatan.txt", b"halo", 'Berkas "catatan.txt" bukan BPMN atau formulir JSON. '),
    ("sop.csv", b"No,Kegiatan\n", 'Berkas "sop.csv" bukan BPMN atau formulir JSON. '),
])
def test_a_file_that_is_no_bpmn_is_refused_in_the_words_of_the_page(app, client, name, content,
                                                                    expected):
    """As on the page (tests/web/test_versions_admin.py), with what the API takes instead:
    BPMN and its forms, never an SOP table (the page's)."""
    admin = api_token(client, "admin")
    before = app_count(app, ProcessDefinition)
    response = client.post("/api/v1/processes", headers=admin, content_type="multipart/form-data",
                           data={"file": (__import__("io").BytesIO(content), name)})
    assert (response.status_code, response.json["error"]["code"]) == (422, "invalid_bpmn")
    assert response.json["error"]["problems"] == [
        expected + "Kirim berkas BPMN (.bpmn) beserta berkas formulir JSON-nya, atau satu "
        "berkas .zip; tabel SOP diunggah di halaman Kelola SOP."]
    assert app_count(app, ProcessDefinition) == before


def test_escalation_reaches_the_supervisor_through_the_api(app, client, clock, started):
    from web.cli.worker import fire_once
    clock.advance(timedelta(minutes=59))
    assert fire_once(app) == 0
    clock.advance(timedelta(minutes=1))  # 1 x "1 jam": level 1, the Prakom
    assert fire_once(app) == 1
    prakom = client.get("/api/v1/notifications", headers=api_token(client, "prakom")).json
    assert [(n["kind"], n["role"]) for n in prakom["notifications"]] == [("eskalasi", "Prakom")]
    assert client.get("/api/v1/notifications", headers=api_token(client, "kasubbag")
                      ).json["unread"] == 0
    clock.advance(timedelta(hours=1))  # 2 x: level 2, the supervising Kasubbag
    assert fire_once(app) == 1
    assert fire_once(app) == 0
    kasubbag = client.get("/api/v1/notifications", headers=api_token(client, "kasubbag")).json
    assert kasubbag["unread"] == 1
    [note] = kasubbag["notifications"]
    assert (note["kind"], note["role"]) == ("eskalasi", "Kasubbag")
    assert note["task_id"] == started["open_tasks"][0]["id"]
    assert "Server SIPP mati" in note["message"] and "tingkat 2" in note["message"]
    assert client.get("/api/v1/notifications", headers=api_token(client, "sekretaris")
                      ).json["unread"] == 0
