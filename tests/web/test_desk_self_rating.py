"""The satisfaction index measures the desk's service: a ticket is not rated by the desk
that received it (one who holds the receiving lane's role, e.g. a Prakom who typed it in
for a caller, or handled his own request), while a Ketua who asked for help and approved
it as Ketua rates it like any requester."""

import re

from sqlalchemy import func, select

from engine.models import Rating
from tests.conftest import START_DATA
from tests.web.conftest import api_token, login
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
