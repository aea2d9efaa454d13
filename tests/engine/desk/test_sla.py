"""Priority SLAs with the clock moved: kritis counts one wall-clock hour from the report,
a "menunggu pemohon" pause holds every escalation and moves the deadline, the open steps'
due times and their timers (the escalation chain's basis) by its length, kept in the
workflow state, and is audited."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from engine.desk import sla, tickets
from engine.errors import InvalidTaskData
from engine.escalation.incidents import mark_failed, retry_instance
from engine.escalation.timers import fire_round
from engine.models import AuditRecord, Escalation, HumanTask, Timer, User
from engine.process.deploy import deploy
from engine.process.instances import cancel_instance, start_instance
from engine.process.tasks import complete_task
from engine.process.versions import migrate_instances
from engine.reports.live import timers_due
from engine.runtime.unit import change
from tests.conftest import BPMN_DIR, START_DATA, WIB

SERVER = "penanganan_gangguan_server"


def _employee(session, clock) -> User:
    user = User(username="pegawai", full_name="Pegawai", password_hash="-",
                created_at=clock.now(), roles=[])
    session.add(user)
    session.flush()
    return user


def _fire_times(session, instance) -> list[datetime]:
    return list(session.scalars(select(Timer.fire_at).where(
        Timer.instance_id == instance.id).order_by(Timer.fire_at)))


def _pending(session, instance) -> list[tuple[int, datetime]]:
    """The instance's escalation timers: (level, fire time), soonest first."""
    return [(row.level, row.fire_at) for row in session.scalars(select(Timer).where(
        Timer.instance_id == instance.id).order_by(Timer.fire_at))]


def _fire(session, clock, at: datetime) -> list[int]:
    """A worker round at ``at``: the levels raised so far, in order."""
    clock.set(at)
    fire_round(session, clock, lambda instance_id, error: session.commit())
    return list(session.scalars(select(Escalation.level).order_by(Escalation.id)))


def _report(session, clock, user, priority: str):
    return start_instance(session, clock, process_key=SERVER, title="SIPP mati", user=user,
                          data={"sistem": "SIPP", "gejala": "tidak menjawab",
                                "prioritas": priority})


def test_kritis_is_one_wall_clock_hour_from_the_report_even_on_a_saturday_night(
        session, clock, users, deployed):
    clock.set(datetime(2026, 11, 28, 22, 15, tzinfo=WIB))  # Saturday, office closed
    instance = _report(session, clock, _employee(session, clock), "kritis")
    assert sla.deadline(session, instance, clock.now()) == \
        datetime(2026, 11, 28, 23, 15, tzinfo=WIB)


def test_mayor_counts_four_office_hours_and_minor_one_working_day(
        session, clock, users, deployed):
    clock.set(datetime(2026, 11, 27, 14, 0, tzinfo=WIB))  # Friday 14.00 (the office closes 16.30)
    user = _employee(session, clock)
    mayor = _report(session, clock, user, "mayor")
    minor = _report(session, clock, user, "minor")
    assert sla.deadline(session, mayor, clock.now()) == \
        datetime(2026, 11, 30, 9, 0, tzinfo=WIB)  # 2.5 h on Friday, 1.5 h from 07.30
    assert sla.deadline(session, minor, clock.now()) == \
        datetime(2026, 11, 30, 14, 0, tzinfo=WIB)


def test_a_ticket_without_a_priority_counts_as_minor(session, clock, users, deployed):
    """A server fault reported without a priority (no later step sets one) and a request
    whose requester proposed none (until the triage) have minor's SLA, not none."""
    clock.set(datetime(2026, 11, 27, 14, 0, tzinfo=WIB))  # Friday 14.00
    user = _employee(session, clock)
    server = start_instance(session, clock, process_key=SERVER, title="SIPP lambat",
                            user=user, data={"sistem": "SIPP", "gejala": "lambat"})
    request = start_instance(session, clock, process_key="penanganan_permintaan_layanan_ti",
                             title="Printer", user=user, data=START_DATA[
                                 "penanganan_permintaan_layanan_ti"])
    minor = datetime(2026, 11, 30, 14, 0, tzinfo=WIB)  # one working day
    assert sla.deadline(session, server, clock.now()) == minor
    assert sla.deadline(session, request, clock.now()) == minor


