"""Firing due timers: where a step's time standard runs out."""

from itertools import groupby
from uuid import UUID

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from .clock import Clock
from .escalation import escalate
from .instances import load_workflow
from .models import HumanTask, ProcessInstance, Timer
from .projection import save


def fire_due_timers(session: Session, clock: Clock, limit: int = 200) -> int:
    """Fire every timer whose fire time has come (at most ``limit``), oldest first.

    Each fired boundary timer escalates the step it guards (level 1). Reads only the
    ``timers`` projection to find work; loads a workflow only when one of its timers is
    due.

    Returns:
        The number of timers that fired.
    """
    due = session.scalars(select(Timer).where(Timer.fire_at <= clock.now())
                          .order_by(Timer.instance_id, Timer.fire_at).limit(limit)).all()
    fired = 0
    for instance_id, timers in groupby(due, key=lambda timer: timer.instance_id):
        timers = list(timers)
        instance = session.get(ProcessInstance, instance_id)
        workflow = load_workflow(instance, clock)
        workflow.refresh_timers()
        workflow.do_engine_steps()
        for timer in timers:
            spiff_task = workflow.get_task_from_id(UUID(timer.spiff_task_id))
            if spiff_task is None or spiff_task.state != TaskState.COMPLETED:
                continue
            fired += 1
            if timer.human_task_id is not None:
                escalate(session, clock, session.get(HumanTask, timer.human_task_id))
        save(session, clock, instance, workflow)
    return fired
