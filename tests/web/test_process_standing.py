"""Daftar Proses and the process page say where a running case stands: its open step,
the lane's role, who has taken it and the time left, so an official sees whose turn it
is without opening each case; an ended case stands nowhere."""

import re
from datetime import timedelta

from engine.models import HumanTask
from tests.conftest import START_DATA
from tests.web.conftest import api_token, login
from tests.web.desk_helpers import add_employee
from web.extensions import db

STEP = "Menerima dan mencatat laporan gangguan server"
DESK = "penanganan_permintaan_layanan_ti"


def _cells(page: str) -> list[str]:
    return re.findall(r'<td data-label="Sekarang di">(.*?)</td>', page, re.DOTALL)


def _standing(page: str) -> list[str]:
    return re.findall(r'<p class="standing">(.*?)</p>', page, re.DOTALL)


def test_the_list_and_the_page_name_the_open_step_its_role_holder_and_time_left(
        client, started, prakom, clock):
    login(client, "prakom")
    at_start = f"{STEP} — <strong>Prakom</strong> · sisa 1 jam kerja"
    assert _cells(client.get("/proses/?cakupan=saya").get_data(True)) == [at_start]
    assert _standing(client.get(f"/proses/{started['id']}").get_data(True)) == [
        f"<strong>Sekarang di:</strong> {at_start}"]
    task = started["open_tasks"][0]["id"]
    assert client.post(f"/api/v1/tasks/{task}/claim", headers=prakom).status_code == 200
    clock.advance(timedelta(hours=2))
    late = (f'{STEP} — <strong>Prakom</strong> (Demo Prakom) · '
            '<span class="late-text">⚠ terlambat 1 jam kerja</span>')
    assert _cells(client.get("/proses/?cakupan=saya").get_data(True)) == [late]


def test_an_ended_case_stands_nowhere(client, started, prakom):
    cancelled = client.post(f"/api/v1/instances/{started['id']}/cancel", headers=prakom,
                            json={"reason": "Laporan ganda"})
    assert cancelled.status_code == 200, cancelled.json
    login(client, "prakom")
    assert _cells(client.get("/proses/?cakupan=saya").get_data(True)) == ["—"]
    assert _standing(client.get(f"/proses/{started['id']}").get_data(True)) == []


def test_a_case_open_at_more_steps_than_a_row_names_says_how_many_more(
        app, client, started):
    with app.app_context():
        first = db.session.get(HumanTask, started["open_tasks"][0]["id"])
        for number in range(3):
            db.session.add(HumanTask(
                instance_id=first.instance_id, spiff_task_id=f"extra-{number}",
                bpmn_id=f"Extra_{number}", name=f"Cabang {number}", role="Kasubbag",
                created_at=first.created_at + timedelta(minutes=number + 1)))
        db.session.commit()
    login(client, "prakom")
    cell = _cells(client.get("/proses/?cakupan=saya").get_data(True))[0]
    assert cell.count("<br>") == 3 and cell.startswith(STEP)
    assert "Cabang 1 — <strong>Kasubbag</strong> · tanpa batas waktu" in cell
    assert "Cabang 2" not in cell and cell.endswith("dan 1 langkah lainnya")


def test_an_employees_own_ticket_says_only_whether_it_waits_for_him(app, client):
    """The desk's internal steps are not his to read (README "Layanan TI"); whether the
    desk works on it or waits for his answer is."""
    add_employee(app)
    me = api_token(client, "pegawai")
    ticket = client.post("/api/v1/instances", headers=me, json={
        "process_key": DESK, "title": "Printer", "data": START_DATA[DESK]}).json["id"]
    login(client, "pegawai")
    assert _cells(client.get("/proses/?cakupan=saya").get_data(True)) == [
        "Sedang ditangani petugas"]
    asked = client.post(f"/api/v1/tickets/{ticket}/messages", headers=api_token(client, "prakom"),
                        json={"text": "Printer yang mana?", "asks": True})
    assert asked.status_code == 201, asked.json
    page = client.get("/proses/?cakupan=saya").get_data(True)
    assert _cells(page) == ["Menunggu jawaban Anda"] and "Menerima" not in page
