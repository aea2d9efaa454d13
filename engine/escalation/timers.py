"""Firing due timers: where a step's time standard runs out.

A worker round (``fire_round``) claims a batch of due timers and fires them:

1. **Claim**, a short transaction of its own: up to ``BATCH`` due, unclaimed timers (or
   timers whose claim expired), longest due first, taken with ``FOR UPDATE SKIP LOCKED``
   and marked with the worker's id and an expiry (``claimed_by``, ``claimed_until``).
   Several workers on PostgreSQL take disjoint batches without waiting for each other.
2. **Fire**, one transaction for the batch: the claimed timers' instances are locked in
   one statement (``FOR UPDATE SKIP LOCKED``: an instance a user is changing right now is
   left for a later round), then what firing them needs is read once for all of them
   (definitions, due timers, their steps, the levels already raised, the holders of the
   roles notified). The batch is fired inside one savepoint and flushed once at its end,
   so the rows of all its escalations go in together (on PostgreSQL one INSERT per
   table), and so do the DELETEs of the fired timers (``engine.runtime.projection``
   deletes rows the batch read at the flush); a fired instance itself costs its state's
   UPDATE (``tests/engine/escalation/test_timer_statements.py`` counts them). When an instance
   raises, the batch's savepoint is rolled back and the batch fired again one instance
   at a time, each in a savepoint of its own, so that failure rolls back only that one.
   Claims on timers that did not fire are released; the batch is committed by the caller.

A ticket waiting for its requester (an open ``SlaPause``) fires nothing: its timers are
not due until the answer has moved them past the wait (``engine.desk.sla.resume``).

Each timer fires once: firing deletes it in the transaction that escalates, under the
instance's row lock. A worker killed mid-batch loses its uncommitted batch with its
connection; its claims stay until they expire (``lease``) and another worker takes them
over. A worker that was down catches up: due means ``fire_at <= now``, however long ago.
(Camunda 7's job executor claims jobs the same way: owner, expiry, at-least-once.)
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, exists, or_, select, update
from sqlalchemy.orm import Session, lazyload

from engine import audit
from engine.clock import Clock
from engine.escalation.chain import Known, escalate
from engine.models import HumanTask, ProcessInstance, SlaPause, Timer
from engine.runtime.adapter import is_completed
from engine.runtime.unit import InstanceUnit, batched_states, change, lock_instances
from engine.sqlite_writers import begin_writing

BATCH = 50
LEASE = timedelta(seconds=60)
# A timer whose instance is no ticket waiting for its requester: the desk is not late
# for the requester's time, so nothing escalates until the answer (README, "SLA per
# prioritas"), which moves the timers past the wait.
NOT_WAITING = ~exists().where(SlaPause.instance_id == Timer.instance_id,
                              SlaPause.ended_at.is_(None))


def due_conditions(now: datetime) -> tuple[ColumnElement[bool], ...]:
    """The conditions that make a timer due at ``now`` (aware), for a query of ``Timer``
    joined to its ``ProcessInstance``: its fire time has come, its instance is running (one
    in Galat waits for an administrator) and waits for no requester (``NOT_WAITING``)."""
    return Timer.fire_at <= now, ProcessInstance.status == "running", NOT_WAITING


def due_instances(session: Session, clock: Clock, limit: int = 100) -> list[int]:
    """Ids of instances with a due timer (``due_conditions``), those due longest first
    (no locks taken, claims ignored). Instances in Galat are left out until an
    administrator retries them, tickets waiting for the requester until the answer."""
    rows = session.execute(select(Timer.instance_id, Timer.fire_at).join(ProcessInstance)
                           .where(*due_conditions(clock.now()))
                           .order_by(Timer.fire_at).limit(limit)).all()
    return list(dict.fromkeys(instance_id for instance_id, _ in rows))


def claim_due(session: Session, clock: Clock, owner: str, *, limit: int = BATCH,
              lease: timedelta = LEASE) -> list[int]:
    """Claim up to ``limit`` due timers (``due_conditions``) for ``owner`` until
    ``clock.now() + lease``: timers nobody claimed, or whose claim expired (its worker
    died). Rows another transaction is claiming are skipped (``FOR UPDATE SKIP LOCKED``).

    Returns the ids of the claimed timers, longest due first. The caller commits, so that
    other workers see the claim.
    """
    begin_writing(session)  # SQLite: read as the writer, as FOR UPDATE does (``outbox``)
    now = clock.now()
    ids = list(session.scalars(
        select(Timer.id).join(ProcessInstance)
        .where(*due_conditions(now),
               or_(Timer.claimed_until.is_(None), Timer.claimed_until <= now))
        .order_by(Timer.fire_at, Timer.id).limit(limit)
        .with_for_update(skip_locked=True, of=Timer)))
    if ids:
        session.execute(update(Timer).where(Timer.id.in_(ids))
                        .values(claimed_by=owner[:200], claimed_until=now + lease))
    return ids


def fire_round(session: Session, clock: Clock,
               settle: Callable[[int | None, Exception | None], None], *,
               owner: str = "alur", limit: int = BATCH, lease: timedelta = LEASE,
               batches: int = 1) -> int:
    """A worker round's firing (``alur worker``, the loop inside ``alur serve``, and the
    tests): claim a batch (``claim_due``), then fire its instances in one transaction.

    ``settle`` ends transactions; the engine itself never commits:

    - ``settle(None, None)`` after the claim and after the batch: the caller commits.
    - ``settle(instance_id, error)`` when firing that instance raised an unexpected error:
      its savepoint is already rolled back; the caller records the error (and puts the
      instance in Galat, ``engine.escalation.incidents.mark_failed``) without ending
      the transaction. The other instances of the batch go on.

    With ``batches`` > 1 another batch follows while the last one was full (``limit``
    timers claimed), up to ``batches``.

    Returns the number of timers fired in the instances that fired without an error.
    """
    fired = 0
    for _ in range(batches):
        count, claimed = _fire_batch(session, clock, settle, owner, limit, lease)
        fired += count
        if claimed < limit:
            break
    return fired


def _fire_batch(session: Session, clock: Clock,
                settle: Callable[[int | None, Exception | None], None], owner: str,
                limit: int, lease: timedelta) -> tuple[int, int]:
    """One claimed batch; returns (timers fired, timers claimed)."""
    claimed = claim_due(session, clock, owner, limit=limit, lease=lease)
    settle(None, None)
    if not claimed:
        return 0, 0
    batch = _prefetch(session, clock, claimed)
    try:
        with session.begin_nested(), audit.batched(session), batched_states(session):
            fired = sum(_fire(session, clock, batch, instance_id)
                        for instance_id in batch.instance_ids)
    except Exception:  # noqa: BLE001 - one instance failed: again one by one, below
        fired = _fire_one_by_one(session, clock, settle, _prefetch(session, clock, claimed))
    session.execute(update(Timer).where(Timer.id.in_(claimed), Timer.claimed_by == owner[:200])
                    .values(claimed_by=None, claimed_until=None))
    settle(None, None)
    return fired, len(claimed)


def _fire_one_by_one(session: Session, clock: Clock,
                     settle: Callable[[int | None, Exception | None], None],
                     batch: "_Batch") -> int:
    """Fire the batch's instances each in a savepoint of its own: one that raises is
    rolled back alone and handed to ``settle``; returns the timers fired by the others."""
    fired = 0
    for instance_id in batch.instance_ids:
        savepoint = session.begin_nested()
        try:
            count = _fire(session, clock, batch, instance_id)
            savepoint.commit()
        except Exception as error:  # noqa: BLE001 - the caller records it and moves on
            savepoint.rollback()
            settle(instance_id, error)
            continue
        fired += count
    return fired


def _fire(session: Session, clock: Clock, batch: "_Batch", instance_id: int) -> int:
    return fire_instance_timers(session, clock, instance_id,
                                due=batch.due.get(instance_id, []), known=batch.known)


@dataclass
class _Batch:
    """What firing a claimed batch reads up front, kept referenced for the batch (the
    session's identity map holds rows only while something does)."""

    instance_ids: list[int]  # the instances this transaction locked, longest due first
    instances: list[ProcessInstance]
    due: dict[int, list[Timer]]  # instance id -> its due timers
    steps: list[HumanTask]  # the steps those timers guard
    known: Known


def _prefetch(session: Session, clock: Clock, timer_ids: list[int]) -> _Batch:
    """Lock the claimed timers' instances with their definitions (``lock_instances``;
    those another transaction holds are left for a later round), then read what firing
    needs in three statements more: every due timer of the locked instances, the steps
    those guard, and the levels already raised on them (``chain.Known``)."""
    rows = session.execute(select(Timer.id, Timer.instance_id).where(Timer.id.in_(timer_ids))
                           .order_by(Timer.fire_at, Timer.id)).all()
    ordered = list(dict.fromkeys(instance_id for _, instance_id in rows))
    instances = lock_instances(session, ordered)
    locked = {instance.id for instance in instances}
    instance_ids = [instance_id for instance_id in ordered if instance_id in locked]
    due: dict[int, list[Timer]] = {}
    if instance_ids:
        # Read again under the locks: a ticket may have begun to wait since the claim.
        for timer in session.scalars(select(Timer).where(Timer.instance_id.in_(instance_ids),
                                                         Timer.fire_at <= clock.now(),
                                                         NOT_WAITING)):
            due.setdefault(timer.instance_id, []).append(timer)
    step_ids = {timer.human_task_id for timers in due.values() for timer in timers
                if timer.human_task_id is not None}
    steps = list(session.scalars(select(HumanTask).where(HumanTask.id.in_(step_ids))
                                 .options(lazyload(HumanTask.instance)))) if step_ids else []
    return _Batch(instance_ids, instances, due, steps, Known(session, step_ids))


def fire_instance_timers(session: Session, clock: Clock, instance_id: int, *,
                         due: list[Timer] | None = None, known: Known | None = None) -> int:
    """Fire the instance's due timers and escalate the steps they guard.

    ``due`` and ``known``: what a batch read for all its instances (``fire_due``).
    Returns the number of timers fired; 0 when another worker holds the instance or it
    is not running. Reads only the ``timers`` projection to find work, and loads the
    workflow only when a SpiffWorkflow boundary timer (level 1) is among the due ones. A
    timer or engine run that fails puts the instance in Galat (``engine.runtime.unit``).
    """
    with change(session, clock, instance_id, skip_locked=True) as unit:
        return 0 if unit is None else fire_due(unit, due=due, known=known)
    return 0


def fire_due(unit: InstanceUnit, *, due: list[Timer] | None = None,
             known: Known | None = None) -> int:
    """Within ``unit``: fire its instance's due timers, run the engine, and escalate the
    steps whose timers fired. Returns the number of timers fired. Raises ProcessFailure.

    ``due``: the instance's due timers when the caller read them under the instance's
    lock (a batch does, for all its instances at once), else they are read here (none
    while the instance is a ticket waiting for its requester, ``NOT_WAITING``);
    ``known``: the batch's ``chain.Known``.
    """
    session, clock = unit.session, unit.clock
    if due is None:
        due = list(session.scalars(select(Timer).where(Timer.instance_id == unit.instance.id,
                                                       Timer.fire_at <= clock.now(),
                                                       NOT_WAITING)))
    fired = 0
    boundary = [timer for timer in due if timer.spiff_task_id is not None]
    if boundary:
        unit.fire_timers()
        for timer in boundary:
            spiff_task = unit.find_task(timer.spiff_task_id)
            if spiff_task is not None and is_completed(spiff_task):
                fired += 1
                _escalate(session, clock, timer, known)
    for timer in due:
        if timer.spiff_task_id is None:
            fired += 1
            _escalate(session, clock, timer, known)
            session.delete(timer)
    return fired


def _escalate(session: Session, clock: Clock, timer: Timer, known: Known | None) -> None:
    if timer.human_task_id is not None:
        escalate(session, clock, session.get(HumanTask, timer.human_task_id), timer.level,
                 known)
