"""The requester's front door through the API: what an employee may start, Tiket Saya,
the thread with the desk (a question pauses the SLA clock), notices, ratings."""

from datetime import datetime, timedelta

from sqlalchemy import func, select

from engine import settings
from engine.models import (
    AuditRecord,
    HumanTask,
    Notification,
    ProcessInstance,
    Rating,
    Timer,
    User,
)
from engine.paging import LATEST
from engine.roles import supervisor_of, username_for
from tests.conftest import START_DATA
from tests.web.conftest import api_token, login
from tests.web.desk_helpers import add_employee, triage
from web.cli.worker import fire_once
from web.extensions import db

LTI = "penanganan_permintaan_layanan_ti"
SERVER = "penanganan_gangguan_server"


def _start(client, headers, key=LTI, data=None) -> int:
    response = client.post("/api/v1/instances", headers=headers, json={
        "process_key": key, "title": "Printer rusak", "data": data or START_DATA[LTI]})
    assert response.status_code == 201, response.json
    return response.json["id"]


def _finish(client, instance_id: int, performers: dict[str, str] | None = None) -> None:
    """Complete the ticket's steps, each by its role's demo user (``performers``: another
    user name for a role, e.g. its Plh)."""
    admin = api_token(client, "admin")
    for _ in range(30):
        found = client.get(f"/api/v1/instances/{instance_id}", headers=admin).json
        if found["status"] == "completed":
            return
        task = found["open_tasks"][0]
        headers = api_token(client, (performers or {}).get(task["role"])
                            or username_for(task["role"]))
        done = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {}},
                           headers=headers)
        if done.status_code == 422:  # the triage step asks for the priority
            done = client.post(f"/api/v1/tasks/{task['id']}/complete", headers=headers,
                               json={"data": {"prioritas": "minor"}})
        assert done.status_code == 200, done.json
    raise AssertionError("the SOP did not end")


def _notices(app, username: str) -> list[str]:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        return [n.kind for n in db.session.scalars(select(Notification).where(
            Notification.user_id == user.id).order_by(Notification.id))]


def test_an_employee_without_roles_may_start_only_the_requester_sops(app, client):
    add_employee(app)
    me = api_token(client, "pegawai")
    startable = client.get("/api/v1/processes?startable=1", headers=me).json
    assert sorted(p["key"] for p in startable) == [SERVER, LTI]
    head = client.head("/api/v1/processes?startable=1", headers=me)
    assert (head.status_code, head.headers["X-Total-Count"]) == (200, "2")
    assert len(client.get("/api/v1/processes", headers=me).json) > 2
    refused = client.post("/api/v1/instances", headers=me, json={
        "process_key": "penyusunan_rkt", "title": "RKT", "data": {}})
    assert refused.status_code == 403
    instance_id = _start(client, me)
    mine = client.get("/api/v1/instances?scope=mine", headers=me).json
    assert [i["id"] for i in mine["items"]] == [instance_id]
    assert client.get(f"/api/v1/instances/{instance_id}", headers=me).status_code == 403
    ticket = client.get(f"/api/v1/tickets/{instance_id}", headers=me).json
    assert ticket["status"] == "diterima"
    assert {"label": "Kategori", "value": "perangkat keras"} in ticket["request"]
    assert "open_tasks" not in ticket and "history" not in ticket
    assert _notices(app, "pegawai") == ["tiket_diterima"]
    other = client.get(f"/api/v1/tickets/{instance_id}", headers=api_token(client, "prakom"))
    assert other.status_code == 403


def test_a_ticket_handed_to_a_prakom_is_being_worked_on(app, client):
    """Kasubbag hands the first step to a Prakom (Alihkan): "dikerjakan", as when the
    Prakom takes it himself."""
    add_employee(app)
    me = api_token(client, "pegawai")
    instance_id = _start(client, me)
    prakom = api_token(client, "prakom")
    [task] = client.get(f"/api/v1/instances/{instance_id}", headers=prakom).json["open_tasks"]
    handed = client.post(f"/api/v1/tasks/{task['id']}/assign",
                         headers=api_token(client, "kasubbag"), json={"assignee": "prakom"})
    assert handed.status_code == 200, handed.json
    assert client.get(f"/api/v1/tickets/{instance_id}", headers=me).json["status"] == \
        "dikerjakan"


