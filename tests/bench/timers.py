"""Bench step: timers fired per second by 1 and 2 ``alur worker`` processes on PostgreSQL.

The bench makes its own database (``alur_bench_<random>`` beside a template of the same
name, on the server of ``ALUR_BENCH_POSTGRES_URL``, default the machine's PostgreSQL),
never the shared ``test`` one, and drops both when it ends. The template holds ``count``
instances of Penanganan Gangguan Server (a real SOP) started ten days ago, whose first
step (1 hour) is long overdue: each firing loads the instance, runs its boundary timer,
escalates to the Prakom and stores the instance with its projections.

A run copies the template, starts the workers, waits until each finished a round, then
makes every timer due at once and counts from that moment to the last escalation.
"""

import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, func, select, text, update
from sqlalchemy.engine import make_url

from engine import settings
from engine.clock import ManualClock, SystemClock
from engine.models import Escalation, Timer, User, UserRole, WorkerHeartbeat
from engine.process.deploy import deploy
from engine.process.instances import start_instance
from tests.conftest import BPMN_DIR
from tests.helpers.workload import worker
from web import create_app
from web.extensions import db

ADMIN_URL = os.environ.get("ALUR_BENCH_POSTGRES_URL",
                           "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
KEY = "penanganan_gangguan_server"
WAIT_SECONDS = 600


@contextmanager
def template(count: int) -> Iterator[str]:
    """A template database holding the workload; yields its name, dropped afterwards."""
    name = f"alur_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        _prepare(_url(name), count)
        yield name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def timers_per_second(template_name: str, workers: int, folder: Path) -> float:
    """One run on a copy of the template with ``workers`` worker processes."""
    name = f"{template_name}_run"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name} TEMPLATE {template_name}"))
    engine = create_engine(_url(name))
    processes = [worker(_url(name), folder) for _ in range(workers)]
    try:
        with engine.connect() as connection:
            _wait(connection, lambda: connection.scalar(
                select(func.count()).select_from(WorkerHeartbeat)) >= workers)
            count = connection.scalar(select(func.count()).select_from(Timer))
            due_at = connection.scalar(select(func.now()))
            connection.execute(update(Timer).values(fire_at=due_at))
            connection.commit()
            _wait(connection, lambda: connection.scalar(
                select(func.count()).select_from(Escalation)) >= count)
            last = connection.scalar(select(func.max(Escalation.raised_at)))
        return count / (last - due_at).total_seconds()
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def _wait(connection, done) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not done():
        connection.rollback()
        if time.monotonic() > deadline:
            raise RuntimeError("the workers did not finish in time")
        time.sleep(0.05)
    connection.rollback()


def _url(name: str) -> str:
    return make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def _prepare(url: str, count: int) -> None:
    """``count`` instances of the SOP whose first step is overdue, escalation level 1 only,
    one Prakom (the escalation notifies them in the app; no e-mail configured)."""
    started = ManualClock(SystemClock().now() - timedelta(days=10))
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "ALUR_CLOCK": started})
    with app.app_context():
        db.create_all()
        deploy(db.session, started, (BPMN_DIR / f"{KEY}.bpmn").read_bytes())
        settings.put(db.session, "escalation", {"multiples": [1]})
        prakom = User(username="prakom", full_name="Prakom", password_hash="-",
                      created_at=started.now(), roles=[UserRole(role="Prakom")])
        db.session.add(prakom)
        for number in range(count):
            start_instance(db.session, started, process_key=KEY, title=f"Gangguan {number}",
                           user=prakom)
            if number % 100 == 99:
                db.session.commit()
        # Not due until a run says so (the workflows' own timers are due already).
        db.session.execute(update(Timer).values(fire_at=started.now() + timedelta(days=3650)))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
