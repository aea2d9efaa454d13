"""The core loop's cost in SQL statements (issue 13): completing a step mid-way through the
RKT walk and starting an instance, each counted on the real engine around exactly one
request (no timings: machines are noisy, statement counts are not)."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.orm import Session

from engine.roles import username_for
from tests.conftest import csrf_token, sop_walks
from tests.helpers.statements import statements
from tests.web.conftest import api_token, login

# Completing a step: 10 (token+user+roles, task+instance locked, the settings, the task's
# conditional UPDATE, its step-facts row (issue 13, point 4), audit record, new task, new
# timer, stopped timers, state). "Tugas baru" notices cost a read only for a role someone
# asked them for; the escalation facts an UPDATE only for a step done after its deadline.
MAX_COMPLETION = 10
# Of them reads: the token with its user, the task with its instance, the settings.
MAX_COMPLETION_READS = 3
# Starting an instance: token, definition, calendar, its number taken from the counter
# (one INSERT ... ON CONFLICT DO UPDATE), the instance's INSERT (with its state), its
# instance-facts row, audit, task, timer, and the answer's history (its tasks are the ones
# the start opened, not read again).
MAX_START = 10
RKT = "penyusunan_rkt"
WALK = sop_walks()[RKT]


@contextmanager
def flushes() -> Iterator[list[object]]:
    """The ORM flushes (of any session) that wrote something inside the block."""
    seen: list[object] = []

    def count(session, context) -> None:
        seen.append(session)

    event.listen(Session, "after_flush", count)
    try:
        yield seen
    finally:
        event.remove(Session, "after_flush", count)


def _headers(client: FlaskClient, lane: str, tokens: dict) -> dict[str, str]:
    """A token of the lane's user, used once already: its last use is written once a
    minute (``engine.people.tokens.LAST_USE_RESOLUTION``), not on the counted request."""
    if lane not in tokens:
        tokens[lane] = api_token(client, username_for(lane))
        assert client.get("/api/v1/tasks", headers=tokens[lane]).status_code == 200
    return tokens[lane]


def _walk_to(client: FlaskClient, steps: int, tokens: dict) -> int:
    """Start an RKT instance and complete its first ``steps`` steps; the open task's id."""
    started = client.post("/api/v1/instances", headers=_headers(client, WALK[0]["lane"], tokens),
                          json={"process_key": RKT, "title": "RKT 2027"})
    assert started.status_code == 201, started.json
    task_id = started.json["open_tasks"][0]["id"]
    for step in WALK[:steps]:
        done = client.post(f"/api/v1/tasks/{task_id}/complete",
                           headers=_headers(client, step["lane"], tokens),
                           json={"data": step["data"]})
        assert done.status_code == 200, done.json
        task_id = done.json["instance"]["open_tasks"][0]["id"]
    return task_id


def _reads(seen: list[str]) -> list[str]:
    return [s for s in seen if s.startswith("SELECT")]


def _read_once(seen: list[str]) -> None:
    """The task is read once (with its instance), the user once, nothing read back."""
    reads = _reads(seen)
    assert len(reads) <= MAX_COMPLETION_READS, "\n".join(reads)
    assert sum(" FROM human_tasks" in s for s in reads) == 1, "\n".join(reads)
    assert sum(" users" in s for s in reads) == 1, "\n".join(reads)
    assert not any(" FROM process_instances" in s for s in reads), "\n".join(reads)


@pytest.mark.parametrize("step", [2, 3])  # Kegiatan_3 (plain), Kegiatan_4 (return + note)
def test_completing_a_mid_walk_rkt_step_through_the_api(app, client, step):
    tokens: dict = {}
    task_id = _walk_to(client, step, tokens)
    headers = _headers(client, WALK[step]["lane"], tokens)
    with statements(app) as seen, flushes() as flushed:
        done = client.post(f"/api/v1/tasks/{task_id}/complete", headers=headers,
                           json={"data": WALK[step]["data"]})
    assert done.status_code == 200, done.json
    assert len(seen) <= MAX_COMPLETION, "\n".join(seen)
    assert flushed == []  # every row written directly: the ORM's unit of work idles
    _read_once(seen)
    task, instance = done.json["task"], done.json["instance"]
    assert (task["id"], task["state"], task["step_id"]) == (task_id, "completed",
                                                            WALK[step]["task"])
    assert task["completed_by"] == username_for(WALK[step]["lane"])
    assert set(instance) == {"id", "number", "title", "status", "data", "process_key",
                             "process_name", "version", "started_at", "completed_at",
                             "error", "open_tasks"}
    assert (instance["status"], instance["process_key"], instance["title"]) == (
        "running", RKT, "RKT 2027")
    assert [(t["step_id"], t["role"]) for t in instance["open_tasks"]] == [
        (WALK[step + 1]["task"], WALK[step + 1]["lane"])]


