"""Bench steps on an office's open work (``tests.bench.office``) through ``alur serve``:
the Kotak Masuk page of a Kasubbag with 500 open tasks, one page of ``GET /api/v1/tasks``
for a Prakom with 10,000, and the server's memory while it completes those 10,000 tasks
with readers of both lists beside it.

Page times are the client's, on loopback (so at least the server time).
"""

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from sqlalchemy import create_engine, select

from engine.models import HumanTask
from tests.bench.serving import Background, Server, median, timed
from tests.conftest import csrf_token

PER_PAGE = 50


def browser(server: Server, username: str, password: str) -> requests.Session:
    """A logged-in browser session (the login form with its CSRF token)."""
    http = requests.Session()
    form = http.get(f"{server.base}/masuk", timeout=60).text
    answer = http.post(f"{server.base}/masuk", timeout=60, allow_redirects=False, data={
        "username": username, "password": password, "csrf_token": csrf_token(form)})
    assert answer.status_code == 302, answer.status_code
    return http


def inbox_page(http: requests.Session, base: str) -> None:
    answer = http.get(f"{base}/", timeout=120)
    assert answer.status_code == 200 and re.search(rb'href="/tugas/\d+', answer.content)


def task_page(http: requests.Session, base: str) -> None:
    answer = http.get(f"{base}/api/v1/tasks", params={"page": 1, "per_page": PER_PAGE},
                      timeout=120)
    assert answer.status_code == 200, answer.status_code
    assert answer.content.count(b'"step_id"') <= PER_PAGE


def page_seconds(call, runs: int) -> float:
    """Median seconds of ``runs`` calls, after one unmeasured call (a warm server)."""
    call()
    return median([timed(call) for _ in range(runs)])


def complete_all(server: Server, database_url: str, role: str, step_id: str,
                 readers: list, budget: float, concurrency: int = 4
                 ) -> tuple[int, int, float]:
    """Complete the open ``step_id`` tasks of ``role`` over the API, for at most ``budget``
    seconds, while each of ``readers`` (calls) runs once a second beside. Returns how many
    were completed, how many answers were 503 "busy" (SQLite's write lock not had in time;
    retried, as the message asks) and the seconds taken."""
    engine = create_engine(database_url)
    with engine.connect() as connection:
        task_ids = list(connection.scalars(select(HumanTask.id).where(
            HumanTask.role == role, HumanTask.bpmn_id == step_id, HumanTask.state == "open")))
    engine.dispose()
    local = threading.local()
    api = f"{server.base}/api/v1"
    busy: list[int] = []
    done: list[int] = []
    begin = time.monotonic()

    def complete(task_id: int) -> None:
        if time.monotonic() - begin > budget:
            return
        if not hasattr(local, "http"):
            local.http = server.api(role)
        for _ in range(20):
            answer = local.http.post(f"{api}/tasks/{task_id}/complete", timeout=120,
                                     json={"data": {}})
            if answer.status_code != 503:
                break
            busy.append(task_id)
        assert answer.status_code == 200, answer.text
        done.append(task_id)

    backgrounds = [Background(_paced(reader)) for reader in readers]
    for background in backgrounds:
        background.__enter__()
    try:
        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(complete, task_ids))
    finally:
        for background in backgrounds:
            background.__exit__()
    return len(done), len(busy), time.monotonic() - begin


def _paced(call):
    def once_a_second() -> None:
        took = timed(call)
        time.sleep(max(0.0, 1 - took))
    return once_a_second
