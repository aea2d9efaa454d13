"""The office's time zone (settings page) is the one every page shows and reads."""

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from engine import settings
from engine.models import Substitution, User
from tests.conftest import csrf_token
from tests.web.conftest import api_token, login
from web.extensions import db

WITA = ZoneInfo("Asia/Makassar")


def _office_in_wita(app) -> None:
    with app.app_context():
        settings.put(db.session, "calendar", {**settings.get(db.session, "calendar"),
                                              "timezone": "Asia/Makassar"})
        db.session.commit()


def test_a_wita_office_sees_wita_times_on_inbox_task_and_instance_pages(app, client):
    _office_in_wita(app)
    # Monday 08.00 WIB = 09.00 WITA: within the WITA office day.
    started = client.post("/api/v1/instances", headers=api_token(client, "prakom"), json={
        "process_key": "penanganan_gangguan_server", "title": "Server mati", "data": {}}).json
    task_id = started["open_tasks"][0]["id"]
    login(client, "prakom")
    pages = {"inbox": client.get("/").get_data(True),
             "task": client.get(f"/tugas/{task_id}").get_data(True),
             "instance": client.get(f"/proses/{started['id']}").get_data(True)}
    for name, page in pages.items():
        assert "WITA" in page, name
        assert "WIB" not in page, name
    assert "23 Nov 2026 09.00 WITA" in pages["instance"], "the start, in WITA"


def test_plh_dates_are_read_in_the_office_time_zone(app, client):
    _office_in_wita(app)
    with app.app_context():
        ids = {u.username: u.id for u in db.session.scalars(select(User))}
    login(client, "admin")
    token = csrf_token(client.get("/plh/").get_data(True))
    response = client.post("/plh/", data={
        "csrf_token": token, "kind": "Plh", "official": ids["prakom"], "role": "Prakom",
        "substitute": ids["kasubbag"], "warrant_number": "W8-U1/98/KP/XI/2026",
        "starts_at": "2026-11-23T07:30", "ends_at": "2026-11-25T16:00"})
    assert response.status_code == 302
    with app.app_context():
        substitution = db.session.scalars(select(Substitution)).one()
        assert substitution.starts_at == datetime(2026, 11, 23, 7, 30, tzinfo=WITA)
        assert substitution.ends_at == datetime(2026, 11, 25, 16, 0, tzinfo=WITA)


def test_setup_seeds_the_initial_time_zone_only_once(app):
    with app.app_context():
        settings.seed_timezone(db.session, "Asia/Jayapura")
        db.session.commit()
        assert settings.work_calendar(db.session).timezone == "Asia/Jayapura"
        settings.seed_timezone(db.session, "Asia/Makassar")
        db.session.commit()
        assert settings.work_calendar(db.session).timezone == "Asia/Jayapura", "kept"
