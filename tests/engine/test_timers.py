"""A step past its time standard escalates once to its role and to the supervising role."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.deploy import deploy
from engine.instances import start_instance
from engine.models import Escalation, HumanTask, Notification, Timer
from engine.tasks import claim_task, complete_task
from engine.timers import fire_due_timers
from tests.conftest import MONDAY_0800, mini_bpmn


@pytest.fixture
def instance(session, clock, users):
    deploy(session, clock, mini_bpmn())
    instance = start_instance(session, clock, process_key="sop_uji", title="Konsep surat",
                              user=users["Prakom"])
    session.commit()
    return instance


def _count(session: Session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_step_deadline_is_start_plus_time_standard(session, instance):
    task = session.scalars(select(HumanTask)).one()
    assert task.due_at == MONDAY_0800 + timedelta(minutes=30)
    timer = session.scalars(select(Timer)).one()
    assert (timer.fire_at, timer.human_task_id) == (task.due_at, task.id)


def test_nothing_fires_before_the_deadline(session, clock, instance):
    clock.advance(timedelta(minutes=29, seconds=59))
    assert fire_due_timers(session, clock) == 0
    session.commit()
    assert _count(session, Escalation) == 0
    assert _count(session, Notification) == 0


def test_past_the_deadline_one_escalation_notifies_role_and_supervisor(
        session, clock, users, instance):
    clock.advance(timedelta(minutes=30))
    assert fire_due_timers(session, clock) == 1
    session.commit()
    escalation = session.scalars(select(Escalation)).one()
    assert (escalation.level, escalation.raised_at) == (1, clock.now())
    notified = {(n.user_id, n.role, n.kind) for n in session.scalars(select(Notification))}
    assert notified == {(users["Prakom"].id, "Prakom", "eskalasi"),
                        (users["Kasubbag"].id, "Kasubbag", "eskalasi")}
    assert _count(session, Timer) == 0
    task = session.scalars(select(HumanTask)).one()
    assert task.state == "open", "a non-interrupting timer leaves the step open"


def test_firing_again_or_after_a_restart_escalates_no_more(session, clock, instance):
    clock.advance(timedelta(minutes=31))
    fire_due_timers(session, clock)
    session.commit()
    session.expunge_all()  # as a restarted worker: nothing cached
    clock.advance(timedelta(hours=5))
    assert fire_due_timers(session, clock) == 0
    session.commit()
    assert _count(session, Escalation) == 1
    assert _count(session, Notification) == 2


def test_claimed_step_escalates_to_its_assignee_not_the_whole_role(
        session, clock, users, instance):
    other_prakom = users["Prakom"].__class__(
        username="prakom2", full_name="Prakom Dua", password_hash="-", created_at=clock.now())
    other_prakom.roles = [type(users["Prakom"].roles[0])(role="Prakom")]
    session.add(other_prakom)
    task = session.scalars(select(HumanTask)).one()
    claim_task(session, clock, task.id, users["Prakom"])
    session.commit()
    clock.advance(timedelta(minutes=45))
    fire_due_timers(session, clock)
    session.commit()
    recipients = {n.user_id for n in session.scalars(select(Notification))}
    assert recipients == {users["Prakom"].id, users["Kasubbag"].id}


def test_step_done_in_time_never_escalates(session, clock, users, instance):
    task = session.scalars(select(HumanTask)).one()
    clock.advance(timedelta(minutes=10))
    complete_task(session, clock, task.id, users["Prakom"], {})
    session.commit()
    assert _count(session, Timer) == 0
    clock.advance(timedelta(days=3))
    assert fire_due_timers(session, clock) == 0
    session.commit()
    assert _count(session, Escalation) == 0
    assert _count(session, Notification) == 0


def test_a_redone_step_gets_a_fresh_deadline(session, clock, users, instance):
    first = session.scalars(select(HumanTask)).one()
    complete_task(session, clock, first.id, users["Prakom"], {})
    review = session.scalars(select(HumanTask).where(HumanTask.state == "open")).one()
    assert review.due_at is None, "Waktu 'Relatif': no deadline"
    clock.advance(timedelta(hours=2))
    complete_task(session, clock, review.id, users["Kasubbag"], {"keputusan_kasubbag": "revisi"})
    session.commit()
    redo = session.scalars(select(HumanTask).where(HumanTask.state == "open")).one()
    assert redo.bpmn_id == "Kegiatan_1" and redo.id != first.id
    assert redo.due_at == clock.now() + timedelta(minutes=30)
