"""A real ``alur serve`` (gunicorn) for the bench, or another gunicorn server beside it:
started on a database, logged in over the JSON API, measured from /proc, stopped. Nothing
here is kept after the bench."""

import os
import statistics
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

import requests

from engine.roles import username_for
from tests.helpers.servers import ALUR, children, free_port

PASSWORD = "bench-password"


@dataclass
class Server:
    """A running gunicorn server (``alur serve``, or the floor of ``tests.bench.floor``): its
    base URL and gunicorn master's process id."""

    base: str
    pid: int
    tokens: dict[str, str] = field(default_factory=dict)

    def api(self, role: str) -> requests.Session:
        """An HTTP session with the API token of ``role``'s demo user (made once per role)."""
        if role not in self.tokens:
            answer = requests.post(f"{self.base}/api/v1/auth/token", timeout=30, json={
                "username": username_for(role), "password": PASSWORD})
            answer.raise_for_status()
            self.tokens[role] = answer.json()["token"]
        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {self.tokens[role]}"
        return http

    def processes(self) -> list[int]:
        """gunicorn's master and its workers."""
        return [self.pid, *children(self.pid)]

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the gunicorn workers have used so far, seconds."""
        return sum(cpu_seconds(pid) for pid in children(self.pid))

    def peak_rss_mb(self) -> float:
        """The highest peak resident set size (VmHWM) of a gunicorn worker process, MB."""
        return max((peak_rss_mb(pid) for pid in children(self.pid)), default=0.0)


def environment(folder: Path, database_url: str, **settings: str) -> dict[str, str]:
    """The environment of an ``alur`` command on ``database_url`` with its files in
    ``folder``: demo users with the bench's password, quiet logs, ``settings`` added."""
    return {**os.environ, "ALUR_DATABASE_URL": database_url, "ALUR_INSTANCE_PATH": str(folder),
            "ALUR_DEMO": "1", "ALUR_DEMO_PASSWORD": PASSWORD, "ALUR_LOG_LEVEL": "WARNING",
            **settings}


def setup(folder: Path, database_url: str) -> None:
    """``alur setup`` with the demo users: migrate, deploy bpmn/, users."""
    subprocess.run([ALUR, "setup"], env=environment(folder, database_url), check=True,
                   capture_output=True)


@contextmanager
def serving(folder: Path, database_url: str, *args: str, **settings: str) -> Iterator[Server]:
    """``alur serve`` on ``database_url`` (already set up) with ``args``; yields once
    /healthz answers; stopped (SIGTERM) when the block ends."""
    def command(bind: str) -> list[str]:
        return [ALUR, "serve", "--bind", bind, *args]

    with served(command, environment(folder, database_url, **settings)) as server:
        yield server


@contextmanager
def served(command: Callable[[str], list[str]], env: dict[str, str]) -> Iterator[Server]:
    """The gunicorn server ``command(bind)`` starts (``bind``: a free 127.0.0.1 port) with
    ``env``; yields once /healthz answers; stopped (SIGTERM) when the block ends."""
    bind = f"127.0.0.1:{free_port()}"
    process = subprocess.Popen(command(bind), env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    base = f"http://{bind}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{base}/healthz", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"{command(bind)[0]} did not answer /healthz")
            time.sleep(0.1)
        yield Server(base, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)


def peak_rss_mb(pid: int) -> float:
    """A process's peak resident set size (``VmHWM`` of /proc/<pid>/status), MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    """A process's CPU time so far (``utime`` + ``stime`` of /proc/<pid>/stat), seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def p99(values: list[float]) -> float:
    """The 99th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[max(0, round(0.99 * len(ordered)) - 1)]


def timed(call) -> float:
    """Seconds ``call()`` took; the call must succeed."""
    begin = time.perf_counter()
    call()
    return time.perf_counter() - begin


def median(values: list[float]) -> float:
    return statistics.median(values)


class Background:
    """Run ``work()`` in a loop in a thread until stopped (readers beside the writers)."""

    def __init__(self, work) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, args=(work,), daemon=True)

    def _loop(self, work) -> None:
        while not self._stop.is_set():
            work()

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=60)
