"""Firing due timers: where a step's time standard runs out.

Workers call ``due_instances`` and then ``fire_instance_timers`` for each, one
transaction per instance. The instance row is locked with ``FOR UPDATE SKIP LOCKED``, so
on PostgreSQL several workers share the work and each timer fires once; a worker that
dies mid-transaction releases its lock with its connection, and the rolled-back timers
are due again for the others. A worker that was down catches up: due means
``fire_at <= now``, however long ago.
"""

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.escalation.chain import escalate
from engine.models import HumanTask, ProcessInstance, Timer
from engine.runtime.adapter import is_completed
from engine.runtime.unit import InstanceUnit, change


def due_instances(session: Session, clock: Clock, limit: int = 100) -> list[int]:
    """Ids of running instances with a due timer, those due longest first (no locks taken).
    Instances in Galat are left out until an administrator retries them."""
    rows = session.execute(select(Timer.instance_id, Timer.fire_at).join(ProcessInstance)
                           .where(Timer.fire_at <= clock.now(),
                                  ProcessInstance.status == "running")
                           .order_by(Timer.fire_at).limit(limit)).all()
    return list(dict.fromkeys(instance_id for instance_id, _ in rows))


def fire_round(session: Session, clock: Clock, settle: Callable[[int, Exception | None], None],
               *, limit: int = 200) -> int:
    """A worker round's firing (``alur worker``, the loop inside ``alur serve``, and the
    tests): every instance with a due timer, longest due first, each in its own unit of
    work. After each instance ``settle(instance_id, error)`` ends its transaction: the
    caller commits when ``error`` is None, else rolls back (and, for an unexpected error,
    puts the instance in Galat); the engine itself never commits.

    Returns the number of timers fired in the instances settled without an error.
    """
    fired = 0
    for instance_id in due_instances(session, clock, limit=limit):
        try:
            count = fire_instance_timers(session, clock, instance_id)
        except Exception as error:  # noqa: BLE001 - the caller records it and moves on
            settle(instance_id, error)
            continue
        settle(instance_id, None)
        fired += count
    return fired


def fire_instance_timers(session: Session, clock: Clock, instance_id: int) -> int:
    """Fire the instance's due timers and escalate the steps they guard.

    Returns the number of timers fired; 0 when another worker holds the instance or it
    is not running. Reads only the ``timers`` projection to find work, and loads the
    workflow only when a SpiffWorkflow boundary timer (level 1) is among the due ones. A
    timer or engine run that fails puts the instance in Galat (``engine.runtime.unit``).
    """
    with change(session, clock, instance_id, skip_locked=True) as unit:
        return 0 if unit is None else fire_due(unit)
    return 0


def fire_due(unit: InstanceUnit) -> int:
    """Within ``unit``: fire its instance's due timers, run the engine, and escalate the
    steps whose timers fired. Returns the number of timers fired. Raises ProcessFailure."""
    session, clock = unit.session, unit.clock
    due = session.scalars(select(Timer).where(Timer.instance_id == unit.instance.id,
                                              Timer.fire_at <= clock.now())).all()
    fired = 0
    boundary = [timer for timer in due if timer.spiff_task_id is not None]
    if boundary:
        unit.fire_timers()
        for timer in boundary:
            spiff_task = unit.find_task(timer.spiff_task_id)
            if spiff_task is not None and is_completed(spiff_task):
                fired += 1
                _escalate(session, clock, timer)
    for timer in due:
        if timer.spiff_task_id is None:
            fired += 1
            _escalate(session, clock, timer)
            session.delete(timer)
    return fired


def _escalate(session: Session, clock: Clock, timer: Timer) -> None:
    if timer.human_task_id is not None:
        escalate(session, clock, session.get(HumanTask, timer.human_task_id), timer.level)