def test_a_question_pauses_the_sla_and_the_answer_moves_due_times_by_the_pause(
        app, client, clock):
    add_employee(app)
    me, prakom = api_token(client, "pegawai"), api_token(client, "prakom")
    instance_id = _start(client, me)
    before = client.get(f"/api/v1/instances/{instance_id}",
                        headers=prakom).json["open_tasks"][0]["due_at"]
    for not_a_boolean in (1, 1.0, 0, "true"):
        refused = client.post(f"/api/v1/tickets/{instance_id}/messages", headers=prakom,
                              json={"text": "Printer merek apa?", "asks": not_a_boolean})
        assert (refused.status_code, list(refused.json["error"]["fields"])) == (422, ["asks"])
    assert client.get(f"/api/v1/tickets/{instance_id}", headers=me).json["messages"] == []
    asked = client.post(f"/api/v1/tickets/{instance_id}/messages", headers=prakom,
                        json={"text": "Printer merek apa?", "asks": True})
    assert asked.status_code == 201, asked.json
    assert client.get(f"/api/v1/tickets/{instance_id}", headers=me).json["status"] == \
        "menunggu Anda"
    assert _notices(app, "pegawai") == ["tiket_diterima", "tiket_menunggu"]
    clock.advance(timedelta(hours=2))
    answered = client.post(f"/api/v1/tickets/{instance_id}/messages", headers=me,
                           json={"text": "Epson L3110"})
    assert answered.status_code == 201
    assert answered.json["status"] == "diterima"
    assert [m["from_requester"] for m in answered.json["messages"]] == [False, True]
    after = client.get(f"/api/v1/instances/{instance_id}",
                       headers=prakom).json["open_tasks"][0]["due_at"]
    assert datetime.fromisoformat(after) - datetime.fromisoformat(before) == timedelta(hours=2)
    with app.app_context():
        actions = db.session.scalars(select(AuditRecord.action).where(
            AuditRecord.instance_id == instance_id, AuditRecord.action.like("sla.%"))).all()
        resumed = db.session.scalar(select(AuditRecord).where(
            AuditRecord.action == "sla.resumed"))
        assert (actions, resumed.detail["paused_minutes"]) == (
            ["sla.paused", "sla.resumed"], 120)
    asks_back = client.post(f"/api/v1/tickets/{instance_id}/messages", headers=me,
                            json={"text": "?", "asks": True})
    assert (asks_back.status_code, list(asks_back.json["error"]["fields"])) == (422, ["asks"])


def test_rating_201_once_by_the_requester_after_completion(app, client):
    add_employee(app)
    me = api_token(client, "pegawai")
    instance_id = _start(client, me)
    url = f"/api/v1/instances/{instance_id}/rating"
    assert client.post(url, headers=me, json={"score": 5}).status_code == 409
    _finish(client, instance_id)
    assert _notices(app, "pegawai")[-1] == "tiket_selesai"
    assert client.get(f"/api/v1/tickets/{instance_id}", headers=me).json["status"] == "selesai"
    for score in (0, 6, "5", 4.5, None):
        bad = client.post(url, headers=me, json={"score": score})
        assert bad.status_code == 422, score
        assert list(bad.json["error"]["fields"]) == ["score"]
    assert client.post(url, headers=api_token(client, "prakom"),
                       json={"score": 5}).status_code == 403
    rated = client.post(url, headers=me, json={"score": 4, "comment": "Cepat"})
    assert (rated.status_code, rated.json["score"], rated.json["comment"]) == (201, 4, "Cepat")
    again = client.post(url, headers=me, json={"score": 5})
    assert (again.status_code, again.json["error"]["code"]) == (409, "conflict")
    rating = client.get(f"/api/v1/tickets/{instance_id}", headers=me).json["rating"]
    assert (rating["score"], rating["comment"]) == (4, "Cepat")
    assert datetime.fromisoformat(rating["at"]).tzinfo is not None  # ISO 8601, as elsewhere
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Rating)) == 1
        assert db.session.get(ProcessInstance, instance_id).status == "completed"


