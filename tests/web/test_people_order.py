"""Lists of people sort by name as people read it, whatever the case it was typed in:
"agus salim" before "Budi Utomo", not after every capitalised name."""

import re

from sqlalchemy import select

from engine.models import User, UserRole
from tests.web.conftest import api_token, login
from web.extensions import clock, db


def _add_prakom(app, username: str, full_name: str) -> None:
    with app.app_context():
        db.session.add(User(username=username, full_name=full_name, password_hash="-",
                            created_at=clock().now(), roles=[UserRole(role="Prakom")]))
        db.session.commit()


def _before(page: str, first: str, second: str) -> bool:
    return 0 <= page.index(first) < page.index(second)


def test_lowercase_names_sort_with_the_others_in_every_list_of_people(app, client):
    _add_prakom(app, "agus", "agus salim")
    _add_prakom(app, "budi", "Budi Utomo")
    started = client.post("/api/v1/instances", headers=api_token(client, "prakom"), json={
        "process_key": "penanganan_gangguan_server", "title": "Server mati"}).json
    login(client, "kasubbag")
    task = client.get(f"/tugas/{started['open_tasks'][0]['id']}").get_data(True)
    assign = task[task.index('name="assignee"'):]
    assert _before(assign, ">agus salim", ">Budi Utomo"), "Alihkan kepada"
    people = client.get("/laporan/orang").get_data(True)
    assert _before(people, ">agus salim<", ">Budi Utomo<"), "Kinerja per orang"
    login(client, "admin")
    plh = client.get("/plh/").get_data(True)
    official = plh[plh.index('name="official"'):plh.index("</select>", plh.index('name="official"'))]
    assert _before(official, ">agus salim", ">Budi Utomo"), "Plh/Plt: Pejabat"
    with app.app_context():
        assert db.session.scalar(select(User.full_name).where(User.username == "agus")) == \
            "agus salim", "stored as typed"
    assert re.search(r">agus salim", plh)
