"""Bench step: instance starts and task completions per second through ``alur serve`` on
SQLite, with ``concurrency`` clients at once, and the 99th percentile of their latency.

A run starts ``count`` instances of Penanganan Gangguan Server (a real SOP, first step
Prakom's) as Prakom, then completes the first step of each. Each client thread has its
own HTTP session (keep-alive), as browsers and integrations do. An answer 503 "busy"
(SQLite's write lock not had within its timeout) is retried, as its message asks; the
latency counts the retries and the run counts them.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from tests.bench.serving import Server, p99

KEY = "penanganan_gangguan_server"
ROLE = "Prakom"


@dataclass
class Rate:
    """One run of one kind of request: requests per second, the p99 latency and the
    server's CPU time per request (its gunicorn workers', /proc), seconds."""

    per_second: float
    p99: float
    busy: int
    server_cpu: float


def run(server: Server, concurrency: int, count: int, tag: str) -> tuple[Rate, Rate]:
    """One run: ``count`` starts then ``count`` completions; returns (starts, completions)."""
    local = threading.local()
    api = f"{server.base}/api/v1"
    busy = {"start": 0, "complete": 0}

    def post(kind: str, url: str, body: dict):
        for _ in range(20):
            answer = http().post(url, timeout=120, json=body)
            if answer.status_code != 503:
                return answer
            busy[kind] += 1
        return answer

    def http():
        if not hasattr(local, "http"):
            local.http = server.api(ROLE)
        return local.http

    def start(number: int) -> tuple[float, int]:
        begin = time.perf_counter()
        answer = post("start", f"{api}/instances", {
            "process_key": KEY, "title": f"Gangguan {tag}-{number}"})
        elapsed = time.perf_counter() - begin
        assert answer.status_code == 201, answer.text
        [task] = answer.json()["open_tasks"]
        return elapsed, task["id"]

    def complete(task_id: int) -> tuple[float, int]:
        begin = time.perf_counter()
        answer = post("complete", f"{api}/tasks/{task_id}/complete", {"data": {}})
        elapsed = time.perf_counter() - begin
        assert answer.status_code == 200, answer.text
        return elapsed, task_id

    server.api(ROLE)  # the token, once, outside the timing
    with ThreadPoolExecutor(concurrency) as pool:
        starts, started = _batch(server, pool, start, range(count), busy, "start")
        completions, _ = _batch(server, pool, complete, [task_id for _, task_id in started],
                                busy, "complete")
    return starts, completions


def _batch(server: Server, pool: ThreadPoolExecutor, call, items, busy: dict[str, int],
           kind: str) -> tuple[Rate, list]:
    """The ``Rate`` of ``call`` over ``items`` (each returning (seconds, result)) and the
    results."""
    cpu, begin = server.cpu_seconds(), time.perf_counter()
    results = list(pool.map(call, items))
    wall, cpu = time.perf_counter() - begin, server.cpu_seconds() - cpu
    return Rate(len(results) / wall, p99([seconds for seconds, _ in results]), busy[kind],
                cpu / len(results)), results
