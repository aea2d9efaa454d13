"""Where a ticket's views stop: the requester's list shows what he submitted."""

from engine.roles import username_for
from tests.conftest import START_DATA
from tests.web.conftest import api_token, login
from tests.web.desk_helpers import add_employee
from tests.web.test_servicedesk_api import LTI, _start


def test_the_requesters_list_shows_his_proposal_not_the_triages_priority(app, client):
    add_employee(app)
    me, admin = api_token(client, "pegawai"), api_token(client, "admin")
    instance_id = _start(client, me, data={**START_DATA[LTI], "prioritas": "minor"})
    for _ in range(8):
        [task] = client.get(f"/api/v1/instances/{instance_id}", headers=admin).json["open_tasks"]
        triage = task["name"].startswith("Menentukan")
        client.post(f"/api/v1/tasks/{task['id']}/complete",
                    headers=api_token(client, username_for(task["role"])),
                    json={"data": {"prioritas": "kritis"} if triage else {}})
        if triage:
            break
    [row] = client.get("/api/v1/instances?scope=mine", headers=me).json["items"]
    assert row["data"] == {**START_DATA[LTI], "prioritas": "minor"}
    login(client, "pegawai")
    with client.get("/proses/?format=csv") as export:
        assert "minor" in export.get_data(True) and "kritis" not in export.get_data(True)
    staff = client.get(f"/api/v1/instances/{instance_id}", headers=admin).json
    assert staff["data"]["prioritas"] == "kritis"
