"""Two changes of one instance at once are decided one after the other: the starter may
cancel only while no one else has acted (README, "Batalkan"), also when another person's
completion commits while the cancel waits; a completion waiting for the timer loop's
reminder of the same step goes through after it."""

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from engine.errors import PermissionDenied
from engine.escalation.timers import fire_instance_timers
from engine.models import Attachment, HumanTask, ProcessInstance, User, UserRole
from engine.process.attachments import attach
from engine.process.deploy import deploy
from engine.process.instances import cancel_instance, start_instance
from engine.process.tasks import complete_task
from tests.conftest import mini_bpmn
from tests.helpers.races import second_change


def _started_with_a_colleague(session, clock, users) -> tuple[HumanTask, User]:
    """The test SOP started by the Prakom (committed): its open first step, and a second
    Prakom."""
    deploy(session, clock, mini_bpmn())
    colleague = User(username="prakom2", full_name="Prakom Dua", password_hash="-",
                     created_at=clock.now(), roles=[UserRole(role="Prakom")])
    session.add(colleague)
    started = start_instance(session, clock, process_key="sop_uji", title="Konsep",
                             user=users["Prakom"])
    session.commit()
    return session.scalars(select(HumanTask).where(
        HumanTask.instance_id == started.id)).one(), colleague


def test_the_starter_cannot_cancel_once_another_person_completed_a_step(session, clock, users):
    task, colleague = _started_with_a_colleague(session, clock, users)
    instance_id, starter_id = task.instance_id, users["Prakom"].id
    # The colleague completes the step; not committed yet when the starter cancels.
    complete_task(session, clock, task.id, colleague, {})
    refusal = second_change(session, lambda other: cancel_instance(
        other, clock, instance_id, other.get(User, starter_id), "salah"),
        (PermissionDenied, StaleDataError))
    assert isinstance(refusal, PermissionDenied), refusal
    session.expire_all()
    assert session.get(ProcessInstance, instance_id).status == "running"
    assert session.get(HumanTask, task.id).state == "completed"


def test_a_completion_waits_for_the_reminder_being_fired_and_then_goes_through(session, clock,
                                                                              users):
    deploy(session, clock, mini_bpmn())
    started = start_instance(session, clock, process_key="sop_uji", title="Konsep",
                             user=users["Prakom"])
    session.commit()
    task = session.scalars(select(HumanTask).where(HumanTask.instance_id == started.id)).one()
    task_id, prakom_id = task.id, users["Prakom"].id
    clock.set(task.due_at + timedelta(seconds=1))
    # The timer loop fires the step's reminder; not committed yet when the Prakom submits.
    assert fire_instance_timers(session, clock, started.id) == 1
    assert second_change(session, lambda other: complete_task(
        other, clock, task_id, other.get(User, prakom_id), {}),
        (StaleDataError, PermissionDenied)) is None
    session.expire_all()
    assert session.get(HumanTask, task_id).state == "completed"


def test_a_file_added_while_the_step_is_completed_waits_and_is_refused_to_a_colleague(
        session, clock, users, tmp_path):
    """The colleague's upload read the step open, and its file landed on the completed
    step (README: the role while it is open, then only its performer)."""
    task, colleague = _started_with_a_colleague(session, clock, users)
    task_id, colleague_id = task.id, colleague.id
    complete_task(session, clock, task_id, users["Prakom"], {})  # not committed yet

    def upload(other) -> None:
        seen = other.get(HumanTask, task_id)  # read before the completion commits: open
        assert seen.state == "open"
        attach(other, clock, tmp_path, seen, other.get(User, colleague_id), "catatan.pdf",
               b"%PDF-1.4 catatan")

    refusal = second_change(session, upload, (PermissionDenied,))
    assert isinstance(refusal, PermissionDenied), refusal
    assert session.scalars(select(Attachment)).all() == []
