"""A form page that makes something new, sent twice — a second tap once ``once.js`` gave
up waiting on a slow intranet, a browser without JavaScript, two sendings at once — makes
it once and leads the second sending to what the first made (README, "Kotak Masuk dan
tugas")."""

import re
from collections import Counter

import pytest
import requests
from sqlalchemy import select

from engine.models import Comment, FormReceipt, ProcessInstance, TicketMessage
from engine.process import receipts
from tests.conftest import START_DATA, csrf_token
from tests.helpers.races import at_once
from tests.helpers.rows import app_count
from tests.helpers.servers import threaded_server
from tests.web.conftest import PASSWORD, login
from tests.web.desk_helpers import add_employee
from web.extensions import db

SERVER = "penanganan_gangguan_server"
LTI = "penanganan_permintaan_layanan_ti"
ONCE = re.compile(r'<input type="hidden" name="sekali" value="([0-9a-f]{32})">')


def _key(page: str) -> str:
    return ONCE.search(page).group(1)


def _twice(client, path: str, page: str, data: dict) -> tuple:
    form = {"csrf_token": csrf_token(page), "sekali": _key(page), **data}
    return client.post(path, data=form), client.post(path, data=form)


def test_mulai_proses_sent_twice_starts_one_process(app, client):
    login(client, "prakom")
    page = client.get(f"/proses/baru?process_key={SERVER}").get_data(True)
    first, second = _twice(client, "/proses/baru", page, {"process_key": SERVER,
                                                          "title": "Server mati"})
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert app_count(app, ProcessInstance) == 1
    told = client.get(second.headers["Location"]).get_data(True)
    assert "Formulir ini sudah terkirim sebelumnya; tidak dikirim dua kali." in told
    again = client.get(f"/proses/baru?process_key={SERVER}").get_data(True)
    assert _key(again) != _key(page), "each page its own key"
    assert client.post("/proses/baru", data={
        "csrf_token": csrf_token(again), "sekali": _key(again), "process_key": SERVER,
        "title": "Server mati lagi"}).status_code == 302
    assert app_count(app, ProcessInstance) == 2


def test_a_refused_sending_keeps_its_key_free_for_the_corrected_one(app, client):
    """The page shown again carries the same key: the first page, reached again with
    Back and sent, is the same page and makes nothing more."""
    login(client, "prakom")
    page = client.get(f"/proses/baru?process_key={SERVER}").get_data(True)
    form = {"csrf_token": csrf_token(page), "sekali": _key(page), "process_key": SERVER}
    refused = client.post("/proses/baru", data={**form, "title": " "})
    assert refused.status_code == 422 and _key(refused.get_data(True)) == _key(page)
    assert app_count(app, FormReceipt) == 0
    assert client.post("/proses/baru", data={**form, "title": "Server mati"}).status_code == 302
    assert client.post("/proses/baru", data={**form, "title": "Server mati (Back)"}
                       ).status_code == 302
    assert app_count(app, ProcessInstance) == 1


def test_ajukan_tiket_a_ticket_message_and_a_comment_sent_twice_are_kept_once(app, client):
    add_employee(app)
    login(client, "pegawai")
    page = client.get("/tiket/ajukan").get_data(True)
    first, second = _twice(client, "/tiket/ajukan", page, {
        "process_key": LTI, "title": "Printer", **START_DATA[LTI]})
    assert (first.status_code, second.headers["Location"]) == (302, first.headers["Location"])
    assert app_count(app, ProcessInstance) == 1
    ticket = first.headers["Location"]
    shown = client.get(ticket).get_data(True)
    first, second = _twice(client, f"{ticket}/pesan", shown, {"text": "Epson L3110"})
    assert (first.status_code, second.headers["Location"]) == (302, first.headers["Location"])
    assert app_count(app, TicketMessage) == 1
    with app.app_context():
        instance_id = db.session.scalar(select(ProcessInstance.id))
    login(client, "prakom")
    shown = client.get(f"/proses/{instance_id}").get_data(True)
    first, second = _twice(client, f"/proses/{instance_id}/komentar", shown,
                           {"komentar": "Sudah dicek"})
    assert (first.status_code, second.headers["Location"]) == (302, first.headers["Location"])
    assert app_count(app, Comment) == 1


def test_without_a_key_the_form_works_as_before(app, client):
    """A page of an older Alur, or a hand-made post: no receipt, nothing refused."""
    login(client, "prakom")
    page = client.get(f"/proses/baru?process_key={SERVER}").get_data(True)
    for key in ("", "bukan-kunci"):
        assert client.post("/proses/baru", data={
            "csrf_token": csrf_token(page), "sekali": key, "process_key": SERVER,
            "title": "Server mati"}).status_code == 302
    assert app_count(app, ProcessInstance) == 2
    assert app_count(app, FormReceipt) == 0


def test_a_day_old_receipt_is_forgotten_as_the_next_is_recorded(app, client, clock):
    login(client, "prakom")
    page = client.get(f"/proses/baru?process_key={SERVER}").get_data(True)
    client.post("/proses/baru", data={"csrf_token": csrf_token(page), "sekali": _key(page),
                                      "process_key": SERVER, "title": "Server mati"})
    clock.advance(receipts.KEPT)
    login(client, "prakom")
    page = client.get(f"/proses/baru?process_key={SERVER}").get_data(True)
    client.post("/proses/baru", data={"csrf_token": csrf_token(page), "sekali": _key(page),
                                      "process_key": SERVER, "title": "Server mati lagi"})
    assert app_count(app, FormReceipt) == 1, "the table holds a day of each user's pages"


def test_eight_sendings_at_once_start_one_process(app):
    with threaded_server(app) as base:
        browser = requests.Session()
        page = browser.get(f"{base}/masuk", timeout=30).text
        browser.post(f"{base}/masuk", timeout=30, data={
            "csrf_token": csrf_token(page), "username": "prakom", "password": PASSWORD})
        page = browser.get(f"{base}/proses/baru?process_key={SERVER}", timeout=30).text
        form = {"csrf_token": csrf_token(page), "sekali": _key(page), "process_key": SERVER,
                "title": "Server mati"}
        answers = at_once([lambda: browser.post(f"{base}/proses/baru", data=form, timeout=60,
                                                allow_redirects=False)] * 8)
    assert Counter(a.status_code for a in answers) == {302: 8}
    assert len({a.headers["Location"] for a in answers}) == 1, "all led to the one process"
    assert app_count(app, ProcessInstance) == 1


@pytest.mark.parametrize("key", ["", "x" * 32, "A" * 32])
def test_only_keys_of_new_key_are_recorded(session, clock, users, key):
    assert receipts.claim(session, clock, users["Prakom"], key) is None
    assert receipts.KEY.fullmatch(receipts.new_key())
