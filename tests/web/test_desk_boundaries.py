"""Where a ticket's views stop: the requester's list shows what he submitted, and another
SOP's process behind a ticket address answers as no process at all."""

from sqlalchemy import select

from engine.models import ProcessInstance
from engine.roles import username_for
from tests.conftest import START_DATA
from tests.web.conftest import api_token, login
from tests.web.desk_helpers import add_employee
from tests.web.test_servicedesk_api import LTI, _start
from web.extensions import db


def test_the_requesters_list_shows_his_proposal_not_the_triages_priority(app, client):
    add_employee(app)
    me, admin = api_token(client, "pegawai"), api_token(client, "admin")
    instance_id = _start(client, me, data={**START_DATA[LTI], "prioritas": "minor"})
    for _ in range(8):
        [task] = client.get(f"/api/v1/instances/{instance_id}", headers=admin).json["open_tasks"]
        triage = task["name"].startswith("Menentukan")
        client.post(f"/api/v1/tasks/{task['id']}/complete",
                    headers=api_token(client, username_for(task["role"])),
                    json={"data": {"prioritas": "kritis"} if triage else {}})
        if triage:
            break
    [row] = client.get("/api/v1/instances?scope=mine", headers=me).json["items"]
    assert row["data"] == {**START_DATA[LTI], "prioritas": "minor"}
    login(client, "pegawai")
    with client.get("/proses/?format=csv") as export:
        assert "minor" in export.get_data(True) and "kritis" not in export.get_data(True)
    staff = client.get(f"/api/v1/instances/{instance_id}", headers=admin).json
    assert staff["data"]["prioritas"] == "kritis"


def test_a_process_of_another_sop_behind_a_ticket_address_is_not_found(app, client):
    add_employee(app)
    me = api_token(client, "pegawai")
    rkt = client.post("/api/v1/instances", headers=api_token(client, "kasubbag"), json={
        "process_key": "penyusunan_rkt", "title": "RKT"}).json["id"]
    with app.app_context():
        missing = db.session.scalar(select(ProcessInstance.id).order_by(
            ProcessInstance.id.desc())) + 1
    for headers in (me, api_token(client, "kasubbag")):
        for instance_id in (rkt, missing):
            found = client.get(f"/api/v1/tickets/{instance_id}", headers=headers)
            assert (found.status_code, found.json["error"]["message"]) == (
                404, f"Proses #{instance_id} tidak ditemukan."), instance_id
    rated = client.post(f"/api/v1/instances/{rkt}/rating", headers=me, json={"score": 5})
    assert rated.status_code == 404
    login(client, "pegawai")
    assert client.get(f"/tiket/{rkt}").status_code == 404
    assert client.get(f"/tiket/{rkt}/berkas/1").status_code == 404
