"""Every step page of a ticket gives the ticket's SLA target (Target selesai, counted from
the report) beside the step's own deadline, counted from when the step opened: a step that
opens after triage and approvals has its deadline after the target (the requester probe)."""

from datetime import datetime, timedelta

from flask import render_template_string
from sqlalchemy import select

from engine.models import HumanTask, ProcessInstance
from tests.conftest import START_DATA
from tests.web.conftest import api_token, login
from tests.web.desk_helpers import add_employee, triage
from web.extensions import db

LTI = "penanganan_permintaan_layanan_ti"


def _open_step(app, instance_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(HumanTask.id).where(
            HumanTask.instance_id == instance_id, HumanTask.state == "open"))


def test_a_ticket_step_says_the_tickets_sla_target_and_when_it_is_past(app, client, clock):
    add_employee(app)
    started = client.post("/api/v1/instances", headers=api_token(client, "pegawai"), json={
        "process_key": LTI, "title": "Printer", "data": START_DATA[LTI]})
    instance_id = started.json["id"]
    clock.advance(timedelta(minutes=40))
    triage(client, instance_id, "mayor")
    deadline = datetime.fromisoformat(client.get(
        f"/api/v1/tickets/{instance_id}", headers=api_token(client, "pegawai")).json["deadline"])
    with app.app_context():
        reported = db.session.get(ProcessInstance, instance_id).started_at
    assert deadline == reported + timedelta(hours=4), (
        "reported Monday 08.00 WIB: mayor, 4 working hours, 12.00")
    with app.test_request_context():
        target = render_template_string("{{ d|waktu }}", d=deadline)
    login(client, "admin")
    page = " ".join(client.get(f"/tugas/{_open_step(app, instance_id)}").get_data(True).split())
    assert (f'<dt>Target selesai tiket (SLA)</dt><dd>{target} <span class="hint">dihitung '
            "dari waktu laporan menurut prioritasnya; Batas Waktu langkah ini dihitung sejak "
            "langkah ini terbuka</span></dd>") in page
    clock.advance(timedelta(days=1))
    late = " ".join(client.get(f"/tugas/{_open_step(app, instance_id)}").get_data(True).split())
    assert f'{target} — <span class="late-text">⚠ terlewati</span>' in late
    other = client.post("/api/v1/instances", headers=api_token(client, "prakom"), json={
        "process_key": "backup_database_sipp", "title": "Backup"}).json["id"]
    assert "Target selesai tiket" not in client.get(
        f"/tugas/{_open_step(app, other)}").get_data(True), "no ticket: no SLA target"
