"""Several ``alur worker`` processes on one PostgreSQL database: every timer fires once
and every e-mail arrives, also when a worker is killed with SIGKILL mid-run.

The test needs the machine's PostgreSQL whatever the suite runs on, and does the same work
in both passes of ``.ci/run``; it runs in the PostgreSQL pass only. ``make bench`` measures
the timers' throughput on 2,000 of them.
"""

import signal
import time
from collections import Counter

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from engine.escalation.delivery import message_id
from engine.models import Delivery, Escalation, HumanTask, Notification, Timer
from tests.helpers.database import on_postgres, postgres_schema
from tests.helpers.servers import SmtpServer, free_port
from tests.helpers.workload import prepare, worker

TIMERS = 200

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


def test_two_workers_fire_200_timers_once_and_send_every_email_despite_sigkill(
        schema, watcher, tmp_path):
    smtp = SmtpServer(free_port()).start()
    prepare(schema, smtp.port, TIMERS)
    workers = [worker(schema, tmp_path), worker(schema, tmp_path)]
    try:
        deadline = time.monotonic() + 120
        while counts(watcher)["escalations"] < TIMERS // 4:
            assert time.monotonic() < deadline, "workers made no progress"
            time.sleep(0.2)
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait()
        workers[0] = worker(schema, tmp_path)  # restarted, it catches up
        while True:
            state = counts(watcher)
            if state["timers"] == 0 and state["deliveries"] == 2 * TIMERS and not state["unsent"]:
                break
            assert time.monotonic() < deadline, f"not finished: {state}"
            time.sleep(0.5)
    finally:
        for process in workers:
            process.terminate()
            process.wait(timeout=20)
        smtp.stop()

    watcher.rollback()
    escalated = watcher.execute(select(Escalation.human_task_id, Escalation.level)).all()
    tasks = watcher.scalars(select(HumanTask.id)).all()
    assert sorted(escalated) == sorted((task, 1) for task in tasks)
    assert len(tasks) == TIMERS
    assert watcher.scalar(select(func.count()).select_from(Notification)) == 2 * TIMERS
    keys = watcher.scalars(select(Delivery.dedupe_key)).all()

    expected = Counter(message_id(key) for key in keys)
    received = Counter(mail["Message-ID"] for mail in smtp.messages)
    assert set(received) == set(expected), "every e-mail arrived"
    repeats = {mid: n for mid, n in received.items() if n > 1}
    # Enqueued once; sent at least once. Only a message the killed worker was sending —
    # taken by the SMTP server, not yet recorded — can come a second time.
    assert sum(n - 1 for n in repeats.values()) <= 1, repeats
