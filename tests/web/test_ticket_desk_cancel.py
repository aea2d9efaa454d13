"""The desk closes a ticket that needs no work (filed twice, asked by mistake): whoever holds
one of its open steps may cancel it with a reason, which reaches the requester; no one else
of the desk may, and no holder of another SOP's step (README "Batalkan proses"; the desk
could not close a duplicate once it had taken it, and the requester no longer could)."""

from sqlalchemy import select

from engine.models import AuditRecord, HumanTask, Notification, ProcessInstance, User
from tests.conftest import START_DATA, csrf_token
from tests.web.conftest import api_token, login
from tests.web.desk_helpers import add_employee
from tests.web.test_servicedesk_api import LTI
from web.extensions import db

SIPP = "perawatan_sipp"  # lanes Prakom (its first step) and Sekretaris
REFUSED = ("Hanya administrator, petugas yang memegang langkah tiket ini (ambil langkahnya "
           "dulu), atau pemohonnya selama belum ada petugas yang bertindak, yang dapat "
           "membatalkan tiket ini.")


def _start(app, client, username: str, key: str = LTI) -> tuple[int, int]:
    """An instance started by ``username`` through the API and its first open step."""
    started = client.post("/api/v1/instances", headers=api_token(client, username), json={
        "process_key": key, "title": "Printer lantai 2 mati", "data": START_DATA.get(key, {})})
    assert started.status_code == 201, started.json
    with app.app_context():  # a requester is not shown the desk's steps
        [task_id] = db.session.scalars(select(HumanTask.id).where(
            HumanTask.instance_id == started.json["id"]))
    return started.json["id"], task_id


def _cancellations(app, instance_id: int) -> list[tuple[str, str]]:
    with app.app_context():
        return [(actor, record.detail["reason"]) for record, actor in db.session.execute(
            select(AuditRecord, User.username).join(User, User.id == AuditRecord.actor_id)
            .where(AuditRecord.instance_id == instance_id,
                   AuditRecord.action == "instance.cancelled"))]


def test_the_holder_of_a_tickets_step_cancels_it_and_the_requester_learns_why(app, client):
    add_employee(app)
    instance_id, task_id = _start(app, client, "pegawai")
    assert client.post(f"/api/v1/tasks/{task_id}/claim",
                       headers=api_token(client, "prakom")).status_code == 200
    login(client, "prakom")
    task_page = client.get(f"/tugas/{task_id}").get_data(True)
    assert (f'<a href="/tiket/{instance_id}#batalkan">Batalkan tiket</a> dengan alasannya; '
            "pemohon diberi tahu.") in task_page
    ticket_page = " ".join(client.get(f"/tiket/{instance_id}").get_data(True).split())
    assert ("Anda memegang langkah tiket ini: batalkan bila tidak perlu ditangani (mis. tiket "
            "ganda). Alasannya dikirim kepada pemohon.") in ticket_page
    reason = "Ganda dengan tiket sebelumnya"
    sent = client.post(f"/proses/{instance_id}/batalkan", data={
        "csrf_token": csrf_token(ticket_page), "dari": "tiket", "reason": reason})
    assert sent.headers["Location"] == f"/tiket/{instance_id}"
    with app.app_context():
        instance = db.session.get(ProcessInstance, instance_id)
        assert instance.status == "cancelled"
        assert db.session.get(HumanTask, task_id).state == "cancelled"
        employee = db.session.scalar(select(User.id).where(User.username == "pegawai"))
        [notice] = db.session.scalars(select(Notification.message).where(
            Notification.user_id == employee, Notification.kind == "tiket_dibatalkan"))
        assert notice == (f"Tiket {instance.number} dibatalkan oleh petugas: Printer lantai 2 "
                          f"mati. Alasan: {reason}")
        number = instance.number
    assert _cancellations(app, instance_id) == [("prakom", reason)]
    # Sent again from the same page: it speaks of the ticket still (the regression probe
    # read "Proses … sudah berakhir" under "Tiket … dibatalkan").
    again = client.post(f"/proses/{instance_id}/batalkan", data={
        "csrf_token": csrf_token(ticket_page), "dari": "tiket", "reason": reason},
        follow_redirects=True)
    assert f"Tiket {number} sudah berakhir (status: dibatalkan)." in again.get_data(True)
    assert _cancellations(app, instance_id) == [("prakom", reason)]


def test_no_one_of_the_desk_cancels_a_ticket_he_does_not_hold_nor_another_sops_holder(
        app, client):
    add_employee(app)
    instance_id, task_id = _start(app, client, "pegawai")
    for username in ("prakom", "kasubbag"):  # not taken yet; a supervisor holds no step
        refused = client.post(f"/api/v1/instances/{instance_id}/cancel",
                              headers=api_token(client, username), json={"reason": "Ganda"})
        assert (refused.status_code, refused.json["error"]["message"]) == (403, REFUSED)
    login(client, "prakom")
    assert 'id="batalkan"' not in client.get(f"/tiket/{instance_id}").get_data(True)
    assert "batalkan-tiket" not in client.get(f"/tugas/{task_id}").get_data(True)
    # Another SOP, started by the Sekretaris, its first step (Prakom) taken: no ticket.
    other_id, other_task = _start(app, client, "sekretaris", SIPP)
    prakom = api_token(client, "prakom")
    assert client.post(f"/api/v1/tasks/{other_task}/claim", headers=prakom).status_code == 200
    refused = client.post(f"/api/v1/instances/{other_id}/cancel", headers=prakom,
                          json={"reason": "Ganda"})
    assert (refused.status_code, refused.json["error"]["message"]) == (
        403, "Hanya administrator, atau pemulai proses selama belum ada orang lain yang "
             "bertindak, yang dapat membatalkan proses ini.")
    assert _cancellations(app, instance_id) == [] and _cancellations(app, other_id) == []
    with app.app_context():
        assert db.session.get(ProcessInstance, instance_id).status == "running"
