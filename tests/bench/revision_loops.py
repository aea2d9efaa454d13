"""Benchmark: one completion of an RKT step sent back for revision again and again.

An RKT instance goes round the Panitera's revision loop (Kegiatan_4 "revisi" ->
Kegiatan_3) 1,000 times, through the engine on a SQLite file, each completion committed.
At loops 1, 10, 100 and 1,000 it prints the time of completing Kegiatan_4 (median of
that loop and the four before it), the stored state's size and the number of tasks in
the workflow tree: all three stay flat (README, "Batas"). Run with ``python -m tests.bench.revision_loops``.
"""

import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from engine.clock import ManualClock
from engine.db import Base
from engine.models import HumanTask, ProcessInstance, User, UserRole
from engine.process.deploy import deploy
from engine.process.instances import start_instance
from engine.process.tasks import complete_task
from engine.runtime.compaction import tree_size
from engine.runtime.unit import change
from tests.conftest import BPMN_DIR, MONDAY_0800, sop_walks

LOOPS = 1000
MARKS = (1, 10, 100, 1000)
WINDOW = 5


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="alur-bench-loops-") as name:
        _main(Path(name))


def _main(folder: Path) -> None:
    engine = create_engine(f"sqlite:///{folder / 'bench.sqlite3'}")
    Base.metadata.create_all(engine)
    clock = ManualClock(MONDAY_0800)
    with Session(engine) as session:
        users = {}
        for role in ("Kasubbag", "Bidang Terkait", "Panitera"):
            users[role] = User(username=role.lower().replace(" ", "_"), full_name=role,
                               password_hash="-", created_at=clock.now(),
                               roles=[UserRole(role=role)])
            session.add(users[role])
        deploy(session, clock, (BPMN_DIR / "penyusunan_rkt.bpmn").read_bytes())
        instance = start_instance(session, clock, process_key="penyusunan_rkt", title="RKT",
                                  user=users["Kasubbag"])
        session.commit()
        for step in sop_walks()["penyusunan_rkt"][:3]:
            _complete(session, clock, users, step["data"])
        timings: list[float] = []
        print(f"RKT revision loop (Kegiatan_4 revisi -> Kegiatan_3), SQLite file, "
              f"one completion of Kegiatan_4 (median of loops n-{WINDOW - 1}..n):")
        for loop in range(1, LOOPS + 1):
            timings = (timings + [_complete(session, clock, users,
                                            {"verifikasi_panitera_rancangan": "revisi",
                                              "catatan": "Sasaran belum terukur"})])
            timings = timings[-WINDOW:]
            _complete(session, clock, users, {})
            if loop in MARKS:
                state = len(session.get(ProcessInstance, instance.id).state_json)
                with change(session, clock, instance.id) as unit:
                    tree = tree_size(unit.workflow)
                session.rollback()
                print(f"  loop {loop:5d}: {statistics.median(timings) * 1000:7.2f} ms, "
                      f"state {state:6d} bytes, task tree {tree:3d} tasks")
    engine.dispose()


def _complete(session: Session, clock: ManualClock, users: dict, data: dict) -> float:
    task = session.scalars(select(HumanTask).where(HumanTask.state == "open")).one()
    begin = time.perf_counter()
    complete_task(session, clock, task.id, users[task.role], data)
    session.commit()
    return time.perf_counter() - begin


if __name__ == "__main__":
    main()
