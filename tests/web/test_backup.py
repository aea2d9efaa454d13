"""``alur backup`` of a live, populated instance while requests run, then ``alur restore``
into an empty one: every table's rows, every attachment's hash, the secret key, and a
restored instance walked to its end. On SQLite and on PostgreSQL (a schema, dumped with
``pg_dump -n``, restored into a new database)."""

import hashlib
import json
import os
import subprocess
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, func, inspect, select, table, text
from sqlalchemy.engine import make_url

from engine.clock import SystemClock
from engine.db import shown_url
from engine.models import Attachment, HumanTask, ProcessInstance, User
from engine.process.attachments import attach
from engine.process.instances import start_instance
from engine.process.tasks import complete_task
from engine.roles import username_for
from tests.conftest import sop_walks
from tests.helpers.database import postgres_schema
from tests.helpers.servers import ALUR, alur_server
from web import create_app
from web.cli import dumps
from web.extensions import db

KEY = "penanganan_gangguan_server"
WALK = sop_walks()[KEY]
PASSWORD = "rahasia-uji"
# Tables that requests only add to: their counts bound the snapshot's from both sides.
GROWING = ("process_instances", "human_tasks", "audit_log", "attachments", "users")


def table_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {name: connection.scalar(select(func.count()).select_from(table(name)))
                    for name in inspect(connection).get_table_names()}
    finally:
        engine.dispose()


@contextmanager
def empty_target(kind: str, source_url: str, folder: Path):
    """An empty database to restore into: a new SQLite file, or a new PostgreSQL
    database on the same server (the schema is named like the source's)."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'alur.sqlite3'}"
        return
    name = f"alur_restore_{uuid.uuid4().hex[:10]}"
    admin = create_engine(source_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(source_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def source_database(kind: str, folder: Path):
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'alur.sqlite3'}"
    else:
        with postgres_schema() as url:
            yield url


def populate(url: str, folder: Path, count: int) -> dict[str, str]:
    """``count`` instances, each with a PDF attached to its open first step; returns
    ``{stored name: sha256}``."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "ALUR_ATTACHMENTS_PATH": str(folder)})
    clock = SystemClock()
    with app.app_context():
        prakom = db.session.scalar(select(User).where(User.username == "prakom"))
        for number in range(count):
            instance = start_instance(db.session, clock, process_key=KEY,
                                      title=f"Gangguan {number}", user=prakom)
            task = db.session.scalars(select(HumanTask).where(
                HumanTask.instance_id == instance.id)).one()
            attach(db.session, clock, folder, task, prakom, f"laporan-{number}.pdf",
                   b"%PDF-1.4\n" + os.urandom(2000))
            db.session.commit()
        found = {name: sha for name, sha in db.session.execute(
            select(Attachment.stored_name, Attachment.sha256))}
        db.session.remove()
        db.engine.dispose()
    return found


def keep_requesting(base: str, stop: threading.Event, statuses: list[int]) -> None:
    """Start instances and read the inbox through the API until ``stop`` is set."""
    token = requests.post(f"{base}/api/v1/auth/token", timeout=10,
                          json={"username": "prakom", "password": PASSWORD}).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    number = 0
    while not stop.is_set():
        number += 1
        statuses.append(requests.post(f"{base}/api/v1/instances", headers=headers, timeout=10,
                                      json={"process_key": KEY, "title": f"Saat cadangan "
                                                                         f"{number}"}
                                      ).status_code)
        statuses.append(requests.get(f"{base}/api/v1/tasks", headers=headers,
                                     timeout=10).status_code)
        stop.wait(0.02)  # leave the two cores some room for the backup itself