def test_a_two_hour_wait_for_the_requester_moves_the_deadline_by_two_hours(
        session, clock, users, deployed):
    user = _employee(session, clock)
    instance = _report(session, clock, user, "kritis")
    reported = clock.now()
    [step] = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id))
    due, fires = step.due_at, _fire_times(session, instance)
    assert due is not None and fires
    clock.advance(timedelta(minutes=10))
    tickets.post(session, clock, instance, users["Prakom"], "Sejak kapan?", asks=True)
    assert tickets.status_word(session, instance) == "menunggu Anda"
    clock.advance(timedelta(hours=2))
    tickets.post(session, clock, instance, user, "Sejak pukul 08.00")
    assert sla.deadline(session, instance, clock.now()) == reported + timedelta(hours=3)
    with change(session, clock, instance.id):  # a later save re-projects from the state
        pass
    assert step.due_at == due + timedelta(hours=2)
    assert _fire_times(session, instance) == [f + timedelta(hours=2) for f in fires]
    assert [(r.action, r.actor_id) for r in session.scalars(select(AuditRecord).where(
        AuditRecord.action.like("sla.%")).order_by(AuditRecord.id))] == [
        ("sla.paused", users["Prakom"].id), ("sla.resumed", user.id)]


def test_a_wait_after_closing_time_moves_no_office_time_deadline(
        session, clock, users, deployed):
    """A mayor ticket counts office time: its clock stood still after 16.00 anyway, so a
    wait for the requester then moves neither the SLA deadline nor the step's timers."""
    clock.set(datetime(2026, 12, 2, 15, 0, tzinfo=WIB))  # Wednesday
    user = _employee(session, clock)
    instance = _report(session, clock, user, "mayor")
    [step] = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id))
    due, fires, deadline = (step.due_at, _fire_times(session, instance),
                            sla.deadline(session, instance, clock.now()))
    clock.set(datetime(2026, 12, 2, 16, 55, tzinfo=WIB))
    tickets.post(session, clock, instance, users["Prakom"], "Sejak kapan?", asks=True)
    clock.set(datetime(2026, 12, 2, 18, 10, tzinfo=WIB))
    tickets.post(session, clock, instance, user, "Sejak pagi")
    assert sla.deadline(session, instance, clock.now()) == deadline
    with change(session, clock, instance.id):
        pass
    assert (step.due_at, _fire_times(session, instance)) == (due, fires)
    # A wait from 07.00 to 08.00 holds 30 office minutes (the office opens at 07.30).
    assert deadline == datetime(2026, 12, 3, 10, 30, tzinfo=WIB)
    clock.set(datetime(2026, 12, 3, 7, 0, tzinfo=WIB))
    tickets.post(session, clock, instance, users["Prakom"], "Masih?", asks=True)
    clock.set(datetime(2026, 12, 3, 8, 0, tzinfo=WIB))
    tickets.post(session, clock, instance, user, "Masih")
    assert sla.deadline(session, instance, clock.now()) == deadline + timedelta(minutes=30)


def test_a_ticket_ended_while_waiting_keeps_its_deadline(session, clock, users, deployed):
    """A ticket cancelled (or completed) while it waits for the requester: the wait ends
    with the ticket, so its deadline stops moving; a later message from the requester
    is refused and starts nothing again."""
    user = _employee(session, clock)
    instance = _report(session, clock, user, "kritis")
    reported = clock.now()
    clock.advance(timedelta(minutes=10))
    tickets.post(session, clock, instance, users["Prakom"], "Sejak kapan?", asks=True)
    clock.advance(timedelta(minutes=30))
    cancel_instance(session, clock, instance.id, users["admin"], "dobel")
    ended = reported + timedelta(hours=1, minutes=30)
    assert sla.deadline(session, instance, clock.now()) == ended
    clock.advance(timedelta(hours=5))
    assert sla.deadline(session, instance, clock.now()) == ended
    with pytest.raises(InvalidTaskData):  # an ended ticket takes no message
        tickets.post(session, clock, instance, user, "Terima kasih")
    assert sla.deadline(session, instance, clock.now()) == ended
    assert not session.scalars(select(AuditRecord).where(
        AuditRecord.action == "sla.resumed")).all()


