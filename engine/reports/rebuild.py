"""Rebuild the report facts (``engine.fact_models``) from the records they summarize:
completed ``human_tasks``, ``process_instances`` and ``escalations`` (and who took part in
an ended instance, from those facts), with the office calendar of today. Used by ``alur
rebuild-facts`` (and ``alur setup`` on a database migrated with history but no facts).

Work goes in batches of rows in id order; each batch deletes the facts of its id range and
writes them again, so a rebuild can stop and run again (idempotent), and a step completed
meanwhile keeps its one fact. The caller commits after each batch.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, func, insert, select
from sqlalchemy.orm import Session

from engine.facts import instance_values, participation_insert, priority_of, step_values
from engine.models import (
    Escalation,
    EscalationFact,
    HumanTask,
    InstanceFact,
    ParticipationFact,
    ProcessDefinition,
    ProcessInstance,
    StepFact,
)
from engine.reports.basis import WorkingMinutes, instant
from engine.time.calendar import WorkCalendar

BATCH = 2000


@dataclass(frozen=True)
class Batch:
    """What one batch did: ``written`` facts; ``after`` the last id it covered, or None
    when it was the last batch of its kind."""

    written: int
    after: int | None


def rebuild_instances(session: Session, calendar: WorkCalendar, after: int = 0,
                      limit: int = BATCH) -> Batch:
    """Instance facts of the instances with id > ``after`` (``limit`` of them). Not
    committed."""
    rows = session.execute(
        select(ProcessInstance.id, ProcessInstance.definition_id, ProcessInstance.status,
               ProcessInstance.started_at, ProcessInstance.completed_at, ProcessInstance.data)
        .where(ProcessInstance.id > after).order_by(ProcessInstance.id).limit(limit)).all()
    definitions = {row.id: row for row in session.execute(select(
        ProcessDefinition.id, ProcessDefinition.key, ProcessDefinition.catalog).where(
        ProcessDefinition.id.in_({row.definition_id for row in rows})))}
    minutes = _minutes(calendar, (m for row in rows for m in (row.started_at, row.completed_at)))
    last = _last(rows, limit)
    session.execute(delete(InstanceFact).where(*_range(InstanceFact.instance_id, after, last)))
    values = [{"instance_id": row.id, "process_key": definitions[row.definition_id].key,
               "started_at": row.started_at,
               **instance_values(row.status, row.started_at, row.completed_at, minutes,
                                 priority_of(definitions[row.definition_id].catalog, row.data))}
              for row in rows]
    _insert(session, InstanceFact, values)
    return Batch(len(values), last)


def rebuild_steps(session: Session, calendar: WorkCalendar, after: int = 0,
                  limit: int = BATCH) -> Batch:
    """Step facts of the completed human tasks with id > ``after`` (``limit`` of them).
    Not committed."""
    rows = session.execute(
        select(HumanTask.id, HumanTask.instance_id, HumanTask.bpmn_id, HumanTask.role,
               HumanTask.completed_by_id, HumanTask.created_at, HumanTask.due_at,
               HumanTask.completed_at, HumanTask.returned, HumanTask.completed_as,
               ProcessDefinition.key,
               ProcessDefinition.version)
        .join(ProcessInstance, HumanTask.instance_id == ProcessInstance.id)
        .join(ProcessDefinition, ProcessInstance.definition_id == ProcessDefinition.id)
        .where(HumanTask.state == "completed", HumanTask.id > after)
        .order_by(HumanTask.id).limit(limit)).all()
    minutes = _minutes(calendar, (m for row in rows
                                  for m in (row.created_at, row.completed_at, row.due_at)))
    last = _last(rows, limit)
    session.execute(delete(StepFact).where(*_range(StepFact.human_task_id, after, last)))
    values = [step_values(row, row.key, row.version, minutes) for row in rows]
    _insert(session, StepFact, values)
    return Batch(len(values), last)


def rebuild_escalations(session: Session, after: int = 0, limit: int = BATCH) -> Batch:
    """Escalation facts of the escalations with id > ``after`` (``limit`` of them). Not
    committed."""
    rows = session.execute(
        select(Escalation.id, Escalation.human_task_id, Escalation.raised_at,
               HumanTask.instance_id, HumanTask.bpmn_id, HumanTask.completed_by_id,
               ProcessDefinition.key)
        .join(HumanTask, Escalation.human_task_id == HumanTask.id)
        .join(ProcessInstance, HumanTask.instance_id == ProcessInstance.id)
        .join(ProcessDefinition, ProcessInstance.definition_id == ProcessDefinition.id)
        .where(Escalation.id > after).order_by(Escalation.id).limit(limit)).all()
    last = _last(rows, limit)
    session.execute(delete(EscalationFact).where(
        *_range(EscalationFact.escalation_id, after, last)))
    values = [{"escalation_id": row.id, "human_task_id": row.human_task_id,
               "instance_id": row.instance_id, "process_key": row.key, "bpmn_id": row.bpmn_id,
               "raised_at": row.raised_at, "performer_id": row.completed_by_id}
              for row in rows]
    _insert(session, EscalationFact, values)
    return Batch(len(values), last)


def rebuild_participation(session: Session, after: int = 0, limit: int = BATCH) -> Batch:
    """Participation facts of the instances with id > ``after`` (``limit`` of them), from
    their instance and step facts (rebuild those first). Not committed."""
    ids = session.scalars(select(InstanceFact.instance_id).where(
        InstanceFact.instance_id > after).order_by(InstanceFact.instance_id).limit(limit)).all()
    last = ids[-1] if len(ids) == limit else None
    facts = _range(ParticipationFact.instance_id, after, last)
    session.execute(delete(ParticipationFact).where(*facts))
    session.execute(participation_insert(and_(*_range(InstanceFact.instance_id, after, last))))
    # Counted: the INSERT ... SELECT's rowcount came back -1 on PostgreSQL through the session.
    return Batch(session.scalar(select(func.count()).select_from(ParticipationFact)
                                .where(*facts)) or 0, last)


def rebuild_all(session: Session, calendar: WorkCalendar, limit: int = BATCH,
                done: Callable[[str, int], None] = lambda kind, written: None) -> int:
    """Every fact again, batch by batch, calling ``done(kind, written)`` after each batch
    (``kind``: "proses", "langkah", "eskalasi", "keterlibatan"); the caller commits there
    (it is called with the batch written and not committed). Returns the facts written."""
    total = 0
    steps: tuple[tuple[str, Callable[[int], Batch]], ...] = (
        ("proses", lambda after: rebuild_instances(session, calendar, after, limit)),
        ("langkah", lambda after: rebuild_steps(session, calendar, after, limit)),
        ("eskalasi", lambda after: rebuild_escalations(session, after, limit)),
        ("keterlibatan", lambda after: rebuild_participation(session, after, limit)))
    for kind, step in steps:
        after: int | None = 0
        while after is not None:
            batch = step(after)
            total += batch.written
            done(kind, batch.written)
            after = batch.after
    return total


def _minutes(calendar: WorkCalendar, moments: Iterable[Any]) -> Callable[[Any, Any], int]:
    return WorkingMinutes.covering(calendar, (instant(m) for m in moments)).between


def _last(rows: list[Any], limit: int) -> int | None:
    """The last id a batch covers; None (to the end) when it found fewer than ``limit``."""
    return rows[-1].id if len(rows) == limit else None


def _range(column: Any, after: int, last: int | None) -> tuple[Any, ...]:
    return (column > after,) if last is None else (column > after, column <= last)


def _insert(session: Session, model: Any, values: list[dict[str, Any]]) -> None:
    if values:
        session.execute(insert(model), values)
