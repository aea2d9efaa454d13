"""Benchmark: the Kotak Masuk page's server time for a user holding 500 open tasks across
two roles, among 100,000 instances, next to the same page among 1,000 instances.

Rows are bulk-inserted (the page reads only the projections, never a workflow). The time
is measured around the WSGI call through Flask's test client, so no network is counted.
Run with ``make bench``.
"""

import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert, select

from engine.clock import ManualClock
from engine.models import HumanTask, ProcessDefinition, ProcessInstance, User, UserRole
from tests.conftest import MONDAY_0800
from web import create_app
from web.extensions import db

OPEN_TASKS = 500
ROUNDS = 15
PASSWORD = "bench-password"


def inbox_ms(instances: int) -> float:
    """Median server time (ms) of GET / for the bench user among ``instances``."""
    folder = Path(tempfile.mkdtemp(prefix="alur-bench-inbox-"))
    clock = ManualClock(MONDAY_0800)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
                      "SECRET_KEY": "bench", "ALUR_CLOCK": clock,
                      "ALUR_PASSWORD_METHOD": "pbkdf2:sha256:1000", "WTF_CSRF_ENABLED": False})
    with app.app_context():
        db.create_all()
    runner = app.test_cli_runner()
    for command in (["deploy"], ["demo-users"]):
        runner.invoke(args=command, env={"ALUR_DEMO_PASSWORD": PASSWORD}, catch_exceptions=False)
    with app.app_context():
        _fill(instances, clock)
    client = app.test_client()
    client.post("/masuk", data={"username": "kasubbag", "password": PASSWORD})
    timings = []
    for _ in range(ROUNDS):
        begin = time.perf_counter()
        response = client.get("/")
        timings.append(time.perf_counter() - begin)
        assert response.status_code == 200 and response.data.count(b'href="/tugas/') == OPEN_TASKS
    return statistics.median(timings) * 1000


def _fill(instances: int, clock: ManualClock) -> None:
    """``instances`` instances with one step each; ``OPEN_TASKS`` of them open for the
    bench user (Kasubbag, also given Prakom), the rest finished."""
    session = db.session
    user = session.scalar(select(User).where(User.username == "kasubbag"))
    session.add(UserRole(user_id=user.id, role="Prakom"))
    definition = session.scalar(select(ProcessDefinition).where(
        ProcessDefinition.key == "penanganan_gangguan_server"))
    now = clock.now()
    batch = 5000
    for start in range(0, instances, batch):
        ids = range(start + 1, min(start + batch, instances) + 1)
        session.execute(insert(ProcessInstance), [
            {"id": i, "definition_id": definition.id, "title": f"Gangguan {i}",
             "status": "running" if i <= OPEN_TASKS else "completed", "started_by_id": user.id,
             "started_at": now - timedelta(minutes=i), "state_json": "{}", "lock_version": 1}
            for i in ids])
        session.execute(insert(HumanTask), [
            {"instance_id": i, "spiff_task_id": f"{i:036d}", "bpmn_id": "Kegiatan_1",
             "name": "Menerima dan mencatat laporan gangguan server",
             "role": "Prakom" if i % 2 else "Kasubbag",
             "state": "open" if i <= OPEN_TASKS else "completed",
             "created_at": now - timedelta(minutes=i), "due_at": now + timedelta(minutes=i - 250),
             "completed_at": None if i <= OPEN_TASKS else now}
            for i in ids])
    session.commit()


def main() -> None:
    small, large = inbox_ms(1_000), inbox_ms(100_000)
    print(f"Kotak Masuk page, user with {OPEN_TASKS} open tasks in 2 roles (SQLite), median of "
          f"{ROUNDS}:")
    print(f"  among   1,000 instances: {small:8.1f} ms")
    print(f"  among 100,000 instances: {large:8.1f} ms   (ratio {large / small:.2f}x)")


if __name__ == "__main__":
    main()
