"""A low rating reaches the desk's supervisor, who can call the requester back (found by
the service desk probe: a score of 1 with "tolong dibuka lagi" told no one)."""

import re

from sqlalchemy import select

from engine.models import Notification, User
from tests.conftest import START_DATA
from tests.web.conftest import api_token, login
from tests.web.desk_helpers import add_employee
from tests.web.test_servicedesk_api import LTI, _finish
from web.extensions import db


def _rated(client, score: int, comment: str, requester: str = "Budi") -> int:
    employee = api_token(client, "pegawai")
    started = client.post("/api/v1/instances", headers=employee, json={
        "process_key": LTI, "title": "Printer SIPP",
        "data": {**START_DATA[LTI], "pemohon": requester}}).json
    _finish(client, started["id"])
    rated = client.post(f"/api/v1/instances/{started['id']}/rating", headers=employee,
                        json={"score": score, "comment": comment})
    assert rated.status_code == 201, rated.json
    return started["id"]


def _notices(app) -> list[tuple[str, str, str]]:
    with app.app_context():
        return [(user, n.role, n.message) for n, user in db.session.execute(
            select(Notification, User.username).join(User, User.id == Notification.user_id)
            .where(Notification.kind == "tiket_nilai_rendah"))]


def test_a_score_of_two_or_less_tells_the_kasubbag_and_a_better_one_does_not(app, client):
    add_employee(app)
    _rated(client, 4, "Cepat")
    assert _notices(app) == []
    instance_id = _rated(client, 1, "Masih macet, tolong dibuka lagi")
    [(user, role, message)] = _notices(app)
    number = client.get(f"/api/v1/tickets/{instance_id}",
                        headers=api_token(client, "pegawai")).json["number"]
    assert (user, role, message) == (
        "kasubbag", "Kasubbag", f"Tiket {number} dinilai 1 dari 5 oleh pemohonnya, Pegawai "
        "Biasa (atas nama Budi): Printer SIPP. Masih macet, tolong dibuka lagi")
    login(client, "kasubbag")
    centre = " ".join(client.get("/notifikasi/").get_data(True).split())
    # Whom to call back is named (the e-mail probe: the notice did not say who), and whom
    # the ticket served when its "Nama pemohon" is another (the regression probe).
    assert (f"Tiket {number} dinilai 1 dari 5 oleh pemohonnya, Pegawai Biasa (atas nama Budi): "
            "Printer SIPP. Masih macet, tolong dibuka lagi") in centre
    assert "<strong>Penilaian rendah</strong>" in centre and "Lihat tiket" in centre
    opened = client.get(re.search(r'href="(/notifikasi/\d+/buka)">Lihat tiket', centre)[1])
    assert opened.headers["Location"] == f"/tiket/{instance_id}"
    assert client.get(f"/tiket/{instance_id}").status_code == 200


def test_a_low_rating_by_the_one_it_served_names_him_once(app, client):
    add_employee(app)
    _rated(client, 2, "", requester=" pegawai  BIASA ")
    [(_, _, message)] = _notices(app)
    assert message.endswith("dinilai 2 dari 5 oleh pemohonnya, Pegawai Biasa: Printer SIPP.")
