"""Counting the open steps' deadlines again after the office calendar or chain changed.

A holiday declared after a step opened (a cuti bersama set during the year, a day the
office closes), one taken back as a working day, a Ramadan period or the time zone
changed: the deadlines of steps already open were counted with the old calendar; a new
escalation chain (``1, 1, 2`` for ``1, 2, 3``): their levels 2+ with the old multiples.
``settings.save`` marks such a change (``settings.RECOUNT``); each worker round then takes
a batch of instances, oldest first, and counts their open steps' deadlines again from each
step's start with the calendar as it now is (``engine.runtime.migration
.recount_deadlines``, as a move to another version does), and the escalation levels 2+
already scheduled with them, until no instance is left. A deadline whose reminder has
fired stays where it is or moves earlier, never later (the step was told it is late).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from engine import audit, settings
from engine.clock import Clock
from engine.models import HumanTask, ProcessInstance, Setting, SlaPause
from engine.process.levels import retime_later_levels
from engine.runtime.migration import recount_deadlines
from engine.runtime.unit import GALAT, change

# Instances one round counts again (each loads and saves its whole workflow).
BATCH = 50
# Instances in Galat too: their timers fire when an administrator retries them, and must
# find their deadlines counted with the calendar that holds then.
STATUSES = ("running", GALAT)


@dataclass
class RecountRound:
    """One round: the instances whose open steps were counted again, and those whose state
    could not be loaded or saved (id, the error; their deadlines stay as they were)."""

    recounted: list[int] = field(default_factory=list)
    failed: list[tuple[int, Exception]] = field(default_factory=list)


def recount_round(session: Session, clock: Clock, limit: int = BATCH) -> RecountRound:
    """Count the deadlines of the next ``limit`` instances with open steps again, when the
    office calendar changed (``settings.RECOUNT`` marks where the count stands); nothing
    when it did not. Each instance in a savepoint of its own. Not committed.

    While a count stands, the mark's row is locked first (PostgreSQL ``FOR UPDATE``): two
    workers take turns, and a calendar saved meanwhile restarts the count after this
    round's commit. Otherwise the round costs the settings' one read.
    """
    done = RecountRound()
    if "after_id" not in settings.get(session, settings.RECOUNT):  # the usual round
        return done
    mark = session.get(Setting, settings.RECOUNT, with_for_update=True, populate_existing=True)
    if mark is None or "after_id" not in mark.value:
        return done
    ids = session.scalars(
        select(ProcessInstance.id)
        .where(ProcessInstance.id > mark.value["after_id"],
               ProcessInstance.status.in_(STATUSES),
               exists().where(HumanTask.instance_id == ProcessInstance.id,
                              HumanTask.state == "open", HumanTask.due_at.is_not(None)))
        .order_by(ProcessInstance.id).limit(limit)).all()
    for instance_id in ids:
        try:
            with session.begin_nested():
                _recount(session, clock, instance_id)
            done.recounted.append(instance_id)
        except Exception as error:  # noqa: BLE001 - one instance's state, not the round's
            done.failed.append((instance_id, error))
    settings.put(session, settings.RECOUNT, {"after_id": ids[-1]} if len(ids) == limit else {})
    return done


def finished_waits(session: Session, instance_id: int) -> Sequence[tuple[datetime, datetime]]:
    """The instance's finished waits for its requester (``SlaPause``), ``(start, end)``
    aware, oldest first: the time its steps' deadlines were moved past."""
    return session.execute(select(SlaPause.started_at, SlaPause.ended_at).where(
        SlaPause.instance_id == instance_id, SlaPause.ended_at.is_not(None))
        .order_by(SlaPause.started_at)).all()


def _recount(session: Session, clock: Clock, instance_id: int) -> None:
    """Count one instance's open steps' deadlines again; audited
    ``instance.deadlines_recounted`` with each moved step's old and new deadline."""
    with change(session, clock, instance_id, statuses=STATUSES) as unit:
        if unit is None:
            return
        steps = _open_steps(session, instance_id)
        recount_deadlines(unit.workflow, {spiff_id: start for spiff_id, _, start, _ in steps},
                          finished_waits(session, instance_id))
    retime_later_levels(session, instance_id)
    before = {spiff_id: due for spiff_id, _, _, due in steps}
    moved = {name: {"old": before[spiff_id].isoformat(), "new": due.isoformat()}
             for spiff_id, name, _, due in _open_steps(session, instance_id)
             if due is not None and before.get(spiff_id) not in (None, due)}
    if moved:
        audit.record(session, clock, "instance.deadlines_recounted", instance=unit.instance,
                     steps=moved)


def _open_steps(session: Session, instance_id: int) -> list[tuple[str, str, datetime,
                                                                   datetime | None]]:
    """The instance's open steps as (spiff id, name, start, deadline), read afresh."""
    return list(session.execute(select(
        HumanTask.spiff_task_id, HumanTask.name, HumanTask.created_at, HumanTask.due_at)
        .where(HumanTask.instance_id == instance_id, HumanTask.state == "open")
        .order_by(HumanTask.id)))
