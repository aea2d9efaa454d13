"""A notice about a step a Plh completed names him as he acted: the approval chain probe's
Sekretaris, back from leave, read "Sudah diselesaikan oleh Demo Kasubbag" on his own step
and could not tell why another had finished it."""

from datetime import timedelta

from tests.web.conftest import api_token, login
from tests.web.test_notification_centre import _items, _logout, late  # noqa: F401


def test_a_step_a_plh_completed_is_said_completed_by_plh(client, clock, late):  # noqa: F811
    now = clock.now()
    assert client.post("/api/v1/substitutions", headers=api_token(client, "admin"), json={
        "kind": "Plh", "official": "prakom", "substitute": "sekretaris", "role": "Prakom",
        "warrant_number": "ST-12/2026", "starts_at": now.isoformat(),
        "ends_at": (now + timedelta(days=10)).isoformat()}).status_code == 201
    done = client.post(f"/api/v1/tasks/{late}/complete",
                       headers=api_token(client, "sekretaris"), json={"data": {}})
    assert done.status_code == 200, done.json
    [item] = [item for item in _items(client.get("/notifikasi/").get_data(True))
              if "<strong>Pengingat</strong>" in item]  # the Prakom's reminder
    assert "Sudah diselesaikan oleh Plh. Prakom Demo Sekretaris · selesai, terlambat" in item
    _logout(client)
    login(client, "kasubbag")
    [item] = [item for item in _items(client.get("/notifikasi/").get_data(True))
              if "<strong>Eskalasi ke atasan</strong>" in item]
    assert "Sudah diselesaikan oleh Plh. Prakom Demo Sekretaris · selesai, terlambat" in item
