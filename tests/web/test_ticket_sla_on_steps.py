"""Every step page of a ticket gives the ticket's SLA target (Target selesai, counted from
the report) beside the step's own deadline, counted from when the step opened: a step that
opens after triage and approvals has its deadline after the target (the requester probe)."""

import re
from datetime import datetime, timedelta

from flask import render_template_string
from sqlalchemy import select

from engine.models import HumanTask, ProcessInstance
from engine.roles import username_for
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
    ticket = " ".join(client.get(f"/tiket/{instance_id}").get_data(True).split())
    assert f'{target} — <span class="late-text">⚠ terlewati</span>' in ticket, (
        "the ticket page marks it too (the regression probe)")
    other = client.post("/api/v1/instances", headers=api_token(client, "prakom"), json={
        "process_key": "backup_database_sipp", "title": "Backup"}).json["id"]
    assert "Target selesai tiket" not in client.get(
        f"/tugas/{_open_step(app, other)}").get_data(True), "no ticket: no SLA target"


def test_the_process_page_leaves_the_requesters_wait_out_of_a_steps_time(app, client, clock):
    """The desk probe: a step open 16 minutes, 6 of them waiting for the requester, read
    "16 menit kerja / 10 menit" on the process page, but "before its deadline" on its own."""
    add_employee(app)
    requester = api_token(client, "pegawai")
    instance_id = client.post("/api/v1/instances", headers=requester, json={
        "process_key": LTI, "title": "Printer", "data": START_DATA[LTI]}).json["id"]
    [task] = client.get(f"/api/v1/instances/{instance_id}",
                        headers=api_token(client, "admin")).json["open_tasks"]
    desk = api_token(client, username_for(task["role"]))
    clock.advance(timedelta(minutes=5))
    assert client.post(f"/api/v1/tickets/{instance_id}/messages", headers=desk, json={
        "text": "Printer yang mana?", "asks": True}).status_code == 201
    clock.advance(timedelta(minutes=6))
    assert client.post(f"/api/v1/tickets/{instance_id}/messages", headers=requester, json={
        "text": "Ruang sidang 2"}).status_code == 201
    clock.advance(timedelta(minutes=5))
    assert client.post(f"/api/v1/tasks/{task['id']}/complete", headers=desk,
                       json={"data": {}}).status_code == 200
    login(client, "admin")
    page = " ".join(client.get(f"/proses/{instance_id}").get_data(True).split())
    used = re.search(r'<td data-label="Waktu dipakai">([^<]+)</td>', page)
    assert used is not None and used[1].startswith("10 menit kerja / "), used
