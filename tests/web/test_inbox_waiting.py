"""Kotak Masuk while a ticket waits for its requester: the step says it waits, its clock
stands still (not late, not due today) on the page, the step's page and in the API, until
the answer."""

import re
from datetime import timedelta

from tests.web.conftest import api_token, login
from tests.web.desk_helpers import add_employee
from tests.web.test_servicedesk_api import _start


def _row(page: str, title: str) -> str:
    """The inbox row (``<tr>`` to ``</tr>``) of the instance titled ``title``."""
    [row] = [found for found in re.findall(r"<tr[^>]*>.*?</tr>", page, re.DOTALL)
             if f'<td data-label="Proses" class="long">{title}</td>' in found]
    return row


def test_a_step_waiting_for_the_requester_is_shown_waiting_not_late(app, client, clock):
    add_employee(app)
    me, prakom = api_token(client, "pegawai"), api_token(client, "prakom")
    instance_id = _start(client, me)
    asked = client.post(f"/api/v1/tickets/{instance_id}/messages", headers=prakom,
                        json={"text": "Printer merek apa?", "asks": True})
    assert asked.status_code == 201, asked.json
    clock.advance(timedelta(days=3))  # long past the step's deadline, had its clock run
    me, prakom = api_token(client, "pegawai"), api_token(client, "prakom")
    login(client, "prakom")
    row = _row(client.get("/").get_data(True), "Printer rusak")
    assert "Menunggu pemohon: waktu berhenti" in row
    assert "terlambat" not in row.lower() and 'class="late"' not in row
    assert "Printer rusak" not in client.get("/?status=terlambat").get_data(True)
    step = client.get(re.search(r'href="(/tugas/\d+)"', row)[1]).get_data(True)
    assert "Menunggu pemohon: waktu berhenti" in step and "Terlambat" not in step
    [task] = client.get("/api/v1/tasks", headers=prakom).json
    assert task["waiting"] is True
    assert client.get("/api/v1/tasks?state=terlambat", headers=prakom).json == []
    answered = client.post(f"/api/v1/tickets/{instance_id}/messages", headers=me,
                           json={"text": "Epson L3110"})
    assert answered.status_code == 201
    clock.advance(timedelta(days=3))
    prakom = api_token(client, "prakom")
    login(client, "prakom")
    [task] = client.get("/api/v1/tasks?state=terlambat", headers=prakom).json
    assert task["waiting"] is False
    assert '<span class="late-text">⚠ terlambat' in _row(client.get("/").get_data(True),
                                                         "Printer rusak")
