"""The starter of a process is told when it ends without him (engine.process.end_notices):
completed after someone else's last step, or cancelled by someone else with the reason;
nothing when he ended it himself, nothing for a ticket (the desk's own notices)."""

import re

from sqlalchemy import select

from engine.models import Notification, User
from tests.conftest import START_DATA, csrf_token, sop_walks
from tests.web.conftest import api_token, login
from web.extensions import db

SKP = "penyusunan_skp_prakom"


def _start(client, headers, key=SKP, title="SKP 2027") -> int:
    response = client.post("/api/v1/instances", headers=headers,
                           json={"process_key": key, "title": title})
    assert response.status_code == 201, response.json
    return response.json["id"]


def _walk(client, instance_id: int, key: str = SKP) -> None:
    for step in sop_walks()[key]:
        headers = api_token(client, step["lane"].lower())
        [task] = [t for t in client.get("/api/v1/tasks", headers=headers).json
                  if t["instance_id"] == instance_id]
        done = client.post(f"/api/v1/tasks/{task['id']}/complete", headers=headers,
                           json={"data": step["data"]})
        assert done.status_code == 200, done.json
    found = client.get(f"/api/v1/instances/{instance_id}", headers=api_token(client, "admin"))
    assert found.json["status"] == "completed"


def _notices(app, username: str) -> list[tuple[str, str]]:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        return [(n.kind, n.role) for n in db.session.scalars(select(Notification).where(
            Notification.user_id == user.id, Notification.kind.like("proses_%")))]


def test_the_starter_is_told_when_his_process_completes_after_another_desks_step(app, client):
    headers = api_token(client, "kasubbag")
    instance_id = _start(client, headers)
    _walk(client, instance_id)  # the SKP's last step is the Prakom's
    assert _notices(app, "kasubbag") == [("proses_selesai", "Pengaju")]
    assert _notices(app, "prakom") == []
    listed = client.get("/api/v1/notifications?kind=proses", headers=headers).json
    assert listed["total"] == 1
    [item] = listed["items"]
    assert (item["label"], item["instance_id"], item["task_id"]) == \
        ("Proses selesai", instance_id, None)
    assert item["text"] == ('Proses SKP-2026-0001 "SKP 2027" (Penyusunan dan Penilaian SKP '
                            "Prakom) yang Anda mulai sudah selesai.")


def test_no_notice_when_the_starter_did_the_last_step_himself(app, client):
    instance_id = _start(client, api_token(client, "prakom"))
    _walk(client, instance_id)
    assert _notices(app, "prakom") == []


def test_a_cancel_by_someone_else_tells_the_starter_who_and_why(app, client):
    instance_id = _start(client, api_token(client, "prakom"))
    own = _start(client, api_token(client, "prakom"), title="SKP lain")
    admin = api_token(client, "admin")
    cancelled = client.post(f"/api/v1/instances/{instance_id}/cancel", headers=admin,
                            json={"reason": "Diajukan dua kali"})
    assert cancelled.status_code == 200, cancelled.json
    cancelled = client.post(f"/api/v1/instances/{own}/cancel",
                            headers=api_token(client, "prakom"), json={"reason": "Salah"})
    assert cancelled.status_code == 200, cancelled.json
    assert _notices(app, "prakom") == [("proses_dibatalkan", "Pengaju")]
    page = client.get("/api/v1/notifications?kind=proses",
                      headers=api_token(client, "prakom")).json
    assert page["items"][0]["text"].endswith(
        "yang Anda mulai dibatalkan oleh Administrator: Diajukan dua kali")


def test_a_ticket_gets_the_desks_notices_only(app, client):
    key = "penanganan_permintaan_layanan_ti"
    headers = api_token(client, "kasubbag")
    response = client.post("/api/v1/instances", headers=headers, json={
        "process_key": key, "title": "Printer", "data": START_DATA[key]})
    assert response.status_code == 201, response.json
    cancelled = client.post(f"/api/v1/instances/{response.json['id']}/cancel",
                            headers=api_token(client, "admin"), json={"reason": "Ganda"})
    assert cancelled.status_code == 200, cancelled.json
    assert _notices(app, "kasubbag") == []


def test_the_centre_offers_the_kind_and_says_it_in_the_readers_language(app, client):
    instance_id = _start(client, api_token(client, "prakom"))
    client.post(f"/api/v1/instances/{instance_id}/cancel", headers=api_token(client, "admin"),
                json={"reason": "Diajukan dua kali"})
    login(client, "prakom")
    page = client.get("/notifikasi/?jenis=proses").get_data(True)
    assert '<option value="proses" selected>Proses berakhir</option>' in page
    assert "<strong>Proses dibatalkan</strong>" in page
    [opened] = re.findall(r'href="(/notifikasi/\d+/buka)">Lihat proses</a>', page)
    assert client.get(opened).headers["Location"] == f"/proses/{instance_id}"
    token = csrf_token(client.get("/akun/").get_data(True))
    client.post("/akun/", data={"email": "", "language": "en", "csrf_token": token})
    page = client.get("/notifikasi/?jenis=proses").get_data(True)
    assert "<strong>Process cancelled</strong>" in page
    assert ("Process SKP-2026-0001 &#34;SKP 2027&#34; (Penyusunan dan Penilaian SKP Prakom) "
            "that you started was cancelled by Administrator: Diajukan dua kali") in page

