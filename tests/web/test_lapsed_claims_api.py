"""Through the API and a real worker round: a step a Plh took is the official's again once
the Plh has run out (README, "Plh dan Plt")."""

from datetime import timedelta

from sqlalchemy import select

from engine.models import User
from tests.conftest import csrf_token
from tests.web.conftest import api_token, login
from web.cli.worker import run_round
from web.extensions import db

SERVER = "penanganan_gangguan_server"


def test_the_step_a_plh_took_returns_to_the_official_when_the_plh_runs_out(app, client, clock):
    prakom, sekretaris = api_token(client, "prakom"), api_token(client, "sekretaris")
    started = client.post("/api/v1/instances", headers=prakom,
                          json={"process_key": SERVER, "title": "Server SIPP mati"})
    task_id = started.json["open_tasks"][0]["id"]
    plh = client.post("/api/v1/substitutions", headers=prakom, json={
        "kind": "Plh", "official": "prakom", "substitute": "sekretaris", "role": "Prakom",
        "warrant_number": "ST-7/2026", "starts_at": clock.now().isoformat(),
        "ends_at": (clock.now() + timedelta(hours=2)).isoformat()})
    assert plh.status_code == 201, plh.json
    taken = client.post(f"/api/v1/tasks/{task_id}/claim", headers=sekretaris)
    assert (taken.status_code, taken.json["claimed_by"]) == (200, "sekretaris")

    clock.advance(timedelta(hours=2))
    held = client.post(f"/api/v1/tasks/{task_id}/claim", headers=prakom)
    assert (held.status_code, held.json["error"]["claimed_by"]) == (409, "sekretaris")
    run_round(app)
    unit = client.get("/api/v1/tasks?view=unit", headers=prakom)
    assert [task["id"] for task in unit.json] == [task_id]
    mine = client.post(f"/api/v1/tasks/{task_id}/claim", headers=prakom)
    assert (mine.status_code, mine.json["claimed_by"]) == (200, "prakom")
    login(client, "prakom")
    page = client.get(f"/proses/{started.json['id']}").get_data(True)
    assert ("Demo Sekretaris tidak lagi dapat bertindak dalam peran ini (masa Plh/Plt-nya "
            "berakhir, atau pejabatnya tidak lagi memegang peran itu)") in page


def test_the_history_says_why_a_step_went_back_to_its_unit(app, client, clock):
    """Ended early, or the holder's account disabled: Riwayat names that cause."""
    prakom, sekretaris = api_token(client, "prakom"), api_token(client, "sekretaris")
    started = client.post("/api/v1/instances", headers=prakom,
                          json={"process_key": SERVER, "title": "Server SIPP mati"}).json
    task_id = started["open_tasks"][0]["id"]
    plh = client.post("/api/v1/substitutions", headers=prakom, json={
        "kind": "Plh", "official": "prakom", "substitute": "sekretaris", "role": "Prakom",
        "warrant_number": "ST-7/2026", "starts_at": clock.now().isoformat(),
        "ends_at": (clock.now() + timedelta(hours=2)).isoformat()}).json
    client.post(f"/api/v1/tasks/{task_id}/claim", headers=sekretaris)
    client.post(f"/api/v1/substitutions/{plh['id']}/end", headers=prakom)
    client.post(f"/api/v1/tasks/{task_id}/claim", headers=prakom)
    with app.app_context():
        prakom_id = db.session.scalar(select(User.id).where(User.username == "prakom"))
    login(client, "admin")
    token = csrf_token(client.get("/admin/pengguna").get_data(True))
    client.post(f"/admin/pengguna/{prakom_id}/status", data={"csrf_token": token,
                                                              "disabled": "1"})
    page = client.get(f"/proses/{started['id']}").get_data(True)
    assert "— Plh/Plt Demo Sekretaris diakhiri lebih awal" in page
    assert "— akun Demo Prakom dinonaktifkan" in page
