"""A Plh/Plt counts only while its substitute holds a role: one who lost every role gets
nothing of the official's (inbox, claim, escalations); while it counts, the substitute
gets the official's "tugas baru" notices and may be given the official's steps (Alihkan).
README "Plh dan Plt"."""

import re
from datetime import timedelta

from sqlalchemy import select

from engine.models import HumanTask, Notification, User
from engine.people import accounts
from engine.process.deploy import deploy
from engine.process.instances import start_instance
from engine.process.tasks import complete_task
from tests.conftest import mini_bpmn
from tests.web.conftest import PASSWORD, api_token, login
from web.cli.worker import run_round
from web.extensions import db


def _add_gita(app) -> None:
    result = app.test_cli_runner().invoke(args=[
        "user", "add", "gita", "--name", "Gita Prakom", "--role", "Prakom",
        "--password", PASSWORD])
    assert result.exit_code == 0, result.output


def _users() -> dict[str, User]:
    return {user.username: user for user in db.session.scalars(select(User))}


def _step(app, clock, role: str = "Kasubbag") -> int:
    """The test SOP, its second lane named ``role``, started by the Prakom and waiting at
    that lane's step: the step's id."""
    with app.app_context():
        deploy(db.session, clock, mini_bpmn({'name="Kasubbag"': f'name="{role}"'}))
        prakom = _users()["prakom"]
        instance = start_instance(db.session, clock, process_key="sop_uji", title="Konsep",
                                  user=prakom)
        first = db.session.scalar(select(HumanTask.id).where(
            HumanTask.instance_id == instance.id))
        complete_task(db.session, clock, first, prakom, {"catatan": "siap"})
        db.session.commit()
        return db.session.scalar(select(HumanTask.id).where(
            HumanTask.instance_id == instance.id, HumanTask.state == "open"))


def _substitution(client, clock, official: str, substitute: str, role: str,
                  kind: str = "Plh") -> None:
    now = clock.now()
    recorded = client.post("/api/v1/substitutions", headers=api_token(client, "admin"), json={
        "kind": kind, "official": official, "substitute": substitute, "role": role,
        "warrant_number": "ST-12/2026", "starts_at": now.isoformat(),
        "ends_at": (now + timedelta(days=10)).isoformat()})
    assert recorded.status_code == 201, recorded.json


def _notified(app, username: str, kind: str, role: str | None = None) -> int:
    with app.app_context():
        return len(db.session.scalars(select(Notification).join(User).where(
            User.username == username, Notification.kind == kind,
            Notification.role == (role or Notification.role))).all())


def test_a_substitute_who_lost_every_role_no_longer_acts_as_plh(app, client, clock):
    _add_gita(app)
    task_id = _step(app, clock)
    _substitution(client, clock, "kasubbag", "gita", "Kasubbag")
    gita = api_token(client, "gita")
    assert task_id in [task["id"] for task in client.get("/api/v1/tasks", headers=gita).json]
    taken = client.post(f"/api/v1/tasks/{task_id}/claim", headers=gita)
    assert (taken.status_code, taken.json["claimed_by"]) == (200, "gita")

    assert app.test_cli_runner().invoke(
        args=["user", "roles", "gita", "--tanpa-peran"]).exit_code == 0
    with app.app_context():
        assert db.session.get(HumanTask, task_id).claimed_by_id is None, "released at once"
    gita = api_token(client, "gita")
    assert client.get("/api/v1/tasks", headers=gita).json == []
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=gita).status_code == 403
    with app.app_context():  # its Prakom step escalates to the Kasubbag at 2x 30 minutes
        prakom = _users()["prakom"]
        start_instance(db.session, clock, process_key="sop_uji", title="Lambat", user=prakom)
        db.session.commit()
    clock.advance(timedelta(hours=1, minutes=1))
    run_round(app)  # level 1; level 2 is due at once and fires in the next round
    run_round(app)
    assert _notified(app, "gita", "eskalasi") == 0
    assert _notified(app, "kasubbag", "eskalasi") == 1, "the official answers for his role"