def test_a_step_late_before_the_wait_escalates_no_further_while_waiting(
        session, clock, users, deployed):
    """Step 1 (1 office hour: a mayor ticket, as a kritis one counts round the clock) was
    already late and reminded (level 1) when the desk asked the requester: while the
    ticket waits no level fires, and the answer moves the step's deadline and its next
    level by the 90 office minutes of the wait."""
    user = _employee(session, clock)  # Monday 08.00
    instance = _report(session, clock, user, "mayor")
    [step] = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id))
    assert step.due_at == datetime(2026, 11, 23, 9, 0, tzinfo=WIB)
    assert _fire(session, clock, datetime(2026, 11, 23, 9, 5, tzinfo=WIB)) == [1]
    assert _pending(session, instance) == [(2, datetime(2026, 11, 23, 10, 0, tzinfo=WIB))]
    clock.set(datetime(2026, 11, 23, 9, 10, tzinfo=WIB))
    tickets.post(session, clock, instance, users["Prakom"], "Sejak kapan?", asks=True)
    session.commit()
    assert _fire(session, clock, datetime(2026, 11, 23, 10, 30, tzinfo=WIB)) == [1]
    clock.set(datetime(2026, 11, 23, 10, 40, tzinfo=WIB))
    tickets.post(session, clock, instance, user, "Sejak pukul 08.00")
    session.commit()
    assert step.due_at == datetime(2026, 11, 23, 10, 30, tzinfo=WIB)
    assert _pending(session, instance) == [(2, datetime(2026, 11, 23, 11, 30, tzinfo=WIB))]
    with change(session, clock, instance.id):  # a later save re-projects from the state
        pass
    assert step.due_at == datetime(2026, 11, 23, 10, 30, tzinfo=WIB)
    assert _fire(session, clock, datetime(2026, 11, 23, 11, 29, tzinfo=WIB)) == [1]
    assert _fire(session, clock, datetime(2026, 11, 23, 11, 30, tzinfo=WIB)) == [1, 2]
    # Level 3 at three Waktu: two office hours past 10.30, across the 12.00-13.00 break.
    assert _pending(session, instance) == [(3, datetime(2026, 11, 23, 13, 30, tzinfo=WIB))]


def test_a_move_to_a_new_version_keeps_what_a_finished_wait_moved(
        session, clock, users, deployed):
    """The late step of the test above, its wait over (deadline 10.30, level 2 at 11.30),
    then moved to a version that only renames a step: counting its deadline again from
    its start must count the wait out again, or the Kasubbag is told at once that the step
    is late for the time the ticket waited for its requester."""
    user = _employee(session, clock)  # Monday 08.00
    instance = _report(session, clock, user, "kritis")
    assert _fire(session, clock, datetime(2026, 11, 23, 9, 5, tzinfo=WIB)) == [1]
    clock.set(datetime(2026, 11, 23, 9, 10, tzinfo=WIB))
    tickets.post(session, clock, instance, users["Prakom"], "Sejak kapan?", asks=True)
    session.commit()
    clock.set(datetime(2026, 11, 23, 10, 40, tzinfo=WIB))
    tickets.post(session, clock, instance, user, "Sejak pukul 08.00")
    session.commit()
    renamed = (BPMN_DIR / f"{SERVER}.bpmn").read_text().replace(
        'name="Mengatasi permasalahan gangguan server"', 'name="Mengatasi gangguan server"')
    v2, _ = deploy(session, clock, renamed.encode())
    assert migrate_instances(session, clock, v2, users["admin"]).migrated == [instance.id]
    session.commit()
    [step] = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id))
    assert step.due_at == datetime(2026, 11, 23, 10, 30, tzinfo=WIB)
    assert _pending(session, instance) == [(2, datetime(2026, 11, 23, 11, 30, tzinfo=WIB))]
    assert _fire(session, clock, datetime(2026, 11, 23, 11, 29, tzinfo=WIB)) == [1]


def test_a_deadline_falling_in_the_wait_fires_only_after_the_answer(
        session, clock, users, deployed):
    """Step 1's deadline (09.00) passes while the ticket waits (08.30-10.00): nothing
    fires then; the answer moves it by the 90 office minutes of the wait, to 10.30."""
    user = _employee(session, clock)
    instance = _report(session, clock, user, "kritis")
    clock.set(datetime(2026, 11, 23, 8, 30, tzinfo=WIB))
    tickets.post(session, clock, instance, users["Prakom"], "Sejak kapan?", asks=True)
    session.commit()
    assert _fire(session, clock, datetime(2026, 11, 23, 9, 30, tzinfo=WIB)) == []
    assert timers_due(session, clock.now()) == (0, None)  # not the worker's lag: /readyz
    clock.set(datetime(2026, 11, 23, 10, 0, tzinfo=WIB))
    tickets.post(session, clock, instance, user, "Sejak pukul 08.00")
    session.commit()
    [step] = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id))
    assert step.due_at == datetime(2026, 11, 23, 10, 30, tzinfo=WIB)
    assert _pending(session, instance) == [(1, datetime(2026, 11, 23, 10, 30, tzinfo=WIB))]
    assert _fire(session, clock, datetime(2026, 11, 23, 10, 29, tzinfo=WIB)) == []
    assert _fire(session, clock, datetime(2026, 11, 23, 10, 30, tzinfo=WIB)) == [1]


