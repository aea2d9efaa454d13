"""A change of an instance happens at one moment: a step opens at the very instant its
Waktu starts counting, so the reports' allowed minutes equal the step's Waktu even on a
real clock, which moves between two reads."""

from datetime import timedelta

from sqlalchemy import select

from engine.clock import ManualClock
from engine.models import HumanTask, StepFact
from engine.process import case
from engine.process.deploy import deploy
from engine.process.instances import start_instance
from engine.process.tasks import complete_task
from tests.conftest import MONDAY_0800, mini_bpmn


class TickingClock(ManualClock):
    """A clock that moves one microsecond on every read, as the system clock does."""

    def now(self):
        return self.advance(timedelta(microseconds=1))


def test_allowed_minutes_equal_the_waktu_on_a_moving_clock(session, users):
    clock = TickingClock(MONDAY_0800)
    deploy(session, clock, mini_bpmn())
    start_instance(session, clock, process_key="sop_uji", title="Konsep",
                   user=users["Prakom"])
    step = session.scalars(select(HumanTask)).one()
    assert step.due_at - step.created_at == timedelta(minutes=30)

    complete_task(session, clock, step.id, users["Prakom"], {"catatan": "konsep siap"})
    session.flush()
    fact = session.scalars(select(StepFact)).one()
    assert fact.allowed_minutes == 30
    assert fact.on_time is True


def test_a_step_returned_for_revision_opens_as_the_returning_step_completes(session, users):
    """The revision's banner ("Dikembalikan oleh …") finds the step completed last before
    the new round opened: the completion and the opening are one moment."""
    clock = TickingClock(MONDAY_0800)
    deploy(session, clock, mini_bpmn())
    start_instance(session, clock, process_key="sop_uji", title="Konsep",
                   user=users["Prakom"])
    first = session.scalars(select(HumanTask)).one()
    complete_task(session, clock, first.id, users["Prakom"], {"catatan": "konsep siap"})
    review = session.scalars(select(HumanTask).where(HumanTask.state == "open")).one()
    complete_task(session, clock, review.id, users["Kasubbag"],
                  {"keputusan_kasubbag": "revisi", "catatan": "Perbaiki target"})
    again = session.scalars(select(HumanTask).where(HumanTask.state == "open")).one()
    assert again.created_at == review.completed_at
    assert case.returned_by(session, again) is review
