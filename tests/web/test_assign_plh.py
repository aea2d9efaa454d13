"""A supervisor's "Alihkan kepada" names who stands in: a Bidang Terkait offered for a
Kasubbag step reads "(Plh. Kasubbag)", on the task page and in the inbox's bulk choice; the
step assigned to him tells him he gets it as Plh. Kasubbag, as its reminders do."""

from datetime import timedelta

from sqlalchemy import select

from engine.models import User
from engine.people.substitution import record
from tests.web.conftest import api_token, login
from web.extensions import clock, db

PLH = "Demo Bidang Terkait (Plh. Kasubbag)"


def test_the_assign_choices_name_a_plh_as_such(app, client):
    started = client.post("/api/v1/instances", headers=api_token(client, "kasubbag"), json={
        "process_key": "penyusunan_rkt", "title": "RKT 2027"}).json
    task = started["open_tasks"][0]
    assert task["role"] == "Kasubbag"
    with app.app_context():
        users = {u.username: u for u in db.session.scalars(select(User))}
        now = clock().now()
        record(db.session, clock(), kind="Plh", official=users["kasubbag"],
               substitute=users["bidang_terkait"], role="Kasubbag", warrant_number="SP-1",
               starts_at=now - timedelta(minutes=1), ends_at=now + timedelta(days=3),
               created_by=users["admin"])
        db.session.commit()
    login(client, "sekretaris")
    page = client.get(f"/tugas/{task['id']}").get_data(True)
    assert f'">{PLH}</option>' in page and "Demo Kasubbag</option>" not in page
    inbox = client.get("/?tampil=bawahan").get_data(True)
    assert f'">{PLH}</option>' in inbox
    assigned = client.post(f"/api/v1/tasks/{task['id']}/assign",
                           headers=api_token(client, "sekretaris"),
                           json={"assignee": "bidang_terkait"})
    assert assigned.status_code == 200, assigned.json
    login(client, "bidang_terkait")
    notices = client.get("/notifikasi/").get_data(True)
    assert "kepada Anda. Anda menerimanya sebagai Plh. Kasubbag." in notices
