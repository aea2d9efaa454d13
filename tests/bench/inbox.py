"""Benchmark: one Kotak Masuk page (HTML and ``GET /api/v1/tasks``) for a user with 10,000
open tasks across two roles, among 20,000 instances each carrying a 20 KB saved state.

Rows are bulk-inserted (the page reads only the projections, never a workflow). The time
is measured around the WSGI call through Flask's test client, so no network is counted;
the goal (issue 13) is 30 ms of server time per page. Run with ``make bench`` or
``python -m tests.bench.inbox``; ``ALUR_BENCH_DATABASE_URL`` (an empty PostgreSQL
database of its own, never the shared ``test``) measures PostgreSQL instead of SQLite.
"""

import os
import shutil
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert, select, text

from engine.clock import ManualClock
from engine.models import HumanTask, ProcessDefinition, ProcessInstance, User, UserRole
from tests.conftest import MONDAY_0800
from web import create_app
from web.extensions import db

OPEN_TASKS = 10_000
INSTANCES = 20_000
ROUNDS = 15
PASSWORD = "bench-password"
GOAL_MS = 30.0
PAGES = {"HTML page 1 (50 rows)": "/",
         "HTML page 100 of 100 rows, by number": "/?per_page=100&halaman=100&urut=-nomor",
         "HTML search 'gangguan 77'": "/?cari=gangguan+77",
         "API page 1 (100 rows)": "/api/v1/tasks",
         "API page 50, received first": "/api/v1/tasks?page=50&sort=diterima"}


def measure(url: str) -> dict[str, tuple[float, float]]:
    """Median server time and median CPU time of this process (ms) of each of ``PAGES``
    on the database at ``url``. The CPU time leaves out waiting for a busy machine's
    other processes (and, on PostgreSQL, the database server's own work)."""
    clock = ManualClock(MONDAY_0800)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "ALUR_CLOCK": clock, "ALUR_PASSWORD_METHOD": "pbkdf2:sha256:1000",
                      "WTF_CSRF_ENABLED": False})
    with app.app_context():
        db.create_all()
    runner = app.test_cli_runner()
    for command in (["deploy"], ["demo-users"]):
        runner.invoke(args=command, env={"ALUR_DEMO_PASSWORD": PASSWORD}, catch_exceptions=False)
    with app.app_context():
        _fill(clock)
    client = app.test_client()
    client.post("/masuk", data={"username": "kasubbag", "password": PASSWORD})
    token = client.post("/api/v1/auth/token", json={"username": "kasubbag",
                                                    "password": PASSWORD}).json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    found = {}
    for label, path in PAGES.items():
        timings, cpu = [], []
        for _ in range(ROUNDS + 1):
            begin, begin_cpu = time.perf_counter(), time.process_time()
            response = client.get(path, headers=headers if path.startswith("/api/") else {})
            timings.append(time.perf_counter() - begin)
            cpu.append(time.process_time() - begin_cpu)
            assert response.status_code == 200, (path, response.status_code)
        found[label] = (statistics.median(timings[1:]) * 1000, statistics.median(cpu[1:]) * 1000)
    with app.app_context():
        if url.startswith("postgresql"):
            db.session.remove()
            db.drop_all()
        db.session.remove()
        db.engine.dispose()
    return found


def _fill(clock: ManualClock) -> None:
    """``INSTANCES`` instances with one step each; ``OPEN_TASKS`` of them open for the
    bench user (Kasubbag, also given Prakom), the rest finished."""
    session = db.session
    user = session.scalar(select(User).where(User.username == "kasubbag"))
    session.add(UserRole(user_id=user.id, role="Prakom"))
    definition = session.scalar(select(ProcessDefinition).where(
        ProcessDefinition.key == "penanganan_gangguan_server"))
    now = clock.now()
    state = '{"data": "' + "x" * 20_000 + '"}'
    batch = 2000
    for start in range(0, INSTANCES, batch):
        ids = range(start + 1, min(start + batch, INSTANCES) + 1)
        session.execute(insert(ProcessInstance), [
            {"id": i, "definition_id": definition.id, "title": f"Gangguan {i}",
             "number": f"GS-2026-{i:05d}",
             "status": "running" if i <= OPEN_TASKS else "completed", "started_by_id": user.id,
             "started_at": now - timedelta(minutes=i), "state_json": state, "lock_version": 1}
            for i in ids])
        session.execute(insert(HumanTask), [
            {"instance_id": i, "spiff_task_id": f"{i:036d}", "bpmn_id": "Kegiatan_1",
             "name": "Menerima dan mencatat laporan gangguan server",
             "role": "Prakom" if i % 2 else "Kasubbag",
             "state": "open" if i <= OPEN_TASKS else "completed",
             "created_at": now - timedelta(minutes=i),
             "due_at": now + timedelta(minutes=i - OPEN_TASKS // 2),
             "completed_at": None if i <= OPEN_TASKS else now}
            for i in ids])
    session.commit()
    if session.get_bind().dialect.name == "postgresql":
        # Autovacuum would gather these statistics on a live server within a minute.
        session.execute(text("ANALYZE"))
        session.commit()


def main() -> None:
    url = os.environ.get("ALUR_BENCH_DATABASE_URL", "")
    folder = None
    if not url:
        folder = Path(tempfile.mkdtemp(prefix="alur-bench-inbox-"))
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
    try:
        found = measure(url)
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
    engine = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"Kotak Masuk, user with {OPEN_TASKS:,} open tasks among {INSTANCES:,} instances "
          f"({engine}, this machine, load average {os.getloadavg()[0]:.1f}), median of "
          f"{ROUNDS}, goal {GOAL_MS:.0f} ms per page; server time / CPU time of the process:")
    for label, (ms, cpu) in found.items():
        print(f"  {label:<40} {ms:7.1f} ms / {cpu:6.1f} ms  "
              f"{'met' if ms <= GOAL_MS else 'NOT met'}")


if __name__ == "__main__":
    main()
