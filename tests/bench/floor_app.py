"""The bench's floor: the four API calls the bench makes of Alur (token, start, read an
instance, complete a task), written in as few lines as the fixed stack allows, so that
``make bench`` can print what the stack itself costs next to what Alur costs.

Same stack and the same engine as Alur: Flask served by gunicorn (one process, gthread),
SpiffWorkflow through ``engine.runtime.adapter`` (state loaded, run, compacted as
``engine.runtime.compaction`` keeps an instance bounded, and dumped on every completion;
the spec parsed once per process), SQLite in WAL mode with one writer at a
time per process. Left out is everything that makes Alur Alur: roles, Pelaksana and Plh
checks, forms, projections of deadlines and timers, escalation, facts for the reports,
case numbers, the audit detail, limits, the response's case summary. The app checks the
bearer token (one SELECT) and writes one audit row per change, and nothing more. It is a
measuring instrument, never served to anyone: tokens are handed to any demo user name.

Run by ``tests.bench.floor.serving`` as ``gunicorn tests.bench.floor_app:app`` with
``FLOOR_DATABASE`` (the SQLite file ``create_schema`` made).
"""

import hashlib
import os
import secrets
import sqlite3
import threading
from functools import cache
from pathlib import Path
from typing import Any
from uuid import UUID

from flask import Flask, abort, jsonify, request
from SpiffWorkflow.util.task import TaskState

from engine.clock import SystemClock
from engine.runtime import adapter
from engine.runtime.compaction import compact
from engine.time.calendar import WorkCalendar

BPMN_DIR = Path(__file__).resolve().parents[2] / "bpmn"
SCHEMA = """
PRAGMA journal_mode=WAL;
CREATE TABLE tokens (digest TEXT PRIMARY KEY, username TEXT NOT NULL);
CREATE TABLE instances (id INTEGER PRIMARY KEY, process_key TEXT NOT NULL,
                        title TEXT NOT NULL, state TEXT NOT NULL);
CREATE TABLE tasks (id INTEGER PRIMARY KEY, instance_id INTEGER NOT NULL,
                    spiff_task_id TEXT NOT NULL, step_id TEXT NOT NULL, state TEXT NOT NULL);
CREATE INDEX tasks_open ON tasks (instance_id, state);
CREATE TABLE audit (id INTEGER PRIMARY KEY, instance_id INTEGER NOT NULL,
                    action TEXT NOT NULL, username TEXT NOT NULL);
"""
CLOCK = SystemClock()
CALENDAR = WorkCalendar()
_WRITER = threading.Lock()  # one writer at a time, as engine.sqlite_writers queues Alur's
_local = threading.local()

app = Flask(__name__)


def create_schema(database: Path) -> None:
    """Create the floor's tables in a new SQLite file ``database``."""
    with sqlite3.connect(database) as connection:
        connection.executescript(SCHEMA)


@cache
def _spec(process_key: str) -> Any:
    return adapter.parse_spec((BPMN_DIR / f"{process_key}.bpmn").read_bytes(), process_key)


def _db() -> sqlite3.Connection:
    if not hasattr(_local, "connection"):
        _local.connection = sqlite3.connect(os.environ["FLOOR_DATABASE"], isolation_level=None,
                                            check_same_thread=False)
        _local.connection.execute("PRAGMA busy_timeout=5000")
        _local.connection.execute("PRAGMA synchronous=NORMAL")
    return _local.connection


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _username() -> str:
    """The bearer token's user; 401 without a known token."""
    token = request.headers.get("Authorization", "").removeprefix("Bearer ")
    row = _db().execute("SELECT username FROM tokens WHERE digest = ?",
                        (_digest(token),)).fetchone()
    if row is None:
        abort(401)
    return row[0]


def _open_steps(workflow: Any) -> dict[str, str]:
    """{spiff task id: BPMN id} of the user tasks waiting for a person."""
    return {str(task.id): task.task_spec.bpmn_id
            for task in workflow.get_tasks(state=TaskState.READY, manual=True)}


def _open_rows(connection: sqlite3.Connection, instance_id: int) -> list[dict[str, Any]]:
    return [{"id": task_id, "step_id": step_id} for task_id, step_id in connection.execute(
        "SELECT id, step_id FROM tasks WHERE instance_id = ? AND state = 'open' ORDER BY id",
        (instance_id,))]


def _write(connection: sqlite3.Connection, instance_id: int, workflow: Any,
           known: set[str], action: str, username: str) -> None:
    """The instance's state, a row per newly open step and an audit row (in the caller's
    transaction)."""
    compact(workflow)
    connection.execute("UPDATE instances SET state = ? WHERE id = ?",
                       (adapter.dump_state(workflow), instance_id))
    connection.executemany(
        "INSERT INTO tasks (instance_id, spiff_task_id, step_id, state) VALUES (?, ?, ?, 'open')",
        [(instance_id, spiff_id, step_id)
         for spiff_id, step_id in _open_steps(workflow).items() if spiff_id not in known])
    connection.execute("INSERT INTO audit (instance_id, action, username) VALUES (?, ?, ?)",
                       (instance_id, action, username))


@app.get("/healthz")
def healthz() -> Any:
    return jsonify(status="ok")


@app.post("/api/v1/auth/token")
def token() -> Any:
    body = request.get_json()
    value = secrets.token_urlsafe(32)
    with _WRITER:
        _db().execute("INSERT INTO tokens (digest, username) VALUES (?, ?)",
                      (_digest(value), body["username"]))
    return jsonify(token=value), 201


@app.post("/api/v1/instances")
def start() -> Any:
    username, body = _username(), request.get_json()
    workflow = adapter.new_workflow(_spec(body["process_key"]), CLOCK, CALENDAR)
    adapter.run_engine(workflow)
    connection = _db()
    with _WRITER:
        connection.execute("BEGIN IMMEDIATE")
        instance_id = connection.execute(
            "INSERT INTO instances (process_key, title, state) VALUES (?, ?, '')",
            (body["process_key"], body["title"])).lastrowid
        _write(connection, instance_id, workflow, set(), "started", username)
        connection.execute("COMMIT")
    return jsonify(id=instance_id, open_tasks=_open_rows(connection, instance_id)), 201


@app.get("/api/v1/instances/<int:instance_id>")
def instance(instance_id: int) -> Any:
    _username()
    return jsonify(id=instance_id, open_tasks=_open_rows(_db(), instance_id))


@app.post("/api/v1/tasks/<int:task_id>/complete")
def complete(task_id: int) -> Any:
    username, body = _username(), request.get_json()
    connection = _db()
    with _WRITER:
        connection.execute("BEGIN IMMEDIATE")
        row = connection.execute(
            "SELECT tasks.instance_id, tasks.spiff_task_id, instances.process_key, "
            "instances.state FROM tasks JOIN instances ON instances.id = tasks.instance_id "
            "WHERE tasks.id = ? AND tasks.state = 'open'", (task_id,)).fetchone()
        if row is None:
            connection.execute("ROLLBACK")
            abort(409)
        instance_id, spiff_id, process_key, state = row
        workflow = adapter.load_state(state, _spec(process_key), CLOCK, CALENDAR)
        known = set(_open_steps(workflow))
        adapter.run_user_task(workflow.tasks[UUID(spiff_id)], body.get("data", {}))
        adapter.run_engine(workflow)
        connection.execute("UPDATE tasks SET state = 'completed' WHERE id = ?", (task_id,))
        _write(connection, instance_id, workflow, known, "completed", username)
        connection.execute("COMMIT")
    return jsonify(id=task_id, open_tasks=_open_rows(connection, instance_id))
