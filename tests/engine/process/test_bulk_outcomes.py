"""Ambil sekaligus names each step once: a step another took meanwhile reads "Tugas "…"
(case) sudah diambil oleh …", not the step's name again after a colon."""

from datetime import timedelta

from sqlalchemy import func, select

from engine.models import AuditRecord, HumanTask, Substitution
from engine.people.substitution import end_early, record
from engine.process.bulk import bulk_assign, bulk_claim
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


def test_alihkan_to_the_holder_says_nothing_changed(session, clock, users):
    deploy(session, clock, mini_bpmn())
    started = start_instance(session, clock, process_key="sop_uji", title="Konsep",
                             user=users["Prakom"])
    task = session.scalars(select(HumanTask).where(HumanTask.instance_id == started.id)).one()
    claim_task(session, clock, task.id, users["Prakom"])
    before = session.scalar(select(func.count()).select_from(AuditRecord))
    [outcome] = bulk_assign(session, clock, users["Kasubbag"], [task.id], users["Prakom"])
    assert (outcome.done, outcome.kind, outcome.message) == (
        True, "held", f'Tugas "Menyusun konsep" ({started.number}) sudah dipegang Demo '
                      "Prakom; tidak ada yang berubah.")
    assert session.scalar(select(func.count()).select_from(AuditRecord)) == before


def test_ambil_after_the_plh_ended_says_that_it_ended(session, clock, users):
    """As Ambil on the step's page says it; also a step opened in the minute the Plh was
    ended early in (the end is that minute's start)."""
    deploy(session, clock, mini_bpmn())
    record(session, clock, kind="Plh", official=users["Prakom"], substitute=users["Kasubbag"],
           role="Prakom", warrant_number="SP-1", starts_at=clock.now(),
           ends_at=clock.now() + timedelta(days=1), created_by=users["admin"])
    clock.advance(timedelta(hours=1, seconds=7))
    started = start_instance(session, clock, process_key="sop_uji", title="Konsep",
                             user=users["Prakom"])
    clock.advance(timedelta(seconds=5))
    end_early(session, clock, session.scalars(select(Substitution)).one(), users["admin"])
    [task_id] = session.scalars(select(HumanTask.id).where(
        HumanTask.instance_id == started.id)).all()
    [outcome] = bulk_claim(session, clock, users["Kasubbag"], [task_id])
    assert (outcome.done, outcome.message) == (
        False, f'Tugas "Menyusun konsep" ({started.number}): Masa Plh Anda untuk peran Prakom '
               "sudah berakhir; langkah ini kini dikerjakan pemegang peran itu.")
