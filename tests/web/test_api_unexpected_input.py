"""What the API refuses that a change does not take (README "API JSON"): a body where
none is taken, a query parameter beside the ones documented; nothing is changed."""

import io

from sqlalchemy import select

from engine.models import Notification, User
from tests.helpers.rows import app_count
from tests.web.conftest import api_token
from web.extensions import db


def test_an_endpoint_without_a_body_refuses_one_and_changes_nothing(app, client, clock,
                                                                    prakom, started):
    """A body was ignored where none is taken: {"kind": "tiket"} sent to mark only the
    ticket notifications read marked every one of them, and broken JSON was a 200."""
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.username == "prakom"))
        for kind in ("penugasan", "tiket_pesan"):
            db.session.add(Notification(user_id=user_id, kind=kind, role="Prakom",
                                        message=kind, created_at=clock.now()))
        db.session.commit()
    before = app_count(app, Notification, Notification.read_at.is_(None))
    marked = client.post("/api/v1/notifications/read", headers=prakom, json={"kind": "tiket"})
    assert (marked.status_code, marked.json["error"]["fields"]) == (
        422, {"kind": ["kolom ini tidak dikenal"]})
    broken = client.post("/api/v1/notifications/read", headers=prakom, data="{bad",
                         content_type="application/json")
    assert (broken.status_code, broken.json["error"]["code"]) == (400, "bad_request")
    listed = client.post("/api/v1/notifications/read", headers=prakom, json=["x"])
    assert (listed.status_code, listed.json["error"]["fields"]) == (
        422, {"_schema": ["harus objek JSON"]})
    # The same filter in the address: it marked every notification read too.
    queried = client.post("/api/v1/notifications/read?kind=tiket&process_key=x",
                          headers=prakom)
    assert (queried.status_code, queried.json["error"]["fields"]) == (422, {
        "kind": ["parameter ini tidak dikenal"],
        "process_key": ["parameter ini tidak dikenal"]})
    assert app_count(app, Notification, Notification.read_at.is_(None)) == before
    task_id = started["open_tasks"][0]["id"]
    claim = client.post(f"/api/v1/tasks/{task_id}/claim", headers=prakom,
                        json={"assignee": "kasubbag"})
    assert (claim.status_code, claim.json["error"]["fields"]) == (
        422, {"assignee": ["kolom ini tidak dikenal"]})
    assert client.get(f"/api/v1/tasks/{task_id}", headers=prakom).json["claimed_by"] is None
    # No body, or an empty object, as clients send them.
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=prakom,
                       json={}).status_code == 200
    assert client.post(f"/api/v1/tasks/{task_id}/release", headers=prakom).status_code == 200
    assert client.post("/api/v1/notifications/read", headers=prakom).json["unread"] == 0


def test_a_typo_beside_the_query_complete_takes_refuses_it_and_completes_nothing(
        client, prakom, started):
    """``complete`` takes ``include``; ``?includes=history`` was ignored and the step,
    which cannot be taken back, was completed."""
    task_id = started["open_tasks"][0]["id"]
    url = f"/api/v1/tasks/{task_id}/complete"
    typo = client.post(f"{url}?includes=history", headers=prakom, json={"data": {}})
    assert (typo.status_code, typo.json["error"]["fields"]) == (
        422, {"includes": ["parameter ini tidak dikenal"]})
    assert client.get(f"/api/v1/tasks/{task_id}", headers=prakom).json["state"] == "open"
    done = client.post(f"{url}?include=history", headers=prakom, json={"data": {}})
    assert done.status_code == 200, done.json
    assert "history" in done.json["instance"]


def test_a_query_parameter_given_twice_is_refused_naming_it(client):
    prakom = api_token(client, "prakom")
    answer = client.get("/api/v1/tasks?per_page=2&per_page=3", headers=prakom)
    assert (answer.status_code, answer.json["error"]["fields"]) == (
        422, {"per_page": ["hanya satu nilai; 2 dikirim"]})
    listed = client.get("/api/v1/instances?status=running&status=late&q=a", headers=prakom)
    assert listed.json["error"]["fields"] == {"status": ["hanya satu nilai; 2 dikirim"]}
    assert client.get("/api/v1/tasks?per_page=2", headers=prakom).status_code == 200


