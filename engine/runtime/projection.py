"""Keeps the ``human_tasks`` and ``timers`` projections equal to an instance's workflow.

Called by the unit of work (``engine.runtime.unit``) after every change to a workflow, in
the same transaction as the instance's new state, so that inbox queries and timer polling
read only these tables. A finished human task's row may name a spiff task that
``engine.runtime.compaction`` has dropped since: the row is the record.
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import facts
from engine.clock import Clock
from engine.models import HumanTask, ProcessInstance, Timer


def project(session: Session, clock: Clock, instance: ProcessInstance,
            workflow: BpmnWorkflow) -> list[HumanTask]:
    """Bring ``instance``'s projections (and its status, once the workflow is complete) up
    to date with ``workflow``. Called by ``engine.runtime.unit`` before it stores the state.

    Returns:
        The human tasks that became open in this step.
    """
    workflow.get_events()  # escalation end events are handled by engine.escalation.timers
    now = clock.now()
    opened = _sync_human_tasks(session, now, instance, workflow)
    _sync_timers(session, instance, workflow)
    if workflow.is_completed() and instance.status == "running":
        instance.status = "completed"
        instance.completed_at = now
    return opened


def _sync_human_tasks(session: Session, now: datetime, instance: ProcessInstance,
                      workflow: BpmnWorkflow) -> list[HumanTask]:
    ready = {str(t.id): t for t in workflow.get_tasks(state=TaskState.READY, manual=True)}
    open_rows = session.scalars(select(HumanTask).where(
        HumanTask.instance_id == instance.id, HumanTask.state == "open")).all()
    for row in open_rows:
        if row.spiff_task_id not in ready:
            spiff_task = workflow.tasks.get(UUID(row.spiff_task_id))
            done = spiff_task is not None and spiff_task.state == TaskState.COMPLETED
            row.state = "completed" if done else "cancelled"
            row.completed_at = row.completed_at or now
            if done:  # finished in the workflow without a person (complete_task records its own)
                facts.record_completion(session, row)
    known = {row.spiff_task_id: row for row in open_rows}
    opened = []
    for spiff_id, spiff_task in ready.items():
        timer = _timer_of(spiff_task)
        if spiff_id in known:
            known[spiff_id].due_at = _fire_time(timer) if timer is not None else None
            continue
        spec = spiff_task.task_spec
        row = HumanTask(
            instance_id=instance.id, spiff_task_id=spiff_id, bpmn_id=spec.bpmn_id,
            name=spec.bpmn_name or spec.bpmn_id, role=spec.lane, state="open", created_at=now,
            due_at=_fire_time(timer) if timer is not None else None,
        )
        session.add(row)
        opened.append(row)
    session.flush()
    return opened


def _sync_timers(session: Session, instance: ProcessInstance, workflow: BpmnWorkflow) -> None:
    waiting = {}
    for spiff_task in workflow.get_tasks(state=TaskState.WAITING):
        if isinstance(getattr(spiff_task.task_spec, "event_definition", None),
                      TimerEventDefinition):
            waiting[str(spiff_task.id)] = spiff_task
    rows = session.scalars(select(Timer).where(Timer.instance_id == instance.id)).all()
    open_tasks = set(session.scalars(select(HumanTask.id).where(
        HumanTask.instance_id == instance.id, HumanTask.state == "open")))
    for row in rows:
        if row.spiff_task_id is None and row.human_task_id in open_tasks:
            continue  # escalation level 2+ of a step still open
        if row.spiff_task_id not in waiting:
            session.delete(row)
    known = {row.spiff_task_id: row for row in rows if row.spiff_task_id}
    for spiff_id, spiff_task in waiting.items():
        if spiff_id in known:
            known[spiff_id].fire_at = _fire_time(spiff_task)
            continue
        guarded = guarded_task(spiff_task)
        human_task_id = session.scalar(select(HumanTask.id).where(
            HumanTask.spiff_task_id == str(guarded.id))) if guarded is not None else None
        session.add(Timer(instance_id=instance.id, spiff_task_id=spiff_id,
                          human_task_id=human_task_id, fire_at=_fire_time(spiff_task)))


def guarded_task(timer_task: Any) -> Any:
    """The user task a boundary timer is attached to (its sibling under the split)."""
    for sibling in timer_task.parent.children:
        if not hasattr(sibling.task_spec, "event_definition"):
            return sibling
    return None


def _timer_of(user_task: Any) -> Any:
    """The boundary timer guarding ``user_task``: the waiting one, else one that already
    fired (a late step keeps its deadline), else None."""
    parent = user_task.parent
    fired = None
    for sibling in parent.children if parent is not None else []:
        definition = getattr(sibling.task_spec, "event_definition", None)
        if not isinstance(definition, TimerEventDefinition):
            continue
        if sibling.state == TaskState.WAITING:
            return sibling
        if sibling.state == TaskState.COMPLETED:
            fired = sibling
    return fired


def _fire_time(timer_task: Any) -> datetime:
    timer_task.task_spec.event_definition.has_fired(timer_task)  # sets event_value if unset
    return datetime.fromisoformat(timer_task._get_internal_data("event_value"))