def walk_to_end(url: str, folder: Path, instance_id: int) -> str:
    """Complete every step of the restored instance as its lane's user; its status."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "ALUR_INSTANCE_PATH": str(folder)})
    clock = SystemClock()
    with app.app_context():
        for step in WALK:
            task = db.session.scalars(select(HumanTask).where(
                HumanTask.instance_id == instance_id, HumanTask.state == "open")).one()
            assert (task.bpmn_id, task.role) == (step["task"], step["lane"])
            user = db.session.scalar(select(User).where(
                User.username == username_for(step["lane"])))
            complete_task(db.session, clock, task.id, user, step["data"])
            db.session.commit()
        status = db.session.get(ProcessInstance, instance_id).status
        db.session.remove()
        db.engine.dispose()
    return status


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_backup_while_serving_then_restore_into_an_empty_instance(kind, tmp_path):
    source, target = tmp_path / "sumber", tmp_path / "tujuan"
    with source_database(kind, source) as url:
        settings = {"ALUR_DATABASE_URL": url, "ALUR_INSTANCE_PATH": str(source),
                    "ALUR_ATTACHMENTS_PATH": str(source / "lampiran"),
                    "ALUR_DEMO": "1", "ALUR_DEMO_PASSWORD": PASSWORD}
        with alur_server(**settings) as base:
            attached = populate(url, source / "lampiran", 4)
            before = table_counts(url)
            stop, statuses = threading.Event(), []
            requester = threading.Thread(target=keep_requesting, args=(base, stop, statuses))
            requester.start()
            try:
                while len(statuses) < 4:  # requests are under way
                    stop.wait(0.05)
                ahead = len(statuses)
                env = {**os.environ, **settings}
                env.pop("ALUR_SECRET_KEY", None)
                made = subprocess.run([ALUR, "backup", str(tmp_path / "cadangan")], env=env,
                                      capture_output=True, text=True, timeout=60, check=False)
                during = len(statuses)
            finally:
                stop.set()
                requester.join(timeout=30)
            after = table_counts(url)
        assert made.returncode == 0, made.stderr
        assert during > ahead and set(statuses) == {200, 201}  # answered while backing up
        [backup] = (tmp_path / "cadangan").iterdir()

        with empty_target(kind, url, target) as target_url:
            env = {**os.environ, "ALUR_DATABASE_URL": target_url,
                   "ALUR_INSTANCE_PATH": str(target),
                   "ALUR_ATTACHMENTS_PATH": str(target / "lampiran")}
            env.pop("ALUR_SECRET_KEY", None)
            restored = subprocess.run([ALUR, "restore", str(backup)], env=env,
                                      capture_output=True, text=True, timeout=60, check=False)
            assert restored.returncode == 0, restored.stderr

            manifest = json.loads((backup / "manifest.json").read_text())
            counts = table_counts(target_url)
            assert counts == manifest["tables"]
            assert set(counts) == set(before) and "worker_heartbeats" in counts
            for name in GROWING:
                assert before[name] <= counts[name] <= after[name], name
            assert counts["process_instances"] > 4  # some started during the backup
            assert manifest["database"]["dialect"] == kind

            files = {path.name: hashlib.sha256(path.read_bytes()).hexdigest()
                     for path in (target / "lampiran").iterdir()}
            assert files == attached == dumps.facts(target_url).attachments
            assert (target / "secret_key").read_text() == (source / "secret_key").read_text()

            first = min(int(i) for i in _instances_with_attachments(target_url))
            assert walk_to_end(target_url, target, first) == "completed"

            again = create_app({"SQLALCHEMY_DATABASE_URI": target_url,
                                "ALUR_ATTACHMENTS_PATH": str(target / "lampiran")})
            refused = again.test_cli_runner().invoke(args=["restore", str(backup)])
            assert refused.exit_code == 1 and "tidak kosong" in refused.output
            # Which database it found full, password hidden (the operations probe).
            assert f"basis data tujuan {shown_url(target_url)} tidak kosong" in refused.output
            with again.app_context():
                db.session.remove()
                db.engine.dispose()


def _instances_with_attachments(url: str) -> list[int]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return list(connection.scalars(select(Attachment.instance_id)))
    finally:
        engine.dispose()