def test_a_json_array_is_answered_as_on_every_other_endpoint(app, client):
    """A body that is JSON but not an object fails the schema: 422 invalid_request with
    fields._schema (README "API JSON"), on the desk's endpoints as on /instances."""
    add_employee(app)
    me = api_token(client, "pegawai")
    instance_id = _start(client, me)
    expected = client.post("/api/v1/instances", headers=me, json=["x"])
    assert (expected.status_code, list(expected.json["error"]["fields"])) == (422, ["_schema"])
    for path in ("/api/v1/instances", f"/api/v1/tickets/{instance_id}/messages",
                 f"/api/v1/instances/{instance_id}/rating"):
        for body in (b'["x"]', b"null", b"1"):  # JSON, none of it an object
            answer = client.post(path, headers={**me, "Content-Type": "application/json"},
                                 data=body)
            assert (answer.status_code, answer.json) == (422, expected.json), (path, body)


def test_a_finished_ticket_cannot_be_made_to_wait_for_its_requester(app, client):
    add_employee(app)
    me = api_token(client, "pegawai")
    instance_id = _start(client, me)
    _finish(client, instance_id)
    url = f"/api/v1/tickets/{instance_id}/messages"
    asked = client.post(url, headers=api_token(client, "prakom"),
                        json={"text": "Masih bermasalah?", "asks": True})
    assert asked.status_code == 422
    assert list(asked.json["error"]["fields"]) == ["asks"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditRecord).where(
            AuditRecord.action.in_(("sla.paused", "ticket.message")))) == 0


def test_the_ticket_carries_its_newest_messages_and_their_total(app, client):
    add_employee(app)
    me = api_token(client, "pegawai")
    instance_id = _start(client, me)
    url = f"/api/v1/tickets/{instance_id}/messages"
    for number in range(LATEST + 5):
        assert client.post(url, headers=me, json={"text": f"Pesan {number}"}).status_code == 201
    ticket = client.get(f"/api/v1/tickets/{instance_id}", headers=me).json
    assert ticket["messages_total"] == LATEST + 5
    assert [m["text"] for m in ticket["messages"]] == [
        f"Pesan {number}" for number in range(5, LATEST + 5)]
    listed = client.get("/api/v1/tickets", headers=me).json
    assert len(listed[0]["messages"]) == LATEST


def test_the_desks_messages_reach_the_requester_labelled_and_under_tiket(app, client):
    add_employee(app)
    me = api_token(client, "pegawai")
    instance_id = _start(client, me)
    url = f"/api/v1/tickets/{instance_id}/messages"
    prakom = api_token(client, "prakom")
    assert client.post(url, headers=prakom, json={"text": "Merek printernya?",
                                                  "asks": True}).status_code == 201
    assert client.post(url, headers=prakom, json={"text": "Teknisi datang"}).status_code == 201
    found = client.get("/api/v1/notifications?kind=tiket", headers=me).json
    assert found["total"] == 3
    shown = {item["kind"]: (item["label"], item["text"]) for item in found["items"]}
    number = shown["tiket_diterima"][1].split()[1]
    assert shown["tiket_menunggu"] == (
        "Tiket menunggu Anda", f"Tiket {number}: petugas menunggu jawaban Anda — Merek printernya?")
    assert shown["tiket_pesan"] == (
        "Pesan tiket", f"Tiket {number}: pesan baru dari petugas — Teknisi datang")
    # The requester's answer reaches the desk member who wrote to him last.
    assert client.post(url, headers=me, json={"text": "Epson L3110"}).status_code == 201
    [answer] = client.get("/api/v1/notifications?kind=tiket", headers=prakom).json["items"]
    assert (answer["kind"], answer["label"], answer["text"]) == (
        "tiket_jawaban", "Jawaban pemohon", f"Tiket {number}: pemohon menjawab — Epson L3110")
    with app.app_context():
        db.session.scalar(select(User).where(User.username == "pegawai")).language = "en"
        db.session.commit()
    login(client, "pegawai")
    english = client.get("/notifikasi/?jenis=tiket").get_data(True)
    assert "<strong>Ticket waiting for you</strong>" in english
    assert "the desk is waiting for your answer — Merek printernya?" in english
    assert "<strong>Ticket message</strong>" in english