def test_new_task_notices_of_a_replaced_official_go_to_the_substitute(app, client, clock):
    _add_gita(app)
    with app.app_context():
        people = _users()
        for username in ("gita", "kasubbag"):
            accounts.set_new_task_notices(db.session, clock, people[username], True)
        db.session.commit()
    _substitution(client, clock, "kasubbag", "gita", "Kasubbag")
    _step(app, clock)
    assert _notified(app, "gita", "tugas_baru", "Kasubbag") == 1
    assert _notified(app, "kasubbag", "tugas_baru") == 0, "he is away"


def test_a_superior_assigns_a_step_to_the_plt_of_its_role(app, client, clock):
    _substitution(client, clock, "sekretaris", "prakom", "Sekretaris", kind="Plt")
    task_id = _step(app, clock, "Sekretaris")
    ketua = api_token(client, "ketua")
    away = client.post(f"/api/v1/tasks/{task_id}/assign", headers=ketua,
                       json={"assignee": "sekretaris"})
    assert (away.status_code, away.json["error"]["fields"]) == (422, {"assignee": (
        "Demo Sekretaris sedang digantikan Plh/Plt; alihkan kepada pemegang peran yang "
        "bertugas")})
    login(client, "ketua")
    page = client.get(f"/tugas/{task_id}").get_data(True)
    assert '<option value="' in page and ">Demo Prakom (Plt. Sekretaris)</option>" in page
    assert ">Demo Sekretaris</option>" not in page
    bulk = client.get("/?tampil=bawahan").get_data(True)
    assert '<optgroup label="Sekretaris"><option value="' in bulk
    assert bulk.split('<optgroup label="Sekretaris">')[1].split("</optgroup>")[0].endswith(
        ">Demo Prakom (Plt. Sekretaris)</option>")
    # Only the roles of the listed steps are offered (the desk probe: a Redaktur for Prakom).
    offered = set(re.findall(r'<optgroup label="([^"]+)">', bulk))
    listed = set(re.findall(r'<td data-label="Peran">([^<]+)</td>', bulk))
    assert offered and offered <= listed, (offered, listed)
    assigned = client.post(f"/api/v1/tasks/{task_id}/assign", headers=ketua,
                           json={"assignee": "prakom"})
    assert (assigned.status_code, assigned.json["claimed_by"]) == (200, "prakom")
    done = client.post(f"/api/v1/tasks/{task_id}/complete", headers=api_token(client, "prakom"),
                       json={"data": {"keputusan_kasubbag": "setuju"}})
    assert done.status_code == 200, done.json
    assert _notified(app, "prakom", "penugasan") == 1


def test_a_prakom_standing_in_for_another_prakom_sees_the_banner(app, client, clock):
    _add_gita(app)
    _substitution(client, clock, "prakom", "gita", "Prakom")
    login(client, "gita")
    page = client.get("/").get_data(True)
    assert "Anda Plh. Prakom s.d." in page and "menggantikan Demo Prakom" in page


def test_a_step_held_by_a_plh_says_so_on_its_page(app, client, clock):
    """Whoever opens the step sees in which capacity its holder has it: the Kasubbag's
    supervisor learns it is the Plh. Kasubbag working on it, not a Kasubbag."""
    _add_gita(app)
    task_id = _step(app, clock)
    _substitution(client, clock, "kasubbag", "gita", "Kasubbag")
    assert client.post(f"/api/v1/tasks/{task_id}/claim",
                       headers=api_token(client, "gita")).status_code == 200
    login(client, "sekretaris")
    page = client.get(f"/tugas/{task_id}").get_data(True)
    assert "Kasubbag (diambil oleh Gita Prakom sebagai Plh. Kasubbag)" in page
    login(client, "ketua")  # sees the step, neither does nor assigns it
    page = client.get(f"/tugas/{task_id}").get_data(True)
    assert ("Langkah ini dikerjakan peran Kasubbag (Gita Prakom sebagai Plh. Kasubbag); Anda "
            "dapat melihatnya") in page

    assert client.post(f"/api/v1/tasks/{task_id}/release",
                       headers=api_token(client, "gita")).status_code == 200
    assert client.post(f"/api/v1/tasks/{task_id}/claim",
                       headers=api_token(client, "kasubbag")).status_code == 200
    login(client, "sekretaris")
    page = client.get(f"/tugas/{task_id}").get_data(True)
    assert "Kasubbag (diambil oleh " in page and "sebagai Plh" not in page
