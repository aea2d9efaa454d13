"""The pages and the API give the same answer to "may this user see it" (one policy)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.models import HumanTask, Notification, User
from engine.people.substitution import record
from engine.process.instances import start_instance
from tests.web.conftest import api_token, login
from web.cli.worker import fire_once
from web.extensions import db

USERS = ("prakom", "kasubbag", "sekretaris", "ketua", "panitera", "redaktur", "admin")


@pytest.fixture
def case(app, clock):
    """A server-fault instance at its first (Prakom) step, and redaktur as Plh. Kasubbag."""
    with app.app_context():
        by_name = {u.username: u for u in db.session.scalars(select(User))}
        instance = start_instance(db.session, clock, process_key="penanganan_gangguan_server",
                                  title="Server SIPP mati", user=by_name["prakom"])
        record(db.session, clock, kind="Plh", official=by_name["kasubbag"],
               substitute=by_name["redaktur"], role="Kasubbag",
               warrant_number="W8-U1/3/KP.04/XI/2026", starts_at=clock.now(),
               ends_at=clock.now() + timedelta(days=2), created_by=by_name["admin"])
        task_id = db.session.scalars(select(HumanTask.id).where(
            HumanTask.instance_id == instance.id)).first()
        db.session.commit()
        return instance.id, task_id


@pytest.mark.parametrize("username", USERS)
def test_pages_and_api_agree_on_instance_and_task(app, case, username):
    instance_id, task_id = case
    browser = app.test_client()
    login(browser, username)
    headers = api_token(app.test_client(), username)
    api = app.test_client()
    answers = {
        "instance": (browser.get(f"/proses/{instance_id}").status_code,
                     api.get(f"/api/v1/instances/{instance_id}", headers=headers).status_code),
        "task": (browser.get(f"/tugas/{task_id}").status_code,
                 api.get(f"/api/v1/tasks/{task_id}", headers=headers).status_code),
    }
    for page, from_api in answers.values():
        assert page == from_api
        assert page in (200, 403)
    # Ketua is above the SOP's lanes (its steps escalate to him); Panitera is not.
    expected = 403 if username == "panitera" else 200
    assert answers["instance"][0] == expected


def test_a_plh_kasubbag_sees_the_instance_in_the_api_as_on_the_page(app, case):
    instance_id, _ = case
    browser = app.test_client()
    login(browser, "redaktur")
    page = browser.get(f"/proses/{instance_id}")
    response = app.test_client().get(f"/api/v1/instances/{instance_id}",
                                      headers=api_token(app.test_client(), "redaktur"))
    assert (page.status_code, response.status_code) == (200, 200)
    assert response.json["title"] == "Server SIPP mati"
    assert "Server SIPP mati" in page.get_data(as_text=True)


def test_whoever_a_late_step_escalates_to_may_open_it(app, client, clock):
    """Backup Database SIPP has a Prakom lane only: level 3 tells the Sekretaris, two steps
    up the line of supervision, who must be able to open the step he is told of."""
    with app.app_context():
        prakom = db.session.scalar(select(User).where(User.username == "prakom"))
        instance = start_instance(db.session, clock, process_key="backup_database_sipp",
                                  title="Backup mingguan", user=prakom)
        db.session.commit()
        instance_id = instance.id
    for _ in range(4):  # each level is scheduled when the one before fires
        clock.advance(timedelta(days=40))
        fire_once(app)
    with app.app_context():
        told = db.session.scalars(select(Notification).join(User).where(
            Notification.instance_id == instance_id, User.username == "sekretaris")).all()
        assert told, "level 3 reached the Sekretaris"
        opened = [n.id for n in told]
    login(client, "sekretaris")
    step = client.get(f"/notifikasi/{opened[0]}/buka")
    assert step.status_code == 302
    assert client.get(step.headers["Location"]).status_code == 200
    assert client.get(f"/proses/{instance_id}").status_code == 200
    panitera = app.test_client()
    login(panitera, "panitera")
    assert panitera.get(f"/proses/{instance_id}").status_code == 403
