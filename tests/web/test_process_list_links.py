"""Each row of the process list leads where its reader may go: the process page, the ticket
he started at the front door, or, for a process he may no longer open, nowhere."""

from tests.conftest import START_DATA
from tests.web.conftest import api_token, login
from tests.web.desk_helpers import add_employee

DESK = "penanganan_permintaan_layanan_ti"


def _start(client, username: str, key: str, title: str, data: dict | None = None) -> int:
    started = client.post("/api/v1/instances", headers=api_token(client, username), json={
        "process_key": key, "title": title, "data": data or {}})
    assert started.status_code == 201, started.json
    return started.json["id"]


def test_a_process_its_starter_may_no_longer_open_is_listed_without_a_link(app, client):
    kept = _start(client, "prakom", "backup_database_sipp", "Backup Desember")
    result = app.test_cli_runner().invoke(args=["user", "roles", "prakom", "Redaktur"])
    assert result.exit_code == 0, result.output
    login(client, "prakom")
    assert client.get(f"/proses/{kept}").status_code == 403
    page = client.get("/proses/?cakupan=saya").get_data(True)
    assert "Backup Desember" in page and f'href="/proses/{kept}"' not in page
    assert '<td data-label="Nomor">BDS-2026-0001</td>' in page


def test_an_officials_own_ticket_and_his_units_process_each_lead_to_their_page(app, client):
    add_employee(app)
    ticket = _start(client, "pegawai", DESK, "Printer", START_DATA[DESK])
    login(client, "pegawai")
    assert f'href="/tiket/{ticket}"' in client.get("/proses/?cakupan=saya").get_data(True)
    own = _start(client, "prakom", "penanganan_gangguan_server", "Server B")
    login(client, "prakom")
    assert f'href="/proses/{own}"' in client.get("/proses/?cakupan=saya").get_data(True)


def test_a_process_page_refused_says_why(app, client):
    kept = _start(client, "prakom", "backup_database_sipp", "Backup Desember")
    login(client, "redaktur")
    refused = client.get(f"/proses/{kept}")
    assert refused.status_code == 403
    assert "Anda tidak memegang peran pada SOP ini" in refused.get_data(True)