def test_a_late_round_the_clock_step_moves_by_the_whole_wait(session, clock, users, deployed):
    """A kritis ticket's step 2 counts wall-clock time (1 hour): reminded at 09.00, then
    the ticket waits from 09.10 to 18.10; its deadline and level 2 move by the nine hours."""
    user = _employee(session, clock)  # Monday 08.00
    instance = _report(session, clock, user, "kritis")
    [first] = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id))
    complete_task(session, clock, first.id, users["Prakom"], {})
    step = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                   HumanTask.state == "open")).one()
    assert (step.bpmn_id, step.due_at) == ("Kegiatan_2", datetime(2026, 11, 23, 9, 0, tzinfo=WIB))
    assert _fire(session, clock, datetime(2026, 11, 23, 9, 5, tzinfo=WIB)) == [1]
    clock.set(datetime(2026, 11, 23, 9, 10, tzinfo=WIB))
    tickets.post(session, clock, instance, users["Prakom"], "Sejak kapan?", asks=True)
    session.commit()
    assert _fire(session, clock, datetime(2026, 11, 23, 18, 5, tzinfo=WIB)) == [1]
    clock.set(datetime(2026, 11, 23, 18, 10, tzinfo=WIB))
    tickets.post(session, clock, instance, user, "Sejak pukul 08.00")
    session.commit()
    assert step.due_at == datetime(2026, 11, 23, 18, 0, tzinfo=WIB)
    assert _pending(session, instance) == [(2, datetime(2026, 11, 23, 19, 0, tzinfo=WIB))]
    assert _fire(session, clock, datetime(2026, 11, 23, 19, 0, tzinfo=WIB)) == [1, 2]


def test_a_step_opened_during_the_wait_moves_only_by_the_rest_of_it(
        session, clock, users, deployed):
    """The desk asks at 08.10 and still records the report at 08.40: step 2 (kritis, one
    wall-clock hour) opens during the wait and moves by the two hours it waited, to
    11.40, not by the whole wait from 08.10."""
    user = _employee(session, clock)  # Monday 08.00
    instance = _report(session, clock, user, "kritis")
    clock.set(datetime(2026, 11, 23, 8, 10, tzinfo=WIB))
    tickets.post(session, clock, instance, users["Prakom"], "Sejak kapan?", asks=True)
    [first] = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id))
    clock.set(datetime(2026, 11, 23, 8, 40, tzinfo=WIB))
    complete_task(session, clock, first.id, users["Prakom"], {})
    session.commit()
    assert _fire(session, clock, datetime(2026, 11, 23, 10, 0, tzinfo=WIB)) == []
    clock.set(datetime(2026, 11, 23, 10, 40, tzinfo=WIB))
    tickets.post(session, clock, instance, user, "Sejak pukul 08.00")
    session.commit()
    step = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                   HumanTask.state == "open")).one()
    assert (step.bpmn_id, step.due_at) == ("Kegiatan_2", datetime(2026, 11, 23, 11, 40,
                                                                  tzinfo=WIB))
    assert _pending(session, instance) == [(1, datetime(2026, 11, 23, 11, 40, tzinfo=WIB))]
    assert _fire(session, clock, datetime(2026, 11, 23, 11, 40, tzinfo=WIB)) == [1]


def test_an_answer_to_a_ticket_in_galat_moves_its_step_and_level_1_too(
        session, clock, users, deployed):
    """The ticket waits (08.30-10.00) and goes into Galat meanwhile: the answer moves its
    open step's deadline and level 1 by the 90 office minutes of the wait as for a running
    ticket, so once an administrator retries it the reminder comes at 10.30, not at
    once."""
    user = _employee(session, clock)  # Monday 08.00
    instance = _report(session, clock, user, "kritis")
    clock.set(datetime(2026, 11, 23, 8, 30, tzinfo=WIB))
    tickets.post(session, clock, instance, users["Prakom"], "Sejak kapan?", asks=True)
    clock.set(datetime(2026, 11, 23, 8, 45, tzinfo=WIB))
    assert mark_failed(session, clock, instance.id, "SMTP mati")
    session.commit()
    clock.set(datetime(2026, 11, 23, 10, 0, tzinfo=WIB))
    tickets.post(session, clock, instance, user, "Sejak pukul 08.00")
    session.commit()
    [step] = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id))
    assert step.due_at == datetime(2026, 11, 23, 10, 30, tzinfo=WIB)
    assert _pending(session, instance) == [(1, datetime(2026, 11, 23, 10, 30, tzinfo=WIB))]
    clock.set(datetime(2026, 11, 23, 10, 5, tzinfo=WIB))
    retry_instance(session, clock, instance.id, users["admin"])
    session.commit()
    assert _fire(session, clock, datetime(2026, 11, 23, 10, 29, tzinfo=WIB)) == []
    assert _fire(session, clock, datetime(2026, 11, 23, 10, 30, tzinfo=WIB)) == [1]