def test_startable_is_a_yes_or_no_and_ticket_routes_are_for_tickets_only(app, client):
    add_employee(app)
    me = api_token(client, "pegawai")
    for value in ("yes", "abc", "2"):
        refused = client.get(f"/api/v1/processes?startable={value}", headers=me)
        assert refused.status_code == 422, value
        # Named as it is taken, 1/0 too (the API probe: "benar/salah (true/false)" only).
        assert refused.json["error"]["fields"] == {"startable": ["harus 1/true atau 0/false"]}
    assert len(client.get("/api/v1/processes?startable=true", headers=me).json) == 2
    assert len(client.get("/api/v1/processes?startable=0", headers=me).json) > 2
    instance_id = _start(client, me)
    url = f"/api/v1/tickets/{instance_id}/messages"
    for body in ({"text": "tanya", "asks": True}, {"text": "tanya", "asks": "yes"}):
        refused = client.post(url, headers=me, json=body)
        assert refused.status_code == 422, body
        assert list(refused.json["error"]["fields"]) == ["asks"]
    prakom = api_token(client, "prakom")
    rkt = client.post("/api/v1/instances", headers=api_token(client, "kasubbag"), json={
        "process_key": "penyusunan_rkt", "title": "RKT"}).json["id"]
    assert client.post(f"/api/v1/tickets/{rkt}/messages", headers=prakom,
                       json={"text": "halo"}).status_code == 404
    login(client, "kasubbag")
    assert client.get(f"/tiket/{rkt}").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditRecord).where(
            AuditRecord.action == "ticket.message")) == 0


def test_the_requester_is_answered_without_the_desks_internal_steps(app, client):
    add_employee(app)
    me = api_token(client, "pegawai")
    started = client.post("/api/v1/instances", headers=me, json={
        "process_key": LTI, "title": "Printer rusak", "data": START_DATA[LTI]})
    assert started.status_code == 201, started.json
    assert (started.json["open_tasks"], started.json["history"]) == ([], [])
    assert started.json["data"] == START_DATA[LTI]
    staff = client.get(f"/api/v1/instances/{started.json['id']}",
                       headers=api_token(client, "admin")).json
    assert len(staff["open_tasks"]) == 1 and staff["history"]
    cancelled = client.post(f"/api/v1/instances/{started.json['id']}/cancel", headers=me,
                            json={"reason": "Sudah menyala lagi"})
    assert cancelled.status_code == 200, cancelled.json
    assert cancelled.json["status"] == "cancelled"
    assert (cancelled.json["open_tasks"], cancelled.json["history"]) == ([], [])
    rated = client.post(f"/api/v1/instances/{started.json['id']}/rating", headers=me,
                        json={"score": 5})
    assert (rated.status_code, rated.json["error"]["message"]) == (
        409, "Tiket dibatalkan; hanya tiket yang selesai yang dinilai.")


def test_the_requesters_list_shows_and_searches_only_what_he_typed(app, client):
    add_employee(app)
    me, admin = api_token(client, "pegawai"), api_token(client, "admin")
    instance_id = _start(client, me)
    for _ in range(12):
        [task] = client.get(f"/api/v1/instances/{instance_id}", headers=admin).json["open_tasks"]
        data = {"Menangani": {"tindakan": "RAHASIA internal", "hasil": "selesai"},
                "Menentukan": {"prioritas": "minor"}}.get(task["name"].split()[0], {})
        done = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": data},
                           headers=api_token(client, username_for(task["role"])))
        assert done.status_code == 200, done.json
        if "tindakan" in data:
            break
    [row] = client.get("/api/v1/instances?scope=mine", headers=me).json["items"]
    assert row["data"] == START_DATA[LTI]  # the triage's priority is the desk's
    assert client.get("/api/v1/instances?scope=mine&q=RAHASIA", headers=me).json["total"] == 0
    assert client.get("/api/v1/instances?scope=mine&q=Printer", headers=me).json["total"] == 1
    login(client, "pegawai")
    with client.get("/proses/?format=csv") as export:
        assert "Epson" not in export.get_data(True) and "RAHASIA" not in export.get_data(True)
        assert "Kepaniteraan Pidana" in export.get_data(True)
    staff = client.get("/api/v1/instances?scope=all&q=RAHASIA", headers=admin).json
    assert [i["id"] for i in staff["items"]] == [instance_id]
    assert staff["items"][0]["data"]["tindakan"] == "RAHASIA internal"


