"""Ambil sekaligus names each step once: a step another took meanwhile reads "Tugas "…"
(case) sudah diambil oleh …", not the step's name again after a colon."""

from sqlalchemy import select

from engine.models import HumanTask
from engine.process.bulk import bulk_claim
from engine.process.deploy import deploy
from engine.process.instances import start_instance
from engine.process.tasks import claim_task
from tests.conftest import mini_bpmn
from tests.helpers.people import add_user


def test_a_step_taken_by_another_is_named_once(session, clock, users):
    deploy(session, clock, mini_bpmn())
    started = start_instance(session, clock, process_key="sop_uji", title="Konsep",
                             user=users["Prakom"])
    task = session.scalars(select(HumanTask).where(HumanTask.instance_id == started.id)).one()
    colleague = add_user(session, clock, "prakom2", "Prakom Dua", "Prakom")
    claim_task(session, clock, task.id, colleague)
    [outcome] = bulk_claim(session, clock, users["Prakom"], [task.id])
    assert (outcome.done, outcome.kind) == (False, "refused_named")
    assert outcome.message == (f'Tugas "Menyusun konsep" ({started.number}) sudah diambil '
                               "oleh Prakom Dua (prakom2).")
    assert outcome.params["why"] == "sudah diambil oleh Prakom Dua (prakom2)."
