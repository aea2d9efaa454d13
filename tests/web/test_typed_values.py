"""Case data as officials type it on a step's page: a date-time is a moment of the
office's zone (it stays the same moment when Pengaturan changes the zone); a value sent
beside an empty one of the same name is kept; amounts, dates and date-times that cannot be
read are refused with what to type instead."""

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from engine import settings
from engine.models import ProcessInstance
from tests.conftest import csrf_token
from tests.web.conftest import api_token, login
from tests.web.test_form_upload import SCHEMA, _files, _post
from web.extensions import db

RAPAT = {**SCHEMA, "properties": {**SCHEMA["properties"], "rapat": {
    "type": "string", "format": "date-time", "title": "Jadwal rapat"}}}


@pytest.fixture
def task(client) -> int:
    assert _post(client, _files(RAPAT)).status_code == 201
    started = client.post("/api/v1/instances", headers=api_token(client, "prakom"), json={
        "process_key": "sop_uji", "title": "Konsep", "data": {"unit": "PTIP"}})
    return started.json["open_tasks"][0]["id"]


def _send(client, task: int, fields: list[tuple[str, str]]):
    login(client, "prakom")
    token = csrf_token(client.get(f"/tugas/{task}").get_data(True))
    return client.post(f"/tugas/{task}", data=MultiDict([("csrf_token", token), *fields]))


def _stored(app) -> dict:
    with app.app_context():
        return db.session.scalar(select(ProcessInstance.data))


def test_a_date_time_typed_on_the_page_stays_its_moment_when_the_office_zone_changes(
        app, client, task):
    done = _send(client, task, [("judul_konsep", "Konsep"), ("rapat", "2026-12-03T09:00")])
    assert done.status_code == 302
    assert _stored(app)["rapat"] == "2026-12-03T09:00:00+07:00"
    with app.app_context():
        settings.put(db.session, "calendar", {**settings.get(db.session, "calendar"),
                                              "timezone": "Asia/Jayapura"})
        db.session.commit()
    page = client.get("/proses/1").get_data(True)
    assert "3 Des 2026 11.00 WIT" in page and "3 Des 2026 09.00 WIT" not in page


@pytest.mark.parametrize("fields", [
    [("judul_konsep", ""), ("judul_konsep", "Konsep kedua")],
    [("judul_konsep", "Konsep kedua"), ("judul_konsep", "  ")],
])
def test_a_value_beside_an_empty_one_of_the_same_name_is_kept(app, client, task, fields):
    assert _send(client, task, fields).status_code == 302
    assert _stored(app)["judul_konsep"] == "Konsep kedua"


@pytest.mark.parametrize(("typed", "message"), [
    ("Rp 1.500.000", '"Jumlah halaman" Rp 1.500.000: tulis angkanya saja, tanpa Rp, spasi dan '
                     "tanda ribuan (mis. 1500000 atau 1500000,50)"),
    ("rp1500000,-", '"Jumlah halaman" rp1500000,-: tulis angkanya saja'),
    ("1.500.000,-", '"Jumlah halaman" 1.500.000,-: tulis angkanya saja'),
    ("1 500 000", '"Jumlah halaman" 1 500 000: tulis angkanya saja'),
    ("1,500,000", '"Jumlah halaman" 1,500,000: tulis angkanya saja'),
    ("1,5 juta", '"Jumlah halaman" harus berupa bilangan bulat'),
    ("--5", '"Jumlah halaman" harus berupa bilangan bulat'),
    ("1..5", '"Jumlah halaman" harus berupa bilangan bulat'),
    ("1.500.000,50", '"Jumlah halaman" 1.500.000,50 dapat dibaca 1500000,50; tulis tanpa '
                     "titik ribuan (mis. 1500000,50)"),
])
def test_an_amount_written_as_indonesians_write_it_is_refused_with_what_to_type(
        app, client, task, typed, message):
    refused = _send(client, task, [("judul_konsep", "Konsep"), ("halaman", typed)])
    assert refused.status_code == 422
    assert message in refused.get_data(True).replace("&#34;", '"')
    assert "judul_konsep" not in _stored(app)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("tanggal", "2026-02-30", '"Tanggal konsep": tanggal 2026-02-30 tidak ada di kalender'),
    ("rapat", "2026-02-30T09:00", '"Jadwal rapat": tanggal 2026-02-30 tidak ada di kalender'),
    ("rapat", "2026-12-06 09:30",
     '"Jadwal rapat" harus tanggal dan jam (TTTT-BB-HHTJJ:MM, mis. 2026-12-06T09:30)'),
])
def test_a_date_the_calendar_lacks_or_a_date_time_without_t_says_so(client, task, field,
                                                                   value, message):
    refused = client.post(f"/api/v1/tasks/{task}/complete", headers=api_token(client, "prakom"),
                          json={"data": {"judul_konsep": "Konsep", field: value}})
    assert refused.status_code == 422
    assert refused.json["error"]["fields"] == {field: message}


def test_number_and_date_time_fields_say_how_to_type_them_in_the_office_zone(app, client,
                                                                            task):
    with app.app_context():
        settings.put(db.session, "calendar", {**settings.get(db.session, "calendar"),
                                              "timezone": "Asia/Jayapura"})
        db.session.commit()
    login(client, "prakom")
    page = client.get(f"/tugas/{task}").get_data(True)
    assert ('<p class="hint" id="d-halaman-typing">Angka saja, tanpa Rp dan titik ribuan; '
            "desimal dengan koma (mis. 1500000,50).</p>") in page
    assert ('<p class="hint" id="d-rapat-typing">Tanggal dan jam menurut waktu kantor '
            "(WIT).</p>") in page
    assert 'aria-describedby="d-rapat-typing"' in page
    login(client, "admin")
    assert "Mulai dan Berakhir menurut waktu kantor (WIT)." in client.get("/plh/").get_data(True)


def test_a_refused_date_stays_on_the_page_as_typed(client, task):
    """A date input cannot show "2026-02-30": the refused field is a text one, so the
    official sees what he typed beside why it was refused."""
    refused = _send(client, task, [("judul_konsep", "Konsep"), ("tanggal", "2026-02-30"),
                                   ("rapat", "2026-12-06T09:30")]).get_data(True)
    assert '<input id="d-tanggal" name="tanggal" type="text" ' in refused
    assert 'value="2026-02-30"' in refused
    assert '<input id="d-rapat" name="rapat" type="datetime-local" ' in refused, \
        "a field not refused keeps its picker"
