"""Tiket Saya shows all of the requester's tickets, or those waiting for his answer, still
running, or ended (``tampil``): with many tickets, the one "menunggu Anda" was found only
by paging (found by the service desk probe)."""

from lxml import html

from tests.web.conftest import api_token, login
from tests.web.desk_helpers import add_employee
from tests.web.test_servicedesk_api import _start


def _numbers(client, shown: str) -> list[str]:
    page = client.get(f"/tiket/?tampil={shown}").get_data(True)
    return html.fromstring(page).xpath("//td[@data-label='Nomor']/a/text()")


def test_tiket_saya_shows_the_tickets_waiting_for_him_running_or_ended(app, client):
    add_employee(app)
    me, prakom = api_token(client, "pegawai"), api_token(client, "prakom")
    waiting, running, cancelled = (_start(client, me) for _ in range(3))
    assert client.post(f"/api/v1/tickets/{waiting}/messages", headers=prakom,
                       json={"text": "Merek printernya?", "asks": True}).status_code == 201
    assert client.post(f"/api/v1/instances/{cancelled}/cancel", headers=me,
                       json={"reason": "Sudah menyala"}).status_code == 200
    number = {i: client.get(f"/api/v1/tickets/{i}", headers=me).json["number"]
              for i in (waiting, running, cancelled)}
    login(client, "pegawai")
    assert _numbers(client, "semua") == [number[cancelled], number[running], number[waiting]]
    assert _numbers(client, "menunggu") == [number[waiting]]
    assert _numbers(client, "berjalan") == [number[running], number[waiting]]
    assert _numbers(client, "berakhir") == [number[cancelled]]
    page = client.get("/tiket/?tampil=menunggu").get_data(True)
    assert '<option value="menunggu" selected>Menunggu jawaban Anda</option>' in page
    refused = client.get("/tiket/?tampil=baru")
    assert refused.status_code == 400
    assert 'Tampilan &#34;baru&#34; tidak dikenal; pilih semua, menunggu, berjalan, berakhir.' in (
        refused.get_data(True))
    assert client.post(f"/api/v1/tickets/{waiting}/messages", headers=me,
                       json={"text": "Epson"}).status_code == 201
    assert "Tidak ada tiket yang menunggu jawaban Anda." in client.get(
        "/tiket/?tampil=menunggu").get_data(True), "answered: no longer waiting"