def test_a_form_body_where_none_is_taken_is_refused_and_changes_nothing(
        app, client, prakom, started):
    """Found by the API probe: a form or multipart body slipped past the check of one sent
    as JSON (Werkzeug had read it as a form) and the step was taken, its file dropped."""
    task_id = started["open_tasks"][0]["id"]
    url = f"/api/v1/tasks/{task_id}/claim"
    form = client.post(url, headers=prakom, data={"foo": "bar"})
    parts = client.post(url, headers=prakom, content_type="multipart/form-data", data={
        "a": "b", "lampiran": (io.BytesIO(b"%PDF-1.4"), "surat.pdf")})
    assert [(r.status_code, r.json["error"]["fields"]) for r in (form, parts)] == [
        (422, {"foo": ["kolom ini tidak dikenal"]}),
        (422, {"a": ["kolom ini tidak dikenal"], "lampiran": ["kolom ini tidak dikenal"]})]
    assert form.json["error"]["message"] == ("Permintaan tidak valid: foo: kolom ini tidak "
                                             "dikenal.")
    assert client.get(f"/api/v1/tasks/{task_id}", headers=prakom).json["claimed_by"] is None


def test_a_refusal_names_its_fields_in_its_message(client, prakom, started):
    """For a client that shows only ``message`` (found by the API probe)."""
    answer = client.post(f"/api/v1/instances/{started['id']}/comments", headers=prakom,
                         json={"text": 5, "x": 1})
    assert answer.json["error"]["message"] == (
        "Permintaan tidak valid: text: harus teks; x: kolom ini tidak dikenal.")
    # The regression probe: six unknown keys hid what was wrong with the known ones.
    many = client.post("/api/v1/instances", headers=prakom,
                       json={"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "title": 5})
    assert many.json["error"]["message"] == (
        "Permintaan tidak valid: process_key: wajib diisi; title: harus teks; a: kolom ini "
        "tidak dikenal; b: kolom ini tidak dikenal; c: kolom ini tidak dikenal; dan 3 lainnya.")


def test_a_step_s_data_part_not_utf8_or_sent_as_a_file_is_refused(client, prakom, started):
    """Found by the API probe: Latin-1 bytes were stored as "Caf\ufffd" and the step
    completed; the part sent as a file was called a field the form lacks."""
    task_id = started["open_tasks"][0]["id"]
    url = f"/api/v1/tasks/{task_id}/complete"
    body = (b'--x\r\nContent-Disposition: form-data; name="data"\r\n\r\n'
            b'{"catatan": "Caf\xe9"}\r\n--x--\r\n')
    latin = client.post(url, headers=prakom, data=body,
                        content_type="multipart/form-data; boundary=x")
    assert (latin.status_code, latin.json["error"]["fields"]) == (
        400, {"data": "bukan teks UTF-8"})
    as_file = client.post(url, headers=prakom, content_type="multipart/form-data",
                          data={"data": (io.BytesIO(b"{}"), "d.json")})
    assert (as_file.status_code, as_file.json["error"]["fields"]) == (
        422, {"data": "harus teks (JSON objek), bukan berkas"})
    assert client.get(f"/api/v1/tasks/{task_id}", headers=prakom).json["state"] == "open"


def test_a_multipart_completion_of_a_step_no_longer_open_is_a_409_as_json(
        client, prakom, started):
    """Found by the engine probe: with a file it was a 403 about attachments."""
    task_id = started["open_tasks"][0]["id"]
    cancelled = client.post(f"/api/v1/instances/{started['id']}/cancel",
                            headers=api_token(client, "admin"), json={"reason": "Uji"})
    assert cancelled.status_code == 200, cancelled.json
    sent = client.post(f"/api/v1/tasks/{task_id}/complete", headers=prakom,
                       content_type="multipart/form-data", data={
                           "data": "{}", "lampiran": (io.BytesIO(b"%PDF-1.4"), "a.pdf")})
    assert (sent.status_code, sent.json["error"]["code"]) == (409, "task_not_open")
    assert "status: dibatalkan" in sent.json["error"]["message"]


def test_a_form_body_not_utf8_is_refused_naming_its_own_kind(client, prakom):
    """Found by the regression probe: a url-encoded body was told about multipart."""
    sent = client.post("/api/v1/notifications/read", headers=prakom, data=b"\xff=\xfe",
                       content_type="application/x-www-form-urlencoded")
    assert (sent.status_code, sent.json["error"]["message"]) == (
        400, "Formulir tidak terbaca: setiap nama dan nilai badan "
             "application/x-www-form-urlencoded harus teks UTF-8.")
