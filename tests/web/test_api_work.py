"""The API covers what a role holder does in the UI: release and assign tasks, comments,
notifications' read state, Plh/Plt, SOP versions; and every list is paged (``page``,
``per_page`` up to 100, ``total``). Files: ``test_api_files.py``."""

import io
import json
from datetime import timedelta

import pytest
from flask import request
from sqlalchemy import func, select, update

from engine.models import (
    AuditRecord,
    Comment,
    Notification,
    ProcessDefinition,
    Substitution,
    User,
    UserRole,
)
from tests.conftest import mini_bpmn
from tests.helpers.rows import app_count
from tests.web.conftest import api_token, login
from web.extensions import db

SERVER = "penanganan_gangguan_server"


@pytest.mark.parametrize("path", ["/api/v1/tasks", "/api/v1/instances",
                                  "/api/v1/notifications", "/api/v1/substitutions",
                                  "/api/v1/instances/1/comments"])
def test_every_list_refuses_more_than_100_per_page_naming_per_page(client, prakom, started,
                                                                   path):
    response = client.get(f"{path}?per_page=101", headers=prakom)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "invalid_request"
    assert response.json["error"]["fields"] == {"per_page": ["harus paling kecil 1 dan paling besar 100"]}
    assert client.get(f"{path}?page=0", headers=prakom).json["error"]["fields"] == {
        "page": ["harus paling kecil 1 dan paling besar 2147483647"]}


def test_inbox_pages_keep_the_array_and_count_in_headers(client, prakom):
    for number in range(3):
        assert client.post("/api/v1/instances", headers=prakom, json={
            "process_key": SERVER, "title": f"Gangguan {number}"}).status_code == 201
    whole = client.get("/api/v1/tasks", headers=prakom)
    assert len(whole.json) == 3 and whole.headers["X-Total-Count"] == "3"
    second = client.get("/api/v1/tasks?page=2&per_page=2", headers=prakom)
    assert [t["id"] for t in second.json] == [whole.json[2]["id"]]
    assert (second.headers["X-Total-Count"], second.headers["X-Page"],
            second.headers["X-Per-Page"]) == ("3", "2", "2")


def test_release_gives_the_task_back_and_twice_is_409(client, prakom, started):
    task_id = started["open_tasks"][0]["id"]
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=prakom).status_code == 200
    released = client.post(f"/api/v1/tasks/{task_id}/release", headers=prakom)
    assert released.status_code == 200 and released.json["claimed_by"] is None
    again = client.post(f"/api/v1/tasks/{task_id}/release", headers=prakom)
    assert (again.status_code, again.json["error"]["code"]) == (409, "task_not_open")


def test_assign_by_the_supervisor_notifies_the_assignee(app, client, prakom, kasubbag,
                                                        started):
    task_id = started["open_tasks"][0]["id"]
    refused = client.post(f"/api/v1/tasks/{task_id}/assign", headers=prakom,
                          json={"assignee": "prakom"})
    assert (refused.status_code, refused.json["error"]["code"]) == (403, "forbidden")
    unknown = client.post(f"/api/v1/tasks/{task_id}/assign", headers=kasubbag,
                          json={"assignee": "tidak_ada"})
    assert (unknown.status_code, unknown.json["error"]["fields"]) == (
        422, {"assignee": ["pengguna tidak ditemukan"]})
    assert app_count(app, Notification) == 0
    assigned = client.post(f"/api/v1/tasks/{task_id}/assign", headers=kasubbag,
                           json={"assignee": "prakom"})
    assert (assigned.status_code, assigned.json["claimed_by"]) == (200, "prakom")
    notes = client.get("/api/v1/notifications", headers=prakom).json
    assert [n["kind"] for n in notes["items"]] == ["penugasan"]
    assert (notes["total"], notes["page"], notes["per_page"], notes["unread"]) == (1, 1, 20, 1)
    assert notes["notifications"] == notes["items"]


