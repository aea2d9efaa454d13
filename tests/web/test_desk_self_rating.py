"""The satisfaction index measures the desk's service: a ticket is not rated by the desk
that received it (one who holds the receiving lane's role, e.g. a Prakom who typed it in
for a caller, or handled his own request), while a Ketua who asked for help and approved
it as Ketua rates it like any requester."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from engine.models import Notification, Rating, User
from engine.people.substitution import record
from engine.reports.desk import satisfaction
from tests.conftest import START_DATA
from tests.web.conftest import api_token, login
from tests.web.desk_helpers import add_employee
from tests.web.test_servicedesk_api import LTI, _finish
from web.extensions import db

REFUSED = ("Anda termasuk petugas penerima tiket ini (Prakom); penilaian kepuasan diberikan "
           "pemohon yang dilayani, bukan petugasnya.")


def _ticket(client, username: str) -> int:
    response = client.post("/api/v1/instances", headers=api_token(client, username), json={
        "process_key": LTI, "title": "Printer rusak", "data": START_DATA[LTI]})
    assert response.status_code == 201, response.json
    _finish(client, response.json["id"])
    return response.json["id"]


def test_the_desk_does_not_rate_its_own_service(app, client):
    instance_id = _ticket(client, "prakom")
    rated = client.post(f"/api/v1/instances/{instance_id}/rating", json={"score": 5},
                        headers=api_token(client, "prakom"))
    assert (rated.status_code, rated.json["error"]["message"]) == (403, REFUSED)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Rating)) == 0
    login(client, "prakom")
    page = client.get(f"/tiket/{instance_id}").get_data(True)
    assert f"<p>Belum dinilai. {REFUSED}</p>" in page
    assert not re.search(r'action="/tiket/\d+/nilai"', page), "no form that cannot work"


def test_a_ketua_who_asked_and_approved_rates_the_desk(app, client):
    instance_id = _ticket(client, "ketua")
    rated = client.post(f"/api/v1/instances/{instance_id}/rating", json={"score": 4},
                        headers=api_token(client, "ketua"))
    assert rated.status_code == 201, rated.json


def test_the_response_rate_leaves_out_the_tickets_the_desk_may_not_rate(app, client, clock):
    add_employee(app)
    _ticket(client, "prakom")  # typed in for a caller
    rated = _ticket(client, "pegawai")
    assert client.post(f"/api/v1/instances/{rated}/rating", json={"score": 5},
                       headers=api_token(client, "pegawai")).status_code == 201
    with app.app_context():
        found = satisfaction(db.session, clock.now() - timedelta(days=1),
                             clock.now() + timedelta(days=1))
    assert (found["completed"], found["count"], found["response_rate"]) == (1, 1, 100.0)


def test_a_requester_who_served_his_own_ticket_as_plh_is_not_asked_to_rate_it(app, client,
                                                                            clock):
    with app.app_context():
        users = {u.username: u for u in db.session.scalars(select(User))}
        record(db.session, clock, kind="Plh", official=users["prakom"],
               substitute=users["bidang_terkait"], role="Prakom", warrant_number="SP-1",
               starts_at=clock.now(), ends_at=clock.now() + timedelta(days=3),
               created_by=users["admin"])
        db.session.commit()
        substitute_id = users["bidang_terkait"].id
    response = client.post("/api/v1/instances", headers=api_token(client, "bidang_terkait"),
                           json={"process_key": LTI, "title": "Printer", "data": START_DATA[LTI]})
    instance_id = response.json["id"]
    _finish(client, instance_id, {"Prakom": "bidang_terkait"})
    with app.app_context():
        kinds = set(db.session.scalars(select(Notification.kind).where(
            Notification.user_id == substitute_id)))
    assert "tiket_selesai" not in kinds
    rated = client.post(f"/api/v1/instances/{instance_id}/rating", json={"score": 5},
                        headers=api_token(client, "bidang_terkait"))
    assert rated.status_code == 403
