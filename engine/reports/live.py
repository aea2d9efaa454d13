"""What the person on duty needs to see now: open, late and escalated steps, timers due,
the outbox backlog and instance totals. Read by ``/metrics`` and ``/readyz``; every query
is one aggregate, bounded by the number of SOPs, roles and channels, not of rows.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import Session

from engine.escalation.timers import due_conditions
from engine.models import Delivery, Escalation, HumanTask, ProcessDefinition, ProcessInstance, Timer


@dataclass(frozen=True)
class StepCounts:
    """Open steps of one SOP (process key) and role; ``late``: past their deadline;
    ``escalated``: at least one escalation level raised."""

    sop: str
    role: str
    open: int
    late: int
    escalated: int


def open_steps(session: Session, now: datetime) -> list[StepCounts]:
    """Open steps per (SOP, role) at ``now`` (aware)."""
    escalated = exists().where(Escalation.human_task_id == HumanTask.id)
    rows = session.execute(
        select(ProcessDefinition.key, HumanTask.role, func.count(),
               func.sum(case((HumanTask.due_at < now, 1), else_=0)),
               func.sum(case((escalated, 1), else_=0)))
        .join(ProcessInstance, HumanTask.instance_id == ProcessInstance.id)
        .join(ProcessDefinition, ProcessInstance.definition_id == ProcessDefinition.id)
        .where(HumanTask.state == "open")
        .group_by(ProcessDefinition.key, HumanTask.role)
        .order_by(ProcessDefinition.key, HumanTask.role))
    return [StepCounts(key, role, count, int(late or 0), int(up or 0))
            for key, role, count, late, up in rows]


def timers_due(session: Session, now: datetime) -> tuple[int, datetime | None]:
    """How many timers of running instances are due at ``now`` (aware datetime) and the
    fire time of the oldest one (or None): what the timer loop has still to fire
    (``engine.escalation.timers.due_conditions``). A timer of an instance in Galat waits
    for an administrator (``engine.escalation.incidents``), one of a ticket waiting for its
    requester for the answer, not for the loop, so neither makes ``/readyz`` fail."""
    count, oldest = session.execute(
        select(func.count(), func.min(Timer.fire_at)).join(
            ProcessInstance, ProcessInstance.id == Timer.instance_id).where(
            *due_conditions(now))).one()
    return count, oldest


def outbox_backlog(session: Session) -> dict[str, dict[str, int]]:
    """Unsent outbox messages per channel: ``{"email": {"pending": n, "failed": m}}``, with
    0 for ``email`` and ``webhook`` when none wait (so ``/metrics`` always has their
    samples and an alert rule needs no ``absent()``); ``failed`` counts those whose last
    attempt failed (they are retried with backoff)."""
    rows = session.execute(
        select(Delivery.channel, func.count(),
               func.sum(case((Delivery.last_error.is_not(None), 1), else_=0)))
        .where(Delivery.state == "pending").group_by(Delivery.channel))
    backlog = {channel: {"pending": 0, "failed": 0} for channel in ("email", "webhook")}
    backlog.update({channel: {"pending": pending, "failed": int(failed or 0)}
                    for channel, pending, failed in rows})
    return backlog


def instance_totals(session: Session) -> dict[str, tuple[int, int]]:
    """Per SOP (process key): instances ever started and completed."""
    rows = session.execute(
        select(ProcessDefinition.key, func.count(),
               func.sum(case((ProcessInstance.status == "completed", 1), else_=0)))
        .join(ProcessDefinition, ProcessInstance.definition_id == ProcessDefinition.id)
        .group_by(ProcessDefinition.key))
    return {key: (started, int(completed or 0)) for key, started, completed in rows}
