"""A small hand-made history for the report tests, driven through the real engine on a
manual clock. The expected figures are worked out by hand in tests/engine/test_reports.py.
"""

import random
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import AuditRecord, HumanTask, ProcessInstance, User
from engine.process.deploy import deploy
from engine.process.instances import start_instance
from engine.process.tasks import complete_task, task_entry
from tests.conftest import BPMN_DIR, WIB, mini_bpmn
from web.cli.demo_forms import sample
from web.cli.demo_history import catch_up


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=WIB)


def run_to(session: Session, clock, instance_id: int, moment: datetime) -> None:
    """Move the clock to ``moment``, firing the instance's timers at their own times."""
    catch_up(session, clock, instance_id, moment)
    session.commit()


def start(session, clock, user, key, title, moment, data=None) -> ProcessInstance:
    clock.set(moment)
    instance = start_instance(session, clock, process_key=key, title=title, user=user,
                              data=data)
    record = session.scalar(select(AuditRecord).where(
        AuditRecord.instance_id == instance.id, AuditRecord.action == "instance.started"))
    if data and "data" not in record.detail:
        # Until start_instance records its start data in the audit detail (the agreed place
        # for the priority), put it where it will be.
        record.detail = {**record.detail, "data": data}
    session.commit()
    return instance


def step(session, clock, instance, user, moment, **data) -> None:
    run_to(session, clock, instance.id, moment)
    task = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                   HumanTask.state == "open")).one()
    complete_task(session, clock, task.id, user, data)
    session.commit()


def build_history(session: Session, clock, prakom: User, kasubbag: User) -> dict[str, int]:
    """Instances A, B, C of SOP Uji and E, F, G of Penanganan Gangguan Server, as told in
    tests/engine/test_reports.py; returns ``{name: instance id}``."""
    deploy(session, clock, mini_bpmn())
    deploy(session, clock, (BPMN_DIR / "penanganan_gangguan_server.bpmn").read_bytes())
    session.commit()
    made = {}
    made["A"] = a = start(session, clock, prakom, "sop_uji", "A", at(23, 8))
    step(session, clock, a, prakom, at(23, 8, 20))
    step(session, clock, a, kasubbag, at(23, 10, 30), keputusan_kasubbag="setuju")
    made["E"] = e = start(session, clock, prakom, "penanganan_gangguan_server", "E", at(24, 8),
                          {"prioritas": "kritis"})
    step(session, clock, e, prakom, at(24, 8, 30))
    step(session, clock, e, prakom, at(24, 9, 30), hasil_penanganan="tuntas")
    made["F"] = f = start(session, clock, prakom, "penanganan_gangguan_server", "F",
                          at(24, 10))
    step(session, clock, f, prakom, at(24, 10, 20))
    step(session, clock, f, prakom, at(24, 13, 20), hasil_penanganan="tuntas")
    made["G"] = g = start(session, clock, prakom, "penanganan_gangguan_server", "G",
                          at(25, 14), {"prioritas": "kritis"})
    step(session, clock, g, prakom, at(25, 14, 10))
    step(session, clock, g, prakom, at(26, 8), hasil_penanganan="tuntas")
    made["B"] = b = start(session, clock, prakom, "sop_uji", "B", at(27, 15, 30))
    step(session, clock, b, prakom, at(30, 8, 30))
    step(session, clock, b, kasubbag, at(30, 9), keputusan_kasubbag="revisi",
         catatan="perbaiki tabel")
    step(session, clock, b, prakom, at(30, 9, 10))
    step(session, clock, b, kasubbag, at(1, 9, 10, month=12), keputusan_kasubbag="setuju")
    made["C"] = c = start(session, clock, prakom, "sop_uji", "C", at(2, 10, month=12))
    step(session, clock, c, prakom, at(2, 10, 45, month=12))
    run_to(session, clock, c.id, at(4, 16, month=12))
    return {name: instance.id for name, instance in made.items()}


def onward(task: HumanTask, moment: datetime) -> dict:
    """Values that complete ``task`` and move on: each choice's first onward value, the
    declared form filled as the demo history fills it."""
    entry = task_entry(task)
    values = {field["name"]: next(c["value"] for c in field["choices"]
                                  if not c.get("returns", c["value"] == "revisi"))
              for field in entry["fields"] if field["type"] == "choice"}
    values.update(sample(random.Random(1), entry.get("form"), task.instance.data or {}, moment))
    return values
