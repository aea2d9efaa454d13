"""A supervisor who opens a step escalated to him reads, on the step itself, that it was
escalated to him, in which capacity and what is asked of him (before, only the e-mail
said so; found by the Sekretaris-month probe). The performer, reminded at level 1, reads
no such line, and a done step none."""

from datetime import timedelta

from engine.models import User, UserRole
from tests.web.conftest import PASSWORD, api_token, login
from tests.web.test_notification_centre import _start, late  # noqa: F401 - late: the fixture
from web.cli.worker import fire_once
from web.extensions import db
from web.views.auth import hash_password

ESCALATED = ("<strong>Langkah ini dieskalasikan kepada Anda sebagai Kasubbag (tingkat 2), 23 "
             "Nov 2026 10.00 WIB, karena melewati batas waktu.</strong>")
# The only Prakom holds it: nothing to assign it to (the supervisor probe: he was asked to
# assign it to "another holder" that did not exist).
ASKED = ("Yang diminta: tanyakan kendalanya kepada pemegangnya, Demo Prakom; tidak ada pemegang "
         "peran Prakom lain yang dapat menerimanya.")


def test_the_supervisor_reads_what_is_asked_of_him_on_the_step(client, late):  # noqa: F811
    login(client, "kasubbag")
    page = client.get(f"/tugas/{late}").get_data(True)
    assert ESCALATED in page and ASKED in page
    login(client, "prakom")
    assert "dieskalasikan kepada Anda" not in client.get(f"/tugas/{late}").get_data(True)
    done = client.post(f"/api/v1/tasks/{late}/complete", headers=api_token(client, "prakom"),
                       json={"data": {}})
    assert done.status_code == 200, done.json
    login(client, "kasubbag")
    assert "dieskalasikan kepada Anda" not in client.get(f"/tugas/{late}").get_data(True)


def test_an_unclaimed_escalated_step_asks_for_it_to_be_assigned(app, client, clock):
    login(client, "prakom")
    _start(client, "Server mati")
    clock.advance(timedelta(hours=2))
    assert fire_once(app) == 1 and fire_once(app) == 1
    [task] = client.get("/api/v1/tasks", headers=api_token(client, "prakom")).json
    login(client, "kasubbag")
    page = client.get(f"/tugas/{task['id']}").get_data(True)
    assert ("Yang diminta: langkah ini belum diambil siapa pun; alihkan kepada salah satu "
            "pemegang perannya (Alihkan, di bawah), atau minta unitnya segera mengambilnya."
            ) in page
    assert "tanyakan kendalanya kepada pemegangnya" not in page


def test_with_another_holder_the_supervisor_may_assign_and_higher_up_asks_him(
        app, client, clock, late):  # noqa: F811
    with app.app_context():
        second = User(username="prakom2", full_name="Prakom Kedua", created_at=clock.now(),
                      roles=[UserRole(role="Prakom")])
        second.password_hash = hash_password(PASSWORD)
        db.session.add(second)
        db.session.commit()
    login(client, "kasubbag")
    assert ("Yang diminta: tanyakan kendalanya kepada pemegangnya, Demo Prakom, atau alihkan "
            "langkah ini kepada pemegang peran Prakom lain (Alihkan, di bawah).") in client.get(
        f"/tugas/{late}").get_data(True)
    for _ in range(8):  # on to the Sekretaris (level 3), who may not assign a Prakom step
        clock.advance(timedelta(hours=4))
        fire_once(app)
    login(client, "sekretaris")
    page = client.get(f"/tugas/{late}").get_data(True)
    assert "sebagai Sekretaris (tingkat 3)" in page
    assert ("Yang diminta: tanyakan kendalanya kepada pemegangnya, Demo Prakom, atau minta "
            "Kasubbag mengalihkannya kepada pemegang peran Prakom lain.") in page