def test_who_may_not_assign_gets_403_whether_or_not_the_name_exists(client, prakom, kasubbag,
                                                                    started):
    """No probing for user names: an unknown assignee is 422 only for one who may assign."""
    task_id = started["open_tasks"][0]["id"]
    for name in ("prakom", "tidak_ada"):
        refused = client.post(f"/api/v1/tasks/{task_id}/assign", headers=prakom,
                              json={"assignee": name})
        assert (refused.status_code, refused.json["error"]["code"]) == (403, "forbidden")
    assigned = client.post(f"/api/v1/tasks/{task_id}/assign", headers=kasubbag,
                           json={"assignee": " PRAKOM"})
    assert (assigned.status_code, assigned.json["claimed_by"]) == (200, "prakom")


def test_who_may_not_record_a_plh_gets_403_whether_or_not_the_names_exist(
        client, clock, prakom, kasubbag):
    body = {"kind": "Plh", "official": "kasubbag", "substitute": "prakom", "role": "Kasubbag",
            "warrant_number": "ST-1/2026", "starts_at": clock.now().isoformat(),
            "ends_at": (clock.now() + timedelta(days=5)).isoformat()}
    for names in ({}, {"official": "tidak_ada"}, {"substitute": "tidak_ada"}):
        refused = client.post("/api/v1/substitutions", headers=prakom, json={**body, **names})
        assert (refused.status_code, refused.json["error"]["code"]) == (403, "forbidden")
    unknown = client.post("/api/v1/substitutions", headers=kasubbag,
                          json={**body, "substitute": "tidak_ada"})
    assert (unknown.status_code, unknown.json["error"]["fields"]) == (
        422, {"substitute": ["pengguna tidak ditemukan"]})
    created = client.post("/api/v1/substitutions", headers=kasubbag,
                          json={**body, "official": "Kasubbag", "substitute": "PRAKOM"})
    assert created.status_code == 201, created.json
    assert (created.json["official"], created.json["substitute"]) == ("kasubbag", "prakom")


def test_comments_on_an_instance(app, client, prakom, started):
    path = f"/api/v1/instances/{started['id']}/comments"
    added = client.post(path, headers=prakom, json={"text": "  Sudah dicek  "})
    assert (added.status_code, added.json["text"], added.json["author"]) == (
        201, "Sudah dicek", "prakom")
    assert client.post(path, headers=prakom, json={"text": ""}).status_code == 422
    assert client.post(path, headers=prakom, json={"text": "x" * 2001}).status_code == 422
    outsider = api_token(client, "panitera")
    assert client.post(path, headers=outsider, json={"text": "hai"}).status_code == 403
    assert client.get(path, headers=outsider).status_code == 403
    listed = client.get(path, headers=prakom).json
    assert ([c["text"] for c in listed["items"]], listed["total"]) == (["Sudah dicek"], 1)
    assert app_count(app, Comment) == 1
    # CR LF counts once, as on the page: 2,000 characters as the page's textarea counts them.
    typed = "y" * 1998 + "\r\nz"
    crlf = client.post(path, headers=prakom, json={"text": typed})
    assert (crlf.status_code, crlf.json["text"]) == (201, typed.replace("\r\n", "\n"))
    note = "y" * 1000 + "\r\n" + "z" * 999
    for sent_as in ({"json": {"data": {"catatan": note}}},
                    {"content_type": "multipart/form-data",
                     "data": {"data": json.dumps({"catatan": note})}}):
        instance = client.post("/api/v1/instances", headers=prakom,
                               json={"process_key": SERVER, "title": "Baris baru"}).json
        task_id = instance["open_tasks"][0]["id"]
        sent = client.post(f"/api/v1/tasks/{task_id}/complete", headers=prakom, **sent_as)
        assert sent.status_code == 200, (sent_as, sent.json)
        history = client.get(f"/api/v1/instances/{instance['id']}/history", headers=prakom).json
        assert history["items"][-1]["note"] == note.replace("\r\n", "\n")


def test_a_json_body_is_read_as_typed_once_per_request(app):
    """The edge, the rate limiter and the view each ask for the body: the CR LF reading is
    worked out once, the same object each time."""
    with app.test_request_context("/api/v1/x", method="POST", json={"t": ["a\r\nb", 1]}):
        first = request.get_json()
        assert first == {"t": ["a\nb", 1]}
        assert request.get_json() is first and request.get_json(silent=True) is first