def test_the_history_comes_only_when_asked_for(app, client):
    tokens: dict = {}
    task_id = _walk_to(client, 1, tokens)
    headers = _headers(client, WALK[1]["lane"], tokens)
    bad = client.post(f"/api/v1/tasks/{task_id}/complete?include=semua", headers=headers,
                      json={"data": {}})
    assert (bad.status_code, list(bad.json["error"]["fields"])) == (422, ["include"])
    done = client.post(f"/api/v1/tasks/{task_id}/complete?include=history", headers=headers,
                       json={"data": {}})
    assert done.status_code == 200, done.json
    actions = [entry["action"] for entry in done.json["instance"]["history"]]
    assert actions == ["instance.started", "task.completed", "task.completed"]
    full = client.get(f"/api/v1/instances/{done.json['instance']['id']}", headers=headers).json
    assert done.json["instance"]["history"] == full["history"]
    assert done.json["instance"]["open_tasks"] == full["open_tasks"]


def test_completing_a_mid_walk_rkt_step_through_the_task_form(app, client):
    tokens: dict = {}
    task_id = _walk_to(client, 2, tokens)
    login(client, username_for(WALK[2]["lane"]))
    token = csrf_token(client.get(f"/tugas/{task_id}").get_data(as_text=True))
    with statements(app) as seen:
        done = client.post(f"/tugas/{task_id}", data={"csrf_token": token})
    assert done.status_code == 302, done.get_data(as_text=True)
    assert len(seen) <= MAX_COMPLETION, "\n".join(seen)
    _read_once(seen)
    task = client.get(f"/api/v1/tasks/{task_id}", headers=tokens[WALK[1]["lane"]]).json
    assert (task["state"], task["completed_by"]) == ("completed", "kasubbag")


def test_starting_an_instance_through_the_api(app, client):
    headers = api_token(client, "kasubbag")
    client.post("/api/v1/instances", headers=headers, json={"process_key": RKT, "title": "a"})
    with statements(app) as seen:
        started = client.post("/api/v1/instances", headers=headers,
                              json={"process_key": RKT, "title": "RKT 2027"})
    assert started.status_code == 201, started.json
    assert len(seen) <= MAX_START, "\n".join(seen)
    # The state goes in with the instance's row: nothing writes that row again.
    assert [s for s in seen if s.startswith("UPDATE process_instances")] == []
    assert started.json["number"].endswith("-0002")
    assert [t["step_id"] for t in started.json["open_tasks"]] == ["Kegiatan_1"]
    assert [entry["action"] for entry in started.json["history"]] == ["instance.started"]
    assert started.json == client.get(f"/api/v1/instances/{started.json['id']}",
                                      headers=headers).json


# Reading an instance: the token with its user and roles, the instance with its definition,
# its human tasks, its audit records, and the actors not read yet with their roles (one
# statement each, however many steps the instance went through and people acted).
MAX_INSTANCE_READ = 6


@pytest.mark.parametrize("steps", [1, 9])
def test_reading_an_instance_costs_the_same_after_one_step_or_nine(app, client, steps):
    tokens: dict = {}
    _walk_to(client, steps, tokens)
    headers = _headers(client, WALK[0]["lane"], tokens)
    instance_id = client.get("/api/v1/instances", headers=headers).json["items"][0]["id"]
    with statements(app) as seen:
        shown = client.get(f"/api/v1/instances/{instance_id}", headers=headers)
    assert shown.status_code == 200, shown.json
    assert [e["action"] for e in shown.json["history"]].count("task.completed") == steps
    assert {e["actor"] for e in shown.json["history"]} == {
        username_for(step["lane"]) for step in WALK[:steps]} | {username_for(WALK[0]["lane"])}
    assert len(seen) <= MAX_INSTANCE_READ, "\n".join(seen)
    task_reads = [s for s in seen if " FROM human_tasks" in s]
    assert len(task_reads) == 1, "\n".join(seen)
    assert "state_json" not in task_reads[0] and "catalog" not in task_reads[0]


# Reading a task with its case file: the token with its user and roles, the task with its
# instance, the completed steps, the attachments, the comments, and the people not read yet
# with their roles (one statement each, however many steps and people).
MAX_TASK_READ = 7


@pytest.mark.parametrize("steps", [1, 9])
def test_reading_a_task_with_its_case_costs_the_same_after_one_step_or_nine(app, client,
                                                                             steps):
    tokens: dict = {}
    task_id = _walk_to(client, steps, tokens)
    headers = _headers(client, WALK[steps]["lane"], tokens)
    with statements(app) as seen:
        shown = client.get(f"/api/v1/tasks/{task_id}", headers=headers)
    assert shown.status_code == 200, shown.json
    done = shown.json["case"]["steps"]
    assert [step["completed_by"] for step in done] == [
        username_for(step["lane"]) for step in WALK[:steps]]
    assert len(seen) <= MAX_TASK_READ, "\n".join(seen)
    assert sum("state_json" in s for s in seen) == 1, "\n".join(seen)  # the task's instance
