"""Report facts written as work happens, in the transaction of the change they describe
(``engine.fact_models``): a completed step, an instance's start and end, an escalation.

Each writer is one statement with the data at hand (no SELECT), but an instance's end,
which also copies who took part from its step facts; each is called from the one place
that makes the change: ``engine.process.tasks.complete_task``, ``engine.runtime.unit``
(start and completion of an instance), ``engine.process.instances.cancel_instance`` and
``engine.escalation.chain.escalate``. ``alur rebuild-facts`` writes the same rows from
the records (``engine.reports.rebuild``) with ``step_values``/``instance_values`` and
``participation_insert``.

Office minutes come from the office calendar (``settings.work_calendar``: Perpres 21/2023
hours, Ramadan, holidays), counted at the moment of writing, in office minutes also for
round-the-clock steps (as the reports always counted them).
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Insert, insert, select, update
from sqlalchemy.orm import Session

from engine import settings
from engine.bpmn.conventions import DEFAULT_PRIORITY_FIELD
from engine.models import (
    Escalation,
    EscalationFact,
    HumanTask,
    InstanceFact,
    ParticipationFact,
    ProcessInstance,
    StepFact,
)

# The inserts, built once and run on the session's connection (a fact is never read back
# in the transaction that writes it): building and caching an ORM statement per request
# costs several times running it.
_INSERT_STEP = insert(StepFact.__table__)
_INSERT_INSTANCE = insert(InstanceFact.__table__)
# ``minutes(start, end)``: whole office minutes between two aware datetimes.
Minutes = Callable[[datetime, datetime], int]


def record_completion(session: Session, task: HumanTask) -> None:
    """Write the fact of ``task``, just completed (``state``, ``completed_at``,
    ``completed_by_id``, ``returned`` set on it): one INSERT, and, for a step with a
    deadline completed at or after it (only those can have escalated: level 1 fires at the
    deadline), one UPDATE naming the performer on its escalations. Not committed."""
    definition = task.instance.definition
    minutes = settings.work_calendar(session).working_minutes_between
    session.connection().execute(
        _INSERT_STEP, step_values(task, definition.key, definition.version, minutes))
    if task.due_at is not None and task.completed_at >= task.due_at:
        session.execute(update(EscalationFact).where(EscalationFact.human_task_id == task.id)
                        .values(performer_id=task.completed_by_id))


def record_start(session: Session, instance: ProcessInstance) -> None:
    """Write the fact of ``instance``, just created (flushed, with its id). Not committed."""
    session.connection().execute(_INSERT_INSTANCE, {
        "instance_id": instance.id, "process_key": instance.definition.key,
        "started_at": instance.started_at})


def record_end(session: Session, instance: ProcessInstance) -> None:
    """Complete the fact of ``instance``, just completed or cancelled (``status`` and
    ``completed_at`` set): one UPDATE, then one INSERT of who took part
    (``participation_insert``). Not committed."""
    minutes = settings.work_calendar(session).working_minutes_between
    values = instance_values(instance.status, instance.started_at, instance.completed_at,
                             minutes, priority_of(instance.definition.catalog, instance.data))
    session.execute(update(InstanceFact).where(InstanceFact.instance_id == instance.id)
                    .values(**values))
    session.execute(participation_insert(InstanceFact.instance_id == instance.id))


def participation_insert(ended: ColumnElement[bool]) -> Insert:
    """The INSERT of the ``ParticipationFact`` rows of the instances whose ``InstanceFact``
    matches ``ended`` and has an outcome: one per performer and role of their step facts,
    with how the instance ended. Their step facts must be written (a step is recorded
    before the change that ends its instance)."""
    taken_part = (
        select(StepFact.instance_id, StepFact.performer_id, StepFact.role,
               InstanceFact.process_key, InstanceFact.outcome, InstanceFact.ended_at,
               InstanceFact.cycle_minutes, InstanceFact.priority)
        .join(InstanceFact, InstanceFact.instance_id == StepFact.instance_id)
        .where(ended, InstanceFact.outcome.is_not(None), StepFact.performer_id.is_not(None))
        .distinct())
    return insert(ParticipationFact.__table__).from_select(
        ["instance_id", "performer_id", "role", "process_key", "outcome", "ended_at",
         "cycle_minutes", "priority"], taken_part)


def record_escalation(session: Session, task: HumanTask, escalation: Escalation) -> None:
    """Add the fact of ``escalation`` (pending or flushed) raised on ``task`` (open):
    inserted with the escalation at the next flush. Not committed."""
    session.add(EscalationFact(
        escalation=escalation, human_task_id=task.id, instance_id=task.instance_id,
        process_key=task.instance.definition.key, bpmn_id=task.bpmn_id,
        raised_at=escalation.raised_at))


def step_values(task: Any, key: str, version: int, minutes: Minutes) -> dict[str, Any]:
    """The ``StepFact`` columns of a completed step.

    Args:
        task: a ``HumanTask`` or a row with its ``id``, ``instance_id``, ``bpmn_id``,
            ``role``, ``completed_by_id``, ``created_at``, ``due_at``, ``completed_at``
            (aware), ``returned`` and ``completed_as``.
        key, version: its process definition's.
        minutes: office minutes between two aware moments.
    """
    due = task.due_at
    return {
        "human_task_id": task.id, "instance_id": task.instance_id, "process_key": key,
        "version": version, "bpmn_id": task.bpmn_id, "role": task.role,
        "performer_id": task.completed_by_id, "created_at": task.created_at, "due_at": due,
        "completed_at": task.completed_at,
        "taken_minutes": minutes(task.created_at, task.completed_at),
        "allowed_minutes": None if due is None else minutes(task.created_at, due),
        "on_time": None if due is None else task.completed_at <= due,
        "returned": bool(task.returned), "acting": task.completed_as is not None}


def instance_values(status: str, started_at: datetime, ended_at: datetime | None,
                    minutes: Minutes, priority: str | None) -> dict[str, Any]:
    """The ``InstanceFact`` columns that say how an instance ended: ``outcome`` (None
    unless ``status`` is ``completed`` or ``cancelled`` with an end), ``ended_at``,
    ``cycle_minutes`` (office minutes, completed instances only) and ``priority``."""
    if status not in ("completed", "cancelled") or ended_at is None:
        return {"outcome": None, "ended_at": None, "cycle_minutes": None, "priority": None}
    return {"outcome": status, "ended_at": ended_at, "priority": priority,
            "cycle_minutes": minutes(started_at, ended_at) if status == "completed" else None}


def priority_of(catalog: dict[str, Any], data: Any) -> str | None:
    """The priority in case ``data`` under the field ``catalog`` declares (``priority_field``,
    else ``prioritas``): its text (at most 100 characters), None when missing or empty."""
    value = data.get(catalog.get("priority_field", DEFAULT_PRIORITY_FIELD)) \
        if isinstance(data, dict) else None
    return None if value in (None, "") else str(value)[:100]
