"""Workers claim due timers in batches: a claim keeps other workers off until it expires."""

from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from engine.escalation import timers
from engine.escalation.timers import claim_due, fire_round
from engine.models import Escalation, HumanTask, Timer
from engine.process.deploy import deploy
from engine.process.instances import start_instance
from tests.conftest import mini_bpmn


def overdue(session: Session, clock, users, count: int) -> None:
    deploy(session, clock, mini_bpmn())
    for number in range(count):
        start_instance(session, clock, process_key="sop_uji", title=f"Surat {number}",
                       user=users["Prakom"])
    session.commit()
    clock.advance(timedelta(minutes=45))  # level 1 due (30 minutes), level 2 not yet (60)


def committing(session: Session):
    def settle(instance_id: int | None, error: Exception | None) -> None:
        if error is not None:
            raise error
        session.commit()
    return settle


def test_a_claim_holds_its_timers_until_it_expires(session, clock, users):
    overdue(session, clock, users, 5)
    first = claim_due(session, clock, "pekerja-a", limit=3, lease=timedelta(seconds=60))
    session.commit()
    assert len(first) == 3
    second = claim_due(session, clock, "pekerja-b", limit=10, lease=timedelta(seconds=60))
    session.commit()
    assert len(second) == 2 and not set(first) & set(second)
    assert claim_due(session, clock, "pekerja-c", limit=10) == []

    clock.advance(timedelta(seconds=61))  # pekerja-a died: its claims ran out
    session.rollback()
    taken = claim_due(session, clock, "pekerja-c", limit=10)
    session.commit()
    assert sorted(taken) == sorted(first + second)
    assert set(session.scalars(select(Timer.claimed_by))) == {"pekerja-c"}


def test_a_round_fires_full_batches_and_releases_nothing_left_claimed(session, clock, users):
    overdue(session, clock, users, 7)
    assert fire_round(session, clock, committing(session), owner="pekerja-a", limit=3,
                      batches=2) == 6  # two full batches of 3
    assert session.scalar(select(func.count()).select_from(Timer).where(Timer.level == 1)) == 1
    assert set(session.scalars(select(Timer.claimed_by))) == {None}
    assert fire_round(session, clock, committing(session), owner="pekerja-b", limit=3,
                      batches=2) == 1
    assert session.scalar(select(func.count()).select_from(Escalation)) == 7


def test_a_timer_claimed_by_a_live_worker_is_not_fired_by_another(session, clock, users):
    overdue(session, clock, users, 2)
    claim_due(session, clock, "pekerja-a", limit=1)
    session.commit()
    assert fire_round(session, clock, committing(session), owner="pekerja-b") == 1
    [left] = session.scalars(select(Timer).where(Timer.level == 1)).all()
    assert left.claimed_by == "pekerja-a"


def test_an_instance_failing_mid_batch_is_set_aside_and_the_others_fire(session, clock, users,
                                                                        monkeypatch):
    overdue(session, clock, users, 4)
    bad = session.scalars(select(Timer.instance_id).order_by(Timer.fire_at, Timer.id)).all()[1]
    fire = timers.fire_instance_timers
    failed = []

    def flaky(session, clock, instance_id, **batch):
        fired = fire(session, clock, instance_id, **batch)  # its rows are added, then
        if instance_id == bad:
            raise RuntimeError("rusak di tengah")  # ... it fails after them
        return fired

    def settle(instance_id, error):
        if error is not None:
            failed.append((instance_id, str(error)))
        else:
            session.commit()

    monkeypatch.setattr(timers, "fire_instance_timers", flaky)
    assert fire_round(session, clock, settle) == 3
    assert failed == [(bad, "rusak di tengah")]
    escalated = session.scalars(select(HumanTask.instance_id).join(
        Escalation, Escalation.human_task_id == HumanTask.id)).all()
    assert len(escalated) == 3 and bad not in escalated
    assert session.scalar(select(func.count()).select_from(Timer).where(
        Timer.instance_id == bad, Timer.spiff_task_id.is_not(None))) == 1  # still waiting
    assert session.scalar(select(func.count()).select_from(Timer).where(
        Timer.claimed_by.is_not(None))) == 0


def test_firing_touches_no_timer_row_the_session_holds_from_before(session, clock, users):
    overdue(session, clock, users, 2)
    held = list(session.scalars(select(Timer).order_by(Timer.id)))
    second = {row.id for row in held if row.instance_id != held[0].instance_id}
    # Another worker fired the second instance: its rows are gone, not through this session.
    session.connection().execute(delete(Timer).where(Timer.id.in_(second)))
    session.commit()  # what the session holds is expired
    assert fire_round(session, clock, committing(session), limit=1) == 1
    assert session.scalar(select(func.count()).select_from(Escalation)) == 1
