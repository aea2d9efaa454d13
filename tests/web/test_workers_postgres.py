"""Several ``alur worker`` processes on one PostgreSQL database claim due timers in batches:
every timer fires once and every e-mail arrives, also when a worker is killed with SIGKILL
holding a claimed batch (taken over by the other once the claim expires).

The test needs the machine's PostgreSQL whatever the suite runs on, and does the same work
in both passes of ``.ci/run``; it runs in the PostgreSQL pass only. ``make bench`` measures
the timers' throughput.
"""

import os
import re
import signal
import subprocess
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import requests
from sqlalchemy import create_engine, func, select, update
from sqlalchemy.orm import Session

from engine.escalation.delivery import message_id
from engine.models import (
    Delivery,
    Escalation,
    HumanTask,
    Notification,
    Timer,
    WorkerHeartbeat,
)
from tests.helpers.database import on_postgres, postgres_schema
from tests.helpers.servers import ALUR, SmtpServer, children, free_port
from tests.helpers.workload import prepare, worker

TIMERS = 120

pytestmark = pytest.mark.skipif(not on_postgres(), reason="runs in the PostgreSQL pass "
                                "(ALUR_DATABASE_URL=postgresql+psycopg://…) of .ci/run")


def counts(session: Session) -> dict[str, int]:
    session.rollback()  # a fresh snapshot
    return {
        "escalations": session.scalar(select(func.count()).select_from(Escalation)),
        "timers": session.scalar(select(func.count()).select_from(Timer)),
        "unsent": session.scalar(select(func.count()).select_from(Delivery)
                                 .where(Delivery.state != "sent")),
        "deliveries": session.scalar(select(func.count()).select_from(Delivery)),
    }


@pytest.fixture
def schema():
    with postgres_schema() as url:
        yield url


@pytest.fixture
def watcher(schema):
    engine = create_engine(schema)
    with Session(engine) as session:
        yield session
    engine.dispose()


def claims(session: Session) -> Counter:
    """How many timers each worker holds claimed right now."""
    session.rollback()
    return Counter(session.scalars(select(Timer.claimed_by).where(
        Timer.claimed_by.is_not(None), Timer.claimed_until > func.now())))


def owned_by(process) -> str:
    return f":{process.pid}:"


def test_two_workers_claim_batches_fire_120_timers_once_and_send_every_email_despite_sigkill(
        schema, watcher, tmp_path):
    smtp = SmtpServer(free_port()).start()
    prepare(schema, smtp.port, TIMERS)
    watcher.execute(update(Timer).values(fire_at=func.now() + timedelta(days=365)))
    watcher.commit()
    workers = [worker(schema, tmp_path), worker(schema, tmp_path)]
    orphaned: list[int] = []
    batches_seen: Counter = Counter()
    try:
        deadline = time.monotonic() + 120
        while watcher.scalar(select(func.count()).select_from(WorkerHeartbeat)) < 2:
            assert time.monotonic() < deadline, "the workers did not start"
            watcher.rollback()
            time.sleep(0.1)
        # Both workers are up: every timer falls due at once.
        watcher.execute(update(Timer).values(fire_at=func.now()))
        watcher.commit()
        # Both workers hold a batch (more than one timer) at some moment, disjoint by row.
        while not all(any(owned_by(process) in owner and n > 1 for owner, n in batches_seen.items())
                      for process in workers):
            assert time.monotonic() < deadline, f"no batches seen: {batches_seen}"
            batches_seen.update(claims(watcher))
            time.sleep(0.02)
        # Freeze worker 0 while it holds a claimed batch, then kill it.
        while not orphaned:
            assert time.monotonic() < deadline, "worker 0 never held a claim"
            workers[0].send_signal(signal.SIGSTOP)
            watcher.rollback()
            orphaned = list(watcher.scalars(select(Timer.id).where(
                Timer.claimed_by.contains(owned_by(workers[0])))))
            if not orphaned:
                workers[0].send_signal(signal.SIGCONT)
                time.sleep(0.01)
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait()
        while True:
            state = counts(watcher)
            if state["timers"] == 0 and state["deliveries"] == 2 * TIMERS and not state["unsent"]:
                break
            assert time.monotonic() < deadline, f"not finished: {state}"
            time.sleep(0.5)
    finally:
        for process in workers:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=20)
        smtp.stop()

    watcher.rollback()
    escalated = watcher.execute(select(Escalation.human_task_id, Escalation.level)).all()
    tasks = watcher.scalars(select(HumanTask.id)).all()
    assert sorted(escalated) == sorted((task, 1) for task in tasks)  # each once, none twice
    assert len(tasks) == TIMERS
    assert orphaned  # the dead worker's batch: the survivor fired it after the claim expired
    assert watcher.scalar(select(func.count()).select_from(Notification)) == 2 * TIMERS
    expected = Counter(message_id(row) for row in watcher.scalars(select(Delivery)).all())
    received = Counter(mail["Message-ID"] for mail in smtp.messages)
    assert set(received) == set(expected), "every e-mail arrived"
    repeats = {mid: n for mid, n in received.items() if n > 1}
    # Enqueued once; sent at least once. Only a message the killed worker was sending —
    # taken by the SMTP server, not yet recorded — can come a second time.
    assert sum(n - 1 for n in repeats.values()) <= 1, repeats


