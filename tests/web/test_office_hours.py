"""The office's own weekly hours (Pengaturan, Kalender kerja): written as an official
writes them, counted in every deadline from then on, refused line by line when they
cannot be read; Perpres 21/2023's unless the office says otherwise (README, "Waktu
kerja")."""

from datetime import datetime

import pytest

from engine import settings
from tests.conftest import WIB
from tests.web.conftest import login
from tests.web.test_settings import FORM, _post
from web.extensions import db

PERPRES = "Senin–Kamis 07.30–12.00, 13.00–16.00\nJumat 07.30–11.30, 13.00–16.30"
COURT = "Senin - Jumat 08.00-12.00, 13.00-16.30\nsabtu 08.00–10.00, 10.00–12.00"


def _calendar(app):
    with app.app_context():
        return settings.get(db.session, "calendar"), settings.work_calendar(db.session)


def test_the_page_shows_perpres_hours_and_saving_them_unchanged_stores_nothing(app, client):
    login(client, "admin")
    page = client.get("/admin/pengaturan").get_data(True)
    assert f'aria-describedby="hours-hint" >{PERPRES}</textarea>' in page
    assert _post(client, {**FORM, "hours": PERPRES}).status_code == 302
    stored, _ = _calendar(app)
    assert "hours" not in stored
    assert "jam kerja" not in client.get("/admin/pengaturan").get_data(True).split(
        'id="h-riwayat"')[1]


def test_the_offices_own_hours_count_in_deadlines_and_are_shown_as_written(app, client):
    login(client, "admin")
    assert _post(client, {**FORM, "timezone": "Asia/Jakarta", "hours": COURT}).status_code == 302
    stored, calendar = _calendar(app)
    assert stored["hours"] == {str(day): [["08:00", "12:00"], ["13:00", "16:30"]]
                               for day in range(5)} | {"5": [["08:00", "12:00"]]}
    monday = datetime(2026, 11, 23, 7, 45, tzinfo=WIB)
    assert calendar.deadline(monday, "PT1H") == datetime(2026, 11, 23, 9, 0, tzinfo=WIB)
    saturday = datetime(2026, 11, 28, 11, 30, tzinfo=WIB)
    assert calendar.deadline(saturday, "PT1H") == datetime(2026, 11, 30, 8, 30, tzinfo=WIB)
    page = client.get("/admin/pengaturan").get_data(True)
    assert ("Senin–Jumat 08.00–12.00, 13.00–16.30\nSabtu 08.00–12.00</textarea>") in page
    history = " ".join(page.split('id="h-riwayat"')[1].split())
    assert ("Kalender kerja · jam kerja: Senin–Kamis 07.30–12.00, 13.00–16.00; Jumat "
            "07.30–11.30, 13.00–16.30 → Senin–Jumat 08.00–12.00, 13.00–16.30; Sabtu "
            "08.00–12.00") in history
    assert _post(client, {**FORM, "timezone": "Asia/Jakarta", "hours": ""}).status_code == 302
    stored, calendar = _calendar(app)
    assert "hours" not in stored  # emptied: Perpres 21/2023 again
    assert calendar.deadline(monday, "PT1H") == datetime(2026, 11, 23, 8, 45, tzinfo=WIB)


@pytest.mark.parametrize(("hours", "message"), [
    ("Senen 08.00–12.00", "Baris 1: awali dengan hari atau rentang hari (Senin … Minggu, mis. "
                          "Senin–Kamis), lalu jamnya, mis. 07.30–12.00, 13.00–16.00."),
    ("Jumat–Senin 08.00–12.00", "Baris 1: rentang hari Jumat–Senin terbalik; tulis dari hari "
                                "pertama ke hari terakhir dalam satu minggu (Senin … Minggu), "
                                "mis. Senin–Jumat."),
    ("Senin 08.00–12.00,", "Baris 1: ada rentang jam yang kosong (koma berlebih?); tulis mis. "
                           "07.30–12.00, 13.00–16.00."),
    ("Senin 08.00–12.00\n\nSenin–Selasa 13.00–14.00",
     "Baris 3: Senin sudah ditulis di baris lain."),
    ("Senin 12.00–08.00", "Baris 1: rentang jam harus berurutan dari pagi ke sore"),
    ("Senin 08.00–12.00, 11.00–16.00", "Baris 1: rentang jam harus berurutan"),
    ("Senin 08.00–25.00", "Baris 1: &#34;08.00–25.00&#34;: jam 00.00–23.59."),
    ("Senin jam delapan", "Baris 1: &#34;jam delapan&#34; bukan rentang jam; tulis mis. "
                          "07.30–12.00."),
    ("Senin " + ", ".join(["08.00–08.10"] * 5), "Baris 1: paling banyak 4 rentang jam sehari."),
    ("Senin 08.00–12.00\n" * 200, "Jam kerja paling banyak 1.000 karakter."),
])
def test_hours_that_cannot_be_read_are_refused_by_line_and_nothing_is_stored(
        app, client, hours, message):
    login(client, "admin")
    before = _calendar(app)[0]
    refused = _post(client, {**FORM, "hours": hours})
    assert refused.status_code == 422
    assert f'id="hours-error">{message}' in refused.get_data(True)
    assert _calendar(app)[0] == before


def test_a_zone_change_is_explained_before_and_named_as_the_page_names_it_after(app, client):
    login(client, "admin")
    page = client.get("/admin/pengaturan").get_data(True)
    assert 'aria-describedby="timezone-hint"' in page
    assert "kembali ke zona semula tidak membatalkannya" in page
    assert _post(client, {**FORM, "timezone": "Asia/Jayapura"}).status_code == 302
    history = " ".join(client.get("/admin/pengaturan").get_data(True).split(
        'id="h-riwayat"')[1].split())
    assert "Kalender kerja · zona waktu: WIB (Asia/Jakarta) → WIT (Asia/Jayapura)" in history


def test_english_day_names_are_read_and_written_back_in_indonesian(app, client):
    """The English admin probe: "Monday-Thursday 08.00-12.00" was refused; the hint names
    the days in Indonesian, but an English reader writes his own."""
    login(client, "admin")
    assert _post(client, {**FORM, "timezone": "Asia/Jakarta", "hours":
                          "Monday - Friday 08.00-12.00, 13.00-16.30\nSATURDAY 08.00-12.00"}
                 ).status_code == 302
    assert _calendar(app)[0]["hours"] == {str(day): [["08:00", "12:00"], ["13:00", "16:30"]]
                                          for day in range(5)} | {"5": [["08:00", "12:00"]]}
    assert ("Senin–Jumat 08.00–12.00, 13.00–16.30\nSabtu 08.00–12.00</textarea>"
            in client.get("/admin/pengaturan").get_data(True))
