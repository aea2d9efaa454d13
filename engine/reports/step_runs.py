"""The executions behind one step's figures in Kinerja SOP and Peta hambatan: which
processes, who did the step, how long it took against its Waktu, on time or not. The way
from a slow or late step to its cases, for the supervisors who read the reports."""

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from engine.models import ProcessInstance, StepFact, User
from engine.reports.basis import count_where
from engine.time.periods import Period


def _of_step(key: str, bpmn_id: str, period: Period) -> tuple[Any, ...]:
    """The conditions of step ``bpmn_id`` of SOP ``key`` completed in ``period``."""
    return (StepFact.process_key == key, StepFact.bpmn_id == bpmn_id,
            StepFact.completed_at >= period.start, StepFact.completed_at < period.end)


def step_run_counts(session: Session, key: str, bpmn_id: str, period: Period
                    ) -> tuple[int, int]:
    """``(all, late)``: how many times the step was done in ``period`` and how many of those
    after their deadline, in one statement on the facts' step index (the page's tabs)."""
    found = session.execute(select(func.count(), count_where(StepFact.on_time.is_(False)))
                            .where(*_of_step(key, bpmn_id, period))).one()
    return int(found[0]), int(found[1])


def step_runs(key: str, bpmn_id: str, period: Period, late_only: bool = False
              ) -> Select[Any]:
    """The rows ``(StepFact, instance number, instance title, performer's full name)`` of
    step ``bpmn_id`` of SOP ``key`` completed in ``period``, as ``sop_performance`` counts
    them (each execution of a revised step its own row); ``late_only``: only those done
    after their deadline (``on_time`` false). Newest first, on the facts' step index; for
    ``engine.paging.paginate`` with ``rows``."""
    query = (select(StepFact, ProcessInstance.number, ProcessInstance.title, User.full_name)
             .join(ProcessInstance, ProcessInstance.id == StepFact.instance_id)
             .outerjoin(User, User.id == StepFact.performer_id)
             .where(*_of_step(key, bpmn_id, period))
             .order_by(StepFact.completed_at.desc(), StepFact.human_task_id.desc()))
    return query.where(StepFact.on_time.is_(False)) if late_only else query