def loop_rounds(session: Session) -> dict[int, int]:
    """Timer-loop rounds recorded so far, by the process id in the worker's id."""
    session.rollback()
    return {int(worker_id.split(":")[1]): rounds for worker_id, rounds in session.execute(
        select(WorkerHeartbeat.worker_id, WorkerHeartbeat.rounds))}


def test_serve_with_two_workers_answers_from_both_and_runs_the_timer_loop_in_one(
        schema, watcher, tmp_path):
    env = {**os.environ, "ALUR_DATABASE_URL": schema, "ALUR_INSTANCE_PATH": str(tmp_path),
           "ALUR_TIMER_INTERVAL": "0.2", "ALUR_BIND": f"127.0.0.1:{free_port()}"}
    subprocess.run([ALUR, "setup"], env=env, check=True, capture_output=True)
    log = (tmp_path / "serve.log").open("w")
    master = subprocess.Popen([ALUR, "serve", "--workers", "2", "--threads", "2"], env=env,
                              stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://{env['ALUR_BIND']}"
    deadline = time.monotonic() + 60
    try:
        answered: set[int] = set()
        with ThreadPoolExecutor(8) as pool:
            while len(answered) < 2:  # each process writes its metrics file on its first answer
                assert time.monotonic() < deadline, f"answered: {answered}"
                list(pool.map(lambda _: _get(f"{base}/healthz"), range(16)))
                answered = {int(path.stem.split("_")[1])
                            for path in (tmp_path / "metrics").glob("counter_*.db")}
        web = children(master.pid)
        assert len(web) == 2 and answered == web

        while sum(loop_rounds(watcher).values()) < 5:
            assert time.monotonic() < deadline, "no timer-loop rounds"
            time.sleep(0.2)
        [looping] = loop_rounds(watcher)  # one process runs the loop
        assert looping in web
        os.kill(looping, signal.SIGKILL)  # another process takes the loop over
        while len(loop_rounds(watcher)) < 2:
            assert time.monotonic() < deadline, "the timer loop was not taken over"
            time.sleep(0.2)
        before = loop_rounds(watcher)
        time.sleep(1)
        after = loop_rounds(watcher)
        assert after[looping] == before[looping]
        assert [pid for pid in after if after[pid] > before[pid]] == [
            pid for pid in after if pid != looping]
        assert set(after) - {looping} <= children(master.pid)
        while not _replaced(master.pid, tmp_path, web - {looping}):
            assert time.monotonic() < deadline, "the killed process was not replaced"
            _get(f"{base}/healthz")
    finally:
        master.terminate()
        master.wait(timeout=45)  # gunicorn kills what is still running after 30 seconds
        log.close()
    # Both processes ended on SIGTERM, the loop's after its round: none had to be killed.
    log_text = (tmp_path / "serve.log").read_text()
    assert re.findall(r"Worker \(pid:(\d+)\) was sent SIGKILL", log_text) == [str(looping)]


def _replaced(master: int, tmp_path, survivors: set[int]) -> bool:
    """Whether gunicorn's new process beside ``survivors`` has answered a request."""
    answered = {int(path.stem.split("_")[1])
                for path in (tmp_path / "metrics").glob("counter_*.db")}
    return bool((children(master) - survivors) & answered)


def _get(url: str) -> int:
    try:
        return requests.get(url, timeout=5).status_code
    except requests.RequestException:
        return 0
