"""Time standards fire in working time and escalate up the chain, once per level."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.escalation.timers import fire_round
from engine.models import Escalation, HumanTask, Notification, Timer, User, UserRole
from engine.process.deploy import deploy
from engine.process.instances import start_instance
from engine.process.tasks import claim_task, complete_task
from tests.conftest import MONDAY_0800, WIB, mini_bpmn
from tests.helpers.rows import count


def fire_due(session: Session, clock) -> int:
    """The worker round's firing (``fire_round``), committing each instance as it does."""
    def settle(instance_id: int, error: Exception | None) -> None:
        if error is not None:
            raise error
        session.commit()

    return fire_round(session, clock, settle)


@pytest.fixture
def instance(session, clock, users):
    deploy(session, clock, mini_bpmn())
    instance = start_instance(session, clock, process_key="sop_uji", title="Konsep surat",
                              user=users["Prakom"])
    session.commit()
    return instance


def _notified(session: Session) -> list[tuple[str, int, str]]:
    return [(n.user_id, n.escalation_id and session.get(Escalation, n.escalation_id).level, n.role)
            for n in session.scalars(select(Notification).order_by(Notification.id))]


def test_step_deadline_is_start_plus_time_standard_in_office_minutes(session, instance):
    task = session.scalars(select(HumanTask)).one()
    assert task.due_at == MONDAY_0800 + timedelta(minutes=30)
    timer = session.scalars(select(Timer)).one()
    assert (timer.fire_at, timer.human_task_id, timer.level) == (task.due_at, task.id, 1)


def test_deadline_counts_office_time_across_the_evening(session, clock, users):
    deploy(session, clock, mini_bpmn())
    clock.set(datetime(2026, 11, 26, 15, 50, tzinfo=WIB))  # Thursday, office closes 16.00
    start_instance(session, clock, process_key="sop_uji", title="Sore", user=users["Prakom"])
    # 10 office minutes on Thursday, 20 more from Friday 07.30.
    assert session.scalars(select(HumanTask.due_at)).one() == datetime(2026, 11, 27, 7, 50,
                                                                        tzinfo=WIB)


def test_round_the_clock_step_counts_wall_clock_time(session, clock, users):
    deploy(session, clock, mini_bpmn({'name="keterangan" value="" />\n        </spiffworkflow:'
                                      'properties>\n      </bpmn:extensionElements>\n    '
                                      '</bpmn:userTask>\n    <bpmn:boundaryEvent':
                                      'name="keterangan" value="" />\n          <spiffworkflow:'
                                      'property name="sepanjang_waktu" value="ya" />\n        '
                                      '</spiffworkflow:properties>\n      </bpmn:extensionElements>'
                                      '\n    </bpmn:userTask>\n    <bpmn:boundaryEvent'}))
    clock.set(datetime(2026, 11, 28, 22, 0, tzinfo=WIB))  # Saturday night
    start_instance(session, clock, process_key="sop_uji", title="Server mati",
                   user=users["Prakom"])
    assert session.scalars(select(HumanTask.due_at)).one() == datetime(2026, 11, 28, 22, 30,
                                                                        tzinfo=WIB)


def test_escalation_levels_follow_the_waktu_the_case_gave_its_step(session, clock, users):
    """A kritis case's step runs 1 hour round the clock: its later levels are 2 and 3
    hours after it opened on the wall clock, not multiples of the SOP's default Waktu
    (4 hours) in office time."""
    deploy(session, clock, mini_bpmn({
        'value="30 menit" />': 'value="4 jam" />\n          <spiffworkflow:property '
                                'name="sepanjang_waktu" value="prioritas == &quot;kritis&quot;" />',
        '"PT30M"': '"PT1H" if prioritas == "kritis" else "PT4H"'}))
    clock.set(datetime(2026, 11, 28, 22, 0, tzinfo=WIB))  # Saturday night
    start_instance(session, clock, process_key="sop_uji", title="Server mati",
                   user=users["Prakom"], data={"prioritas": "kritis"})
    session.commit()
    task = session.scalars(select(HumanTask)).one()
    assert (task.duration, task.round_the_clock, task.due_at) == (
        "PT1H", True, datetime(2026, 11, 28, 23, 0, tzinfo=WIB))
    clock.set(task.due_at)
    assert fire_due(session, clock) == 1
    assert session.scalars(select(Timer.fire_at)).one() == datetime(2026, 11, 29, 0, 0,
                                                                    tzinfo=WIB)
    clock.set(datetime(2026, 11, 29, 0, 0, tzinfo=WIB))
    assert fire_due(session, clock) == 1
    assert session.scalars(select(Timer.fire_at)).one() == datetime(2026, 11, 29, 1, 0,
                                                                    tzinfo=WIB)


def test_nothing_fires_before_the_deadline(session, clock, instance):
    clock.advance(timedelta(minutes=29, seconds=59))
    assert fire_due(session, clock) == 0
    assert count(session, Escalation) == 0
    assert count(session, Notification) == 0


