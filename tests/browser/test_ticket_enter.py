"""In Chromium on a phone against the real server: Enter (a phone keyboard's "Go") in a
field of Ajukan Tiket sends the ticket. It pressed the form's first button, "Tampilkan
formulirnya", which shows the form again and sends nothing, dropping the chosen photo
(found by the service desk probe)."""

import requests

from tests.browser.conftest import PASSWORD, login
from tests.browser.starting import TIMEOUT_MS


def _tickets(base: str) -> int:
    token = requests.post(f"{base}/api/v1/auth/token", timeout=10, json={
        "username": "redaktur", "password": PASSWORD}).json()["token"]
    return int(requests.get(f"{base}/api/v1/tickets", timeout=10, headers={
        "Authorization": f"Bearer {token}"}).headers["X-Total-Count"])


def test_enter_in_a_field_sends_the_ticket(server, phone):
    before = _tickets(server)
    login(phone, server, "redaktur")
    phone.goto(f"{server}/tiket/ajukan")
    phone.wait_for_load_state("load", timeout=TIMEOUT_MS)
    phone.locator("#tiket-unit").fill("Kepaniteraan Pidana")
    phone.locator("#tiket-uraian").fill("Printer di ruang sidang 2 tidak mencetak")
    phone.get_by_label("perangkat keras").check()
    phone.locator("#title").fill("Printer ruang sidang")
    phone.locator("#title").press("Enter")
    phone.wait_for_load_state("load", timeout=TIMEOUT_MS)
    assert "diterima." in phone.locator(".flash").first.inner_text()
    assert _tickets(server) == before + 1
