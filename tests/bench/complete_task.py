"""Benchmark: completing one RKT step through the full stack vs. in SpiffWorkflow's memory.

Full stack: an HTTP POST /api/v1/tasks/<id>/complete to a real server thread (API ->
database -> engine -> database, committed). In memory: the same step of the same
instance, restored beforehand, run with ``task.run()`` + ``do_engine_steps()`` only.
Prints medians and their ratio. Run with ``make bench``.
"""

import statistics
import tempfile
import threading
import time
from pathlib import Path

import requests
from werkzeug.serving import WSGIRequestHandler, make_server

from engine.clock import ManualClock
from engine.models import HumanTask
from engine.runtime.unit import change
from tests.conftest import MONDAY_0800
from web import create_app
from web.extensions import db

ROUNDS = 60
PASSWORD = "bench-password"


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="alur-bench-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
                      "SECRET_KEY": "bench", "ALUR_CLOCK": ManualClock(MONDAY_0800)})
    with app.app_context():
        db.create_all()
    runner = app.test_cli_runner()
    for command in (["deploy"], ["demo-users"]):
        runner.invoke(args=command, env={"ALUR_DEMO_PASSWORD": PASSWORD}, catch_exceptions=False)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/api/v1"
    http = requests.Session()
    token = http.post(f"{base}/auth/token",
                      json={"username": "kasubbag", "password": PASSWORD}).json()["token"]
    http.headers["Authorization"] = f"Bearer {token}"

    full, memory = [], []
    for round_number in range(ROUNDS):
        started = http.post(f"{base}/instances",
                            json={"process_key": "penyusunan_rkt", "title": f"RKT {round_number}"})
        task_id = started.json()["open_tasks"][0]["id"]
        memory.append(_in_memory_seconds(app, task_id))
        begin = time.perf_counter()
        response = http.post(f"{base}/tasks/{task_id}/complete", json={"data": {}})
        full.append(time.perf_counter() - begin)
        assert response.status_code == 200, response.text
    server.shutdown()

    full_ms, memory_ms = statistics.median(full) * 1000, statistics.median(memory) * 1000
    print(f"RKT, Kegiatan_1 (Kasubbag), {ROUNDS} rounds, SQLite file, median:")
    print(f"  full stack (HTTP API -> database -> engine -> database): {full_ms:8.2f} ms")
    print(f"  SpiffWorkflow in memory (run + engine steps):              {memory_ms:8.2f} ms")
    print(f"  ratio full / in-memory:                                    {full_ms / memory_ms:8.1f}x")


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: object) -> None:
        pass


def _in_memory_seconds(app, task_id: int) -> float:
    """Time the same step of the same instance in SpiffWorkflow alone (rolled back)."""
    with app.app_context():
        task = db.session.get(HumanTask, task_id)
        with change(db.session, app.config["ALUR_CLOCK"], task.instance_id) as unit:
            spiff_task = unit.find_task(task.spiff_task_id)
            begin = time.perf_counter()
            spiff_task.run()
            unit.workflow.do_engine_steps()
            elapsed = time.perf_counter() - begin
        db.session.rollback()
        return elapsed


if __name__ == "__main__":
    main()
