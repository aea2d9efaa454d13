"""A step opened after it was done (from an old e-mail or notice) says at its top that
nothing is left to do there, and by whom and when it was done."""

from tests.conftest import csrf_token
from tests.web.conftest import api_token, login

SERVER = "penanganan_gangguan_server"


def test_a_done_step_says_so_at_its_top(client):
    prakom = api_token(client, "prakom")
    started = client.post("/api/v1/instances", headers=prakom, json={
        "process_key": SERVER, "title": "Server mati"}).json
    task_id = started["open_tasks"][0]["id"]
    assert client.post(f"/api/v1/tasks/{task_id}/complete", headers=prakom,
                       json={"data": {}}).status_code == 200
    login(client, "kasubbag")
    page = client.get(f"/tugas/{task_id}").get_data(True)
    assert ('<p class="flash" role="note">Langkah ini sudah diselesaikan oleh Demo Prakom, '
            "23 Nov 2026 08.00 WIB: tidak ada lagi yang perlu dikerjakan di sini.</p>") in page
    token = csrf_token(client.get("/akun/").get_data(True))
    client.post("/akun/", data={"email": "", "language": "en", "csrf_token": token})
    assert ("This step was already completed by Demo Prakom, 23 Nov 2026 08:00 WIB: nothing "
            "is left to do here.") in client.get(f"/tugas/{task_id}").get_data(True)


def test_a_cancelled_step_says_so_at_its_top(client):
    prakom = api_token(client, "prakom")
    started = client.post("/api/v1/instances", headers=prakom, json={
        "process_key": SERVER, "title": "Server mati"}).json
    assert client.post(f"/api/v1/instances/{started['id']}/cancel", headers=prakom,
                       json={"reason": "Salah ketik"}).status_code == 200
    login(client, "prakom")
    page = client.get(f"/tugas/{started['open_tasks'][0]['id']}").get_data(True)
    assert ('<p class="flash" role="note">Langkah ini dibatalkan bersama prosesnya oleh Demo '
            "Prakom, 23 Nov 2026 08.00 WIB: tidak ada lagi yang perlu dikerjakan di sini. "
            'Alasan: <span class="teks">Salah ketik</span></p>') in page