def test_notifications_marked_read_one_and_all(app, client, prakom, kasubbag, started):
    for number in range(2):
        client.post("/api/v1/instances", headers=prakom,
                    json={"process_key": SERVER, "title": f"Lain {number}"})
    for task in client.get("/api/v1/tasks", headers=prakom).json:
        client.post(f"/api/v1/tasks/{task['id']}/assign", headers=kasubbag,
                    json={"assignee": "prakom"})
    notes = client.get("/api/v1/notifications", headers=prakom).json
    assert notes["unread"] == 3
    first = notes["items"][0]["id"]
    assert client.post(f"/api/v1/notifications/{first}/read", headers=kasubbag
                       ).status_code == 404  # not theirs
    one = client.post(f"/api/v1/notifications/{first}/read", headers=prakom)
    assert one.status_code == 200 and one.json["read_at"] is not None
    # The item as the list shows it, read now.
    assert {key: value for key, value in one.json.items() if key != "read_at"} == {
        key: value for key, value in notes["items"][0].items() if key != "read_at"}
    assert client.get("/api/v1/notifications", headers=prakom).json["unread"] == 2
    marked = client.post("/api/v1/notifications/read", headers=prakom)
    assert marked.json == {"marked": 2, "unread": 0}


def test_substitution_recorded_listed_and_ended_early(app, client, clock, prakom, kasubbag,
                                                      admin):
    start = clock.now()
    body = {"kind": "Plh", "official": "kasubbag", "substitute": "prakom", "role": "Kasubbag",
            "warrant_number": "ST-1/2026", "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(days=5)).isoformat()}
    refused = client.post("/api/v1/substitutions", headers=prakom, json=body)
    assert refused.status_code == 403
    too_long = client.post("/api/v1/substitutions", headers=admin, json={
        **body, "ends_at": (start + timedelta(days=31)).isoformat()})
    assert too_long.status_code == 422 and "ends_at" in too_long.json["error"]["fields"]
    naive = client.post("/api/v1/substitutions", headers=admin,
                        json={**body, "starts_at": "2026-11-23T08:00:00"})
    assert naive.status_code == 422 and "starts_at" in naive.json["error"]["fields"]
    assert app_count(app, Substitution) == 0
    created = client.post("/api/v1/substitutions", headers=kasubbag, json=body)
    assert created.status_code == 201, created.json
    assert (created.json["substitute"], created.json["may_end"]) == ("prakom", True)
    listed = client.get("/api/v1/substitutions", headers=prakom).json
    assert ([s["id"] for s in listed["items"]], listed["items"][0]["may_end"]) == (
        [created.json["id"]], False)
    sid = created.json["id"]
    assert client.post(f"/api/v1/substitutions/{sid}/end", headers=prakom).status_code == 403
    clock.advance(timedelta(hours=1))
    ended = client.post(f"/api/v1/substitutions/{sid}/end", headers=kasubbag)
    assert (ended.status_code, ended.json["ends_at"]) == (200, clock.now().isoformat())
    assert client.get("/api/v1/substitutions", headers=prakom).json["total"] == 0
    assert client.post(f"/api/v1/substitutions/{sid}/end", headers=kasubbag).status_code == 422
    with app.app_context():
        actions = db.session.scalars(select(AuditRecord.action).where(
            AuditRecord.action.like("substitution.%")).order_by(AuditRecord.id)).all()
    assert actions == ["substitution.recorded", "substitution.ended"]


def test_versions_listed_diffed_and_activated_by_administrators(client, prakom, admin):
    for text in ({}, {'name="Memeriksa konsep"': 'name="Memeriksa ulang"',
                      'value="30 menit"': 'value="1 jam"', '"PT30M"': '"PT1H"'}):
        client.post("/api/v1/processes", headers=admin, content_type="multipart/form-data",
                    data={"file": (io.BytesIO(mini_bpmn(text)), "a.bpmn")})
    assert client.get("/api/v1/processes/sop_uji/versions", headers=prakom).status_code == 403
    assert client.post("/api/v1/processes/sop_uji/versions/1/activate",
                       headers=prakom).status_code == 403
    listed = client.get("/api/v1/processes/sop_uji/versions", headers=admin).json
    assert [(v["version"], v["active"]) for v in listed["items"]] == [(2, True), (1, False)]
    diff = client.get("/api/v1/processes/sop_uji/versions/1/diff", headers=admin).json
    assert (diff["active_version"], diff["version"], diff["added"], diff["removed"]) == (
        2, 1, [], [])
    assert [row[1:] for row in diff["renamed"]] == [["Memeriksa ulang", "Memeriksa konsep"]]
    assert [row[2:] for row in diff["retimed"]] == [[
        "1 jam (Durasi: 1 jam kerja)", "30 menit (Durasi: 30 menit kerja)"]]
    activated = client.post("/api/v1/processes/sop_uji/versions/1/activate", headers=admin)
    assert (activated.status_code, activated.json["active"]) == (200, True)
    assert client.get("/api/v1/processes/sop_uji", headers=prakom).json["version"] == 1
    assert client.get("/api/v1/processes/tidak_ada/versions", headers=admin).status_code == 404
    assert client.post("/api/v1/processes/sop_uji/versions/9/activate",
                       headers=admin).status_code == 404


def test_uploading_the_waiting_version_again_without_activate_false_activates_it(app, client,
                                                                                  admin):
    def upload(text, **form):
        return client.post("/api/v1/processes", headers=admin,
                           content_type="multipart/form-data",
                           data={"file": (io.BytesIO(mini_bpmn(text)), "a.bpmn"), **form})

    assert upload({}).status_code == 201
    revised = {'name="Memeriksa konsep"': 'name="Memeriksa ulang"'}
    waiting = upload(revised, activate="false")
    assert (waiting.status_code, waiting.json["active"]) == (201, False)
    before = _process_actions(app)
    again = upload(revised)
    assert (again.status_code, again.json) == (200, {
        "key": "sop_uji", "version": 2, "name": again.json["name"], "created": False,
        "active": True, "unheld_lanes": [], "same_as_version": None,
        "removed_form_fields": 0})
    assert _process_actions(app) == [*before, "process.activated"]
    # Activating the active version again changes nothing and records nothing.
    assert client.post("/api/v1/processes/sop_uji/versions/2/activate",
                       headers=admin).json["active"] is True
    assert _process_actions(app) == [*before, "process.activated"]


def _process_actions(app) -> list[str]:
    with app.app_context():
        return db.session.scalars(select(AuditRecord.action).where(
            AuditRecord.action.like("process.%")).order_by(AuditRecord.id)).all()


def test_an_id_beyond_the_database_range_is_not_found(client, prakom):
    for path in ("/api/v1/instances/9999999999", "/api/v1/tasks/2147483648",
                 "/api/v1/instances/99999999999999999999/comments"):
        response = client.get(path, headers=prakom)
        assert (response.status_code, response.json["error"]["code"]) == (404, "not_found")
        assert "#0" not in response.json["error"]["message"]
    assert response.json["error"]["message"] == (  # the address exists; the number cannot
        "Tidak ada yang bernomor 99999999999999999999: nomor di alamat ini paling besar "
        "2147483647.")
    assert client.post("/api/v1/tasks/9999999999/claim", headers=prakom).status_code == 404
    login(client, "prakom")
    page = client.get("/tugas/" + "9" * 40)
    assert page.status_code == 404 and ("Tidak ada yang bernomor " + "9" * 30 + "…: nomor di "
                                        "alamat ini paling besar 2147483647.") in page.get_data(True)


def test_ids_and_pages_are_written_in_the_digits_0_to_9(client, prakom, started):
    """Full-width and Arabic-Indic digits read as the same id gave a task several
    addresses (a claim went through on /tasks/１/claim), and a page several queries."""
    task_id = started["open_tasks"][0]["id"]
    wide = str(task_id).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    arabic = str(task_id).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    for digits in (wide, arabic):
        assert client.get(f"/api/v1/tasks/{digits}", headers=prakom).status_code == 404
        claim = client.post(f"/api/v1/tasks/{digits}/claim", headers=prakom)
        assert claim.status_code == 404
    assert client.get(f"/api/v1/tasks/{task_id}", headers=prakom).json["claimed_by"] is None
    for query in ("per_page=１", "page=٢", "per_page=1０", "per_page=%2B5", "per_page=%205",
                  "page=1%20", "page=1_0", "page=--1"):
        listed = client.get(f"/api/v1/instances?{query}", headers=prakom)
        name = query.partition("=")[0]
        assert (listed.status_code, listed.json["error"]["fields"]) == (
            422, {name: ["harus bilangan bulat"]})
    assert client.get("/api/v1/tasks?per_page=１", headers=prakom).status_code == 422


def test_an_unknown_status_lists_the_statuses_without_an_empty_one(client, prakom):
    answer = client.get("/api/v1/instances?status=Galat", headers=prakom)
    assert (answer.status_code, answer.json["error"]["fields"]) == (422, {"status": [
        "harus salah satu dari: berjalan, selesai, dibatalkan, terlambat, galat, running, "
        "completed, cancelled, late, error"]})


def test_a_supervisor_takes_a_claimed_step_from_its_holder_who_is_told(app, client, clock,
                                                                      prakom, kasubbag,
                                                                      started):
    """Alihkan redistributes work: the step leaves the one who claimed it, who was not
    told; assigning it to its holder again added a Riwayat row and a notification."""
    with app.app_context():
        db.session.add(User(username="prakom2", full_name="Prakom Dua", password_hash="-",
                            created_at=clock.now(), roles=[UserRole(role="Prakom")]))
        db.session.commit()
    task_id = started["open_tasks"][0]["id"]
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=prakom).status_code == 200
    moved = client.post(f"/api/v1/tasks/{task_id}/assign", headers=kasubbag,
                        json={"assignee": "prakom2"})
    assert (moved.status_code, moved.json["claimed_by"]) == (200, "prakom2")
    told = client.get("/api/v1/notifications", headers=prakom).json["items"]
    assert [(n["kind"], n["text"]) for n in told] == [(
        "penugasan", f'Demo Kasubbag mengalihkan langkah "{started["open_tasks"][0]["name"]}" '
        f'pada {started["number"]} "{started["title"]}" (Penanganan Gangguan Server) dari Anda '
        "kepada Prakom Dua.")]
    again = client.post(f"/api/v1/tasks/{task_id}/assign", headers=kasubbag,
                        json={"assignee": "PRAKOM2"})
    assert (again.status_code, again.json["claimed_by"]) == (200, "prakom2")
    with app.app_context():
        assigned = db.session.scalars(select(AuditRecord).where(
            AuditRecord.action == "task.assigned")).all()
        assert [(r.detail["assignee"], r.detail.get("previous")) for r in assigned] == [
            ("prakom2", "prakom")]
        assert db.session.scalar(select(func.count()).select_from(Notification).where(
            Notification.kind == "penugasan")) == 2


def test_an_activation_answers_as_it_left_the_version(app, client, admin, monkeypatch):
    """Another activation committed right after this one's: the answer, read after the
    commit, said "active": false for the version this request had just activated."""
    for text in ({}, {'name="Memeriksa konsep"': 'name="Memeriksa ulang"'}):
        client.post("/api/v1/processes", headers=admin, content_type="multipart/form-data",
                    data={"file": (io.BytesIO(mini_bpmn(text)), "a.bpmn")})
    commit = db.session.commit

    def then_another_activation() -> None:
        commit()
        monkeypatch.undo()
        versions = update(ProcessDefinition).where(ProcessDefinition.key == "sop_uji")
        db.session.execute(versions.values(is_active=False))
        db.session.execute(versions.where(ProcessDefinition.version == 2).values(
            is_active=True))
        commit()

    monkeypatch.setattr(db.session, "commit", then_another_activation)
    activated = client.post("/api/v1/processes/sop_uji/versions/1/activate", headers=admin)
    assert (activated.status_code, activated.json["active"]) == (200, True)
    assert client.get("/api/v1/processes/sop_uji", headers=admin).json["version"] == 2