def test_the_later_escalation_levels_move_with_the_wait_for_the_requester(app, client, clock):
    add_employee(app)
    me, prakom = api_token(client, "pegawai"), api_token(client, "prakom")
    instance_id = _start(client, me)
    client.post(f"/api/v1/tickets/{instance_id}/messages", headers=prakom,
                json={"text": "Printer merek apa?", "asks": True})
    clock.advance(timedelta(hours=2))
    client.post(f"/api/v1/tickets/{instance_id}/messages", headers=me, json={"text": "Epson"})
    with app.app_context():
        task = db.session.scalar(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                         HumanTask.state == "open"))
        due, duration = task.due_at, task.duration
        calendar = settings.work_calendar(db.session)
        level_2 = calendar.deadline(due, duration)  # one more Waktu after the moved deadline
    clock.set(due)
    assert fire_once(app) == 1
    with app.app_context():
        assert db.session.scalars(select(Timer.fire_at).where(
            Timer.human_task_id == task.id, Timer.level == 2)).one() == level_2


def test_the_ticket_shows_the_requesters_proposal_after_the_triage_set_another(app, client):
    add_employee(app)
    me = api_token(client, "pegawai")
    instance_id = _start(client, me, data={**START_DATA[LTI], "prioritas": "minor"})
    triage(client, instance_id, "mayor")
    ticket = client.get(f"/api/v1/tickets/{instance_id}", headers=me).json
    assert ticket["priority"] == "mayor"
    assert {"label": "Prioritas (usulan pemohon)", "value": "minor"} in ticket["request"]


def test_a_message_or_comment_of_spaces_only_is_refused_under_text(app, client):
    """The request's field is ``text``: a blank one is refused under ``fields.text``, not
    under the comment form's name (``komentar``)."""
    add_employee(app)
    me = api_token(client, "pegawai")
    instance_id = _start(client, me)
    prakom = api_token(client, "prakom")
    for url, headers in ((f"/api/v1/tickets/{instance_id}/messages", me),
                         (f"/api/v1/instances/{instance_id}/comments", prakom)):
        refused = client.post(url, headers=headers, json={"text": " \n\t "})
        assert (refused.status_code, list(refused.json["error"]["fields"])) == (
            422, ["text"]), url


def test_a_ketua_asking_for_help_is_told_like_any_requester_but_the_desk_is_not(app, client):
    # The Ketua holds a later lane of the SOP (an approval), not the desk that receives it.
    _start(client, api_token(client, "ketua"))
    assert _notices(app, "ketua") == ["tiket_diterima"]
    _start(client, api_token(client, "prakom"))  # typed by the desk for a caller
    assert "tiket_diterima" not in _notices(app, "prakom")


def test_an_answer_reaches_who_holds_the_step_now_as_well_as_who_asked(app, client):
    """The desk probe: after an Alihkan the answer reached only who had asked, not the holder."""
    add_employee(app)
    me = api_token(client, "pegawai")
    instance_id = _start(client, me)
    [task] = client.get(f"/api/v1/instances/{instance_id}",
                        headers=api_token(client, "admin")).json["open_tasks"]
    asker = username_for(task["role"])
    assert app.test_cli_runner().invoke(args=[
        "user", "add", "rekan", "--name", "Rekan Petugas", "--role", task["role"],
        "--password", "rahasia-rekan-1"]).exit_code == 0
    assert client.post(f"/api/v1/tasks/{task['id']}/claim",
                       headers=api_token(client, asker)).status_code == 200
    url = f"/api/v1/tickets/{instance_id}/messages"
    assert client.post(url, headers=api_token(client, asker), json={
        "text": "Merek printernya?", "asks": True}).status_code == 201
    assert client.post(f"/api/v1/tasks/{task['id']}/assign", headers=api_token(
        client, username_for(supervisor_of(task["role"]))), json={"assignee": "rekan"}
    ).status_code == 200
    assert client.post(url, headers=me, json={"text": "Epson L3110"}).status_code == 201
    with app.app_context():
        told = db.session.scalars(select(User.username).join(
            Notification, Notification.user_id == User.id).where(
            Notification.kind == "tiket_jawaban")).all()
    assert sorted(told) == sorted([asker, "rekan"]), "each once, the holder now included"
