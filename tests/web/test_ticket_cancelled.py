"""A requester whose ticket the desk cancels is told so and why, and his ticket says who
cancelled it (himself, or the desk) and why (found by the service desk probe: the ticket
only said "Dibatalkan" with a time, and no notice came)."""

from sqlalchemy import select

from engine.models import Notification, User
from tests.conftest import START_DATA, csrf_token
from tests.web.conftest import api_token, login
from tests.web.desk_helpers import add_employee
from tests.web.test_servicedesk_api import LTI
from web.extensions import db

REASON = "Akun surel dibuat lewat sistem pusat; tidak perlu tiket"


def _ticket(client, title: str) -> int:
    response = client.post("/api/v1/instances", headers=api_token(client, "pegawai"), json={
        "process_key": LTI, "title": title, "data": START_DATA[LTI]})
    assert response.status_code == 201, response.json
    return response.json["id"]


def _notices(app, kind: str) -> list[tuple[str, dict]]:
    with app.app_context():
        employee = db.session.scalar(select(User.id).where(User.username == "pegawai"))
        return [(n.message, n.params) for n in db.session.scalars(select(Notification).where(
            Notification.user_id == employee, Notification.kind == kind))]


def test_the_desk_s_cancellation_reaches_the_requester_with_its_reason(app, client):
    add_employee(app)
    instance_id = _ticket(client, "Minta akun surel")
    cancelled = client.post(f"/api/v1/instances/{instance_id}/cancel",
                            headers=api_token(client, "admin"), json={"reason": REASON})
    assert cancelled.status_code == 200, cancelled.json
    [(message, params)] = _notices(app, "tiket_dibatalkan")
    number = params["number"]
    assert message == (f"Tiket {number} dibatalkan oleh petugas: Minta akun surel. Alasan: "
                       f"{REASON}")
    login(client, "pegawai")
    centre = " ".join(client.get("/notifikasi/").get_data(True).split())
    assert f"Tiket {number} dibatalkan oleh petugas: Minta akun surel. Alasan: {REASON}" in centre
    page = " ".join(client.get(f"/tiket/{instance_id}").get_data(True).split())
    assert (f"<dt>Dibatalkan oleh</dt><dd>petugas</dd><dt>Alasan pembatalan</dt><dd>{REASON}"
            "</dd>") in page
    seen = client.get(f"/api/v1/tickets/{instance_id}", headers=api_token(client, "pegawai"))
    assert seen.json["cancelled"] == {"by_requester": False, "reason": REASON}
    # The desk reads which of its members it was (the requester is never told).
    login(client, "admin")
    desk = " ".join(client.get(f"/tiket/{instance_id}").get_data(True).split())
    assert "<dt>Dibatalkan oleh</dt><dd>Administrator</dd>" in desk


def test_the_requester_s_own_cancellation_is_shown_back_without_a_notice(app, client):
    add_employee(app)
    instance_id = _ticket(client, "Terkirim dua kali")
    employee = api_token(client, "pegawai")
    assert client.post(f"/api/v1/instances/{instance_id}/cancel", headers=employee,
                       json={"reason": "Terkirim dua kali"}).status_code == 200
    assert _notices(app, "tiket_dibatalkan") == []
    login(client, "pegawai")
    page = " ".join(client.get(f"/tiket/{instance_id}").get_data(True).split())
    assert ("<dt>Dibatalkan oleh</dt><dd>Anda</dd><dt>Alasan pembatalan</dt><dd>Terkirim dua "
            "kali</dd>") in page
    assert client.get(f"/api/v1/tickets/{instance_id}", headers=employee).json["cancelled"] == {
        "by_requester": True, "reason": "Terkirim dua kali"}
    running = _ticket(client, "Masih berjalan")
    assert client.get(f"/api/v1/tickets/{running}", headers=employee).json["cancelled"] is None


def test_the_requester_cancelling_a_ticket_the_desk_cancelled_is_told_it_ended(app, client):
    """Found by the regression probe: from a page opened before, he was told his "message"
    was not sent, and his reason shown as a message."""
    add_employee(app)
    instance_id = _ticket(client, "Minta akun surel")
    login(client, "pegawai")
    token = csrf_token(client.get(f"/tiket/{instance_id}").get_data(True))
    assert client.post(f"/api/v1/instances/{instance_id}/cancel",
                       headers=api_token(client, "admin"), json={"reason": REASON}
                       ).status_code == 200
    sent = client.post(f"/proses/{instance_id}/batalkan", data={
        "csrf_token": token, "dari": "tiket", "reason": "batal lagi"})
    assert sent.headers["Location"] == f"/tiket/{instance_id}"
    page = client.get(sent.headers["Location"]).get_data(True)
    assert "sudah berakhir (status: dibatalkan)." in page and "Pesan tidak terkirim" not in page