def test_chain_reminds_the_role_then_each_supervisor_once(session, clock, users, instance):
    clock.set(MONDAY_0800 + timedelta(minutes=30))
    assert fire_due(session, clock) == 1
    assert _notified(session) == [(users["Prakom"].id, 1, "Prakom")]
    level_2 = session.scalars(select(Timer)).one()
    assert (level_2.level, level_2.fire_at) == (2, MONDAY_0800 + timedelta(minutes=60))
    clock.set(MONDAY_0800 + timedelta(minutes=59))
    assert fire_due(session, clock) == 0
    clock.set(MONDAY_0800 + timedelta(minutes=60))
    assert fire_due(session, clock) == 1
    clock.set(MONDAY_0800 + timedelta(minutes=90))
    assert fire_due(session, clock) == 1
    assert _notified(session) == [(users["Prakom"].id, 1, "Prakom"),
                                  (users["Kasubbag"].id, 2, "Kasubbag"),
                                  (users["Sekretaris"].id, 3, "Sekretaris")]
    clock.advance(timedelta(days=30))
    assert fire_due(session, clock) == 0
    assert count(session, Timer) == 0
    task = session.scalars(select(HumanTask)).one()
    assert (task.state, task.due_at) == ("open", MONDAY_0800 + timedelta(minutes=30)), \
        "a late step keeps its deadline"


def test_a_worker_that_was_down_catches_up_once_per_level(session, clock, users, instance):
    clock.advance(timedelta(days=3))
    total = 0
    for _ in range(5):  # rounds, as a restarted worker runs them
        total += fire_due(session, clock)
        session.expunge_all()
    assert total == 3
    assert sorted(session.scalars(select(Escalation.level))) == [1, 2, 3]
    assert count(session, Notification) == 3


def test_claimed_step_reminds_its_assignee_not_the_whole_role(session, clock, users, instance):
    second = User(username="prakom2", full_name="Prakom Dua", password_hash="-",
                  created_at=clock.now(), roles=[UserRole(role="Prakom")])
    session.add(second)
    task = session.scalars(select(HumanTask)).one()
    claim_task(session, clock, task.id, users["Prakom"])
    session.commit()
    clock.advance(timedelta(minutes=45))
    fire_due(session, clock)
    assert _notified(session) == [(users["Prakom"].id, 1, "Prakom")]


def test_the_late_official_is_not_told_as_his_own_supervisor(session, clock, users, instance):
    users["Prakom"].roles.append(UserRole(role="Kasubbag"))  # a small office
    task = session.scalars(select(HumanTask)).one()
    claim_task(session, clock, task.id, users["Prakom"])
    session.commit()
    clock.advance(timedelta(minutes=90))
    assert sum(fire_due(session, clock) for _ in range(3)) == 3
    assert _notified(session) == [(users["Prakom"].id, 1, "Prakom"),
                                  (users["Kasubbag"].id, 2, "Kasubbag"),
                                  (users["Sekretaris"].id, 3, "Sekretaris")]


def test_unclaimed_step_reminds_every_holder_of_the_role(session, clock, users, instance):
    second = User(username="prakom2", full_name="Prakom Dua", password_hash="-",
                  created_at=clock.now(), roles=[UserRole(role="Prakom")])
    session.add(second)
    session.commit()
    clock.advance(timedelta(minutes=45))
    fire_due(session, clock)
    assert _notified(session) == [(users["Prakom"].id, 1, "Prakom"), (second.id, 1, "Prakom")]


def test_step_done_in_time_never_escalates(session, clock, users, instance):
    task = session.scalars(select(HumanTask)).one()
    clock.advance(timedelta(minutes=10))
    complete_task(session, clock, task.id, users["Prakom"], {})
    session.commit()
    assert count(session, Timer) == 0
    clock.advance(timedelta(days=3))
    assert fire_due(session, clock) == 0
    assert count(session, Escalation) == 0
    assert count(session, Notification) == 0


def test_chain_stops_when_the_step_is_done(session, clock, users, instance):
    clock.advance(timedelta(minutes=40))
    fire_due(session, clock)
    task = session.scalars(select(HumanTask)).one()
    complete_task(session, clock, task.id, users["Prakom"], {})
    session.commit()
    assert count(session, Timer) == 0
    clock.advance(timedelta(days=3))
    assert fire_due(session, clock) == 0
    assert sorted(session.scalars(select(Escalation.level))) == [1]


def test_a_redone_step_gets_a_fresh_deadline(session, clock, users, instance):
    first = session.scalars(select(HumanTask)).one()
    complete_task(session, clock, first.id, users["Prakom"], {})
    review = session.scalars(select(HumanTask).where(HumanTask.state == "open")).one()
    assert review.due_at is None, "Waktu 'Relatif': no deadline"
    clock.advance(timedelta(hours=2))
    complete_task(session, clock, review.id, users["Kasubbag"], {"keputusan_kasubbag": "revisi",
                                                                    "catatan": "ulang"})
    session.commit()
    redo = session.scalars(select(HumanTask).where(HumanTask.state == "open")).one()
    assert redo.bpmn_id == "Kegiatan_1" and redo.id != first.id
    assert redo.due_at == clock.now() + timedelta(minutes=30)
