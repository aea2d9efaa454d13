"""A refusal to act on a step tells one who may not view it (no lane of its SOP, nor
above one) nothing of it: as the step's own page, no name, case, role or state."""

import io
import re

import pytest
from sqlalchemy import select

from engine.models import Attachment, AuditRecord, Comment, HumanTask, User
from engine.process.tasks import NOT_IN_LANES
from tests.conftest import csrf_token
from tests.helpers.rows import app_count
from tests.web.conftest import api_token, login
from tests.web.desk_helpers import add_employee
from web.extensions import db

SERVER = "penanganan_gangguan_server"


@pytest.fixture
def step(client):
    started = client.post("/api/v1/instances", headers=api_token(client, "prakom"),
                          json={"process_key": SERVER, "title": "Server SIPP mati"})
    assert started.status_code == 201, started.json
    return started.json["open_tasks"][0]


@pytest.mark.parametrize(("action", "body"), [
    ("claim", None), ("release", None), ("complete", {"data": {}}),
    ("assign", {"assignee": "prakom"})])
def test_one_who_may_not_view_the_step_learns_nothing_of_it(app, client, step, action, body):
    add_employee(app)
    refused = client.post(f"/api/v1/tasks/{step['id']}/{action}",
                          headers=api_token(client, "pegawai"), json=body)
    assert (refused.status_code, refused.json["error"]["code"],
            refused.json["error"]["message"]) == (403, "forbidden", NOT_IN_LANES)
    assert step["name"] not in refused.get_data(True) and "Prakom" not in refused.get_data(True)
    with app.app_context():
        task = db.session.get(HumanTask, step["id"])
        assert (task.state, task.claimed_by_id) == ("open", None)
    assert app_count(app, AuditRecord, AuditRecord.action.like("task.%")) == 0


def test_one_who_may_view_the_step_is_told_whose_it_is(client, step):
    refused = client.post(f"/api/v1/tasks/{step['id']}/claim",
                          headers=api_token(client, "kasubbag"))
    assert (refused.status_code, refused.json["error"]["message"]) == (
        403, f'Tugas "{step["name"]}" dikerjakan oleh peran Prakom; Anda tidak memegang '
             "peran itu.")


@pytest.mark.parametrize("action", ["ambil", "alihkan"])
def test_the_bulk_form_names_only_the_number_to_one_who_may_not_view_it(app, client, step,
                                                                       action):
    with app.app_context():
        prakom = db.session.scalar(select(User.id).where(User.username == "prakom"))
    login(client, "redaktur")  # holds a role, none of this SOP's lanes nor one above them
    answered = client.post("/kotak-masuk/massal", follow_redirects=True, data={
        "csrf_token": csrf_token(client.get("/tiket/").get_data(True)), "aksi": action,
        "assignee": prakom, "tugas": [step["id"]]}).get_data(True)
    assert re.findall(r'<p class="flash flash-(\w+)" role="status">([^<]+)</p>', answered) == [
        ("error", f"Tugas #{step['id']} tidak dapat Anda {action}: Anda tidak memegang peran "
                  "tugas ini.")]
    assert app_count(app, AuditRecord, AuditRecord.action.like("task.%")) == 0


def test_a_file_or_comment_refused_on_a_hidden_step_names_nothing_of_it(app, client, step):
    """The permission probe: a refused file named the step ("Lampiran tugas "…" hanya dapat
    ditambah …"), and the old comment address its role, to any account that tried an id."""
    add_employee(app)
    refused = client.post(f"/api/v1/tasks/{step['id']}/attachments",
                          headers=api_token(client, "pegawai"),
                          data={"lampiran": (io.BytesIO(b"isi"), "a.txt")})
    assert (refused.status_code, refused.json["error"]["message"]) == (403, NOT_IN_LANES)
    login(client, "pegawai")
    token = csrf_token(client.get("/tiket/").get_data(True))
    for path, form in (("lampiran", {"lampiran": (io.BytesIO(b"isi"), "a.txt")}),
                       ("komentar", {"komentar": "Halo"})):
        page = client.post(f"/tugas/{step['id']}/{path}", data={"csrf_token": token, **form})
        assert page.status_code == 403, path
        assert step["name"] not in page.get_data(True) and "Prakom" not in page.get_data(True)
    assert app_count(app, Attachment) == app_count(app, Comment) == 0


def test_the_old_comment_address_takes_whoever_may_write_on_the_process(app, client, step):
    """Ketua, above the Prakom lane, comments on the process page; the task page's old
    comment address refused him naming the Prakom role."""
    login(client, "ketua")
    token = csrf_token(client.get(f"/tugas/{step['id']}").get_data(True))
    sent = client.post(f"/tugas/{step['id']}/komentar",
                       data={"csrf_token": token, "komentar": "Mohon segera"})
    assert sent.status_code == 302
    assert app_count(app, Comment) == 1
