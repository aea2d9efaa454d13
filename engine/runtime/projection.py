"""Keeps the ``human_tasks`` and ``timers`` projections equal to an instance's workflow.

Called by the unit of work (``engine.runtime.unit``) after every change to a workflow, in
the same transaction as the instance's new state, so that inbox queries and timer polling
read only these tables. A finished human task's row may name a spiff task that
``engine.runtime.compaction`` has dropped since: the row is the record.

The rows are written from the workflow at every save, so the workflow as it was loaded
says what they hold. The unit takes a ``Snapshot`` when it loads the workflow and
``project`` writes only the difference to the workflow being saved: the steps that left
(their rows closed), the steps that opened (new rows), the timers that stopped or started
waiting, and changed due times. Nothing is read back, and a change costs a few
statements however long the instance's history is. New rows are inserted at once on the
session's connection, not left to the ORM's flush; the new human tasks join the session
as read rows, and whoever must hear of them registers with ``listen``.
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Delete, and_, bindparam, delete, insert, or_, select, update
from sqlalchemy.orm import Session, make_transient_to_detached

from engine import audit, facts
from engine.clock import Clock
from engine.models import HumanTask, ProcessInstance, Timer
from engine.runtime import deadline_rules


@dataclass(frozen=True)
class Step:
    """A user task waiting for a person (SpiffWorkflow READY): what its row shows."""

    bpmn_id: str
    name: str
    role: str
    due_at: datetime | None


@dataclass(frozen=True)
class Wait:
    """A waiting timer: its fire time (aware) and the spiff id of the step it guards."""

    fire_at: datetime
    guards: str | None


@dataclass(frozen=True)
class Snapshot:
    """What a workflow's projection rows hold: ``{spiff task id: Step}`` of its open steps
    and ``{spiff task id: Wait}`` of its waiting timers."""

    steps: dict[str, Step]
    timers: dict[str, Wait]


EMPTY = Snapshot({}, {})
# A step's row as it opens: every column the INSERT gives, so that the row in the session
# holds them all (none left to read from the database).
_OPEN_STEP = {"state": "open", "duration": None, "round_the_clock": False,
              "claimed_by_id": None, "claimed_at": None,
              "completed_by_id": None, "completed_at": None, "completed_as": None,
              "decision": None, "returned": False, "note": None, "data": None}
# A level-1 timer's row, guarding a step opened in the same change (or none), or a step
# open from before (its row's id looked up in the INSERT).
_TIMER_COLUMNS = {"instance_id": bindparam("instance_id"),
                  "spiff_task_id": bindparam("spiff_task_id"), "level": bindparam("level"),
                  "fire_at": bindparam("fire_at")}
_INSERT_TIMER = insert(Timer.__table__).values(
    **_TIMER_COLUMNS, human_task_id=bindparam("human_task_id"))
_INSERT_TIMER_OF_OPEN_STEP = insert(Timer.__table__).values(
    **_TIMER_COLUMNS, human_task_id=select(HumanTask.id).where(
        HumanTask.spiff_task_id == bindparam("guards")).scalar_subquery())
_INSERT_STEPS = insert(HumanTask.__table__).returning(HumanTask.id,
                                                     sort_by_parameter_order=True)
_listeners: list[Callable[[Session, list[HumanTask]], None]] = []


def snapshot(workflow: BpmnWorkflow) -> Snapshot:
    """The projection ``workflow`` calls for (no database involved), read in one walk of
    its task tree: the ready user tasks and the waiting timers."""
    steps, timers = {}, {}
    for spiff_task in workflow.get_tasks(state=TaskState.READY | TaskState.WAITING):
        spec = spiff_task.task_spec
        if spiff_task.state == TaskState.READY:
            if spec.manual:
                timer = _timer_of(spiff_task)
                steps[str(spiff_task.id)] = Step(spec.bpmn_id, spec.bpmn_name or spec.bpmn_id,
                                                 spec.lane, _fire_time(timer) if timer else None)
        elif isinstance(getattr(spec, "event_definition", None), TimerEventDefinition):
            guarded = guarded_task(spiff_task)
            timers[str(spiff_task.id)] = Wait(_fire_time(spiff_task),
                                              str(guarded.id) if guarded is not None else None)
    return Snapshot(steps, timers)


def project(session: Session, clock: Clock, instance: ProcessInstance, before: Snapshot,
            workflow: BpmnWorkflow, *, closed: Collection[str] = ()
            ) -> tuple[list[HumanTask], Snapshot]:
    """Bring ``instance``'s projections (and its status, once the workflow is complete) from
    ``before`` (what the rows hold: the snapshot of the workflow as loaded, ``EMPTY`` for a
    new instance) up to date with ``workflow``. Called by ``engine.runtime.unit`` before it
    stores the state.

    Args:
        closed: spiff ids of steps whose rows the caller closed itself
            (``engine.process.tasks`` does, with the conditional UPDATE that decides races).

    Returns:
        The human tasks that became open in this step (added to the session), and the
        snapshot of ``workflow`` (what the rows hold now).
    """
    workflow.get_events()  # escalation end events are handled by engine.escalation.timers
    now = clock.now()
    after = snapshot(workflow)
    opened = _write_steps(session, clock, instance, before, after, workflow, closed)
    _write_timers(session, instance, before, after, opened)
    if workflow.is_completed() and instance.status == "running":
        instance.status = "completed"
        instance.completed_at = now
    return opened, after


def _write_steps(session: Session, clock: Clock, instance: ProcessInstance,
                 before: Snapshot, after: Snapshot, workflow: BpmnWorkflow,
                 closed: Collection[str]) -> list[HumanTask]:
    now = clock.now()
    left = [spiff_id for spiff_id in before.steps
            if spiff_id not in after.steps and spiff_id not in closed]
    done = [spiff_id for spiff_id in left if _completed(workflow, spiff_id)]
    dropped = [s for s in left if s not in done]
    for state, spiff_ids in (("completed", done), ("cancelled", dropped)):
        if spiff_ids:
            _update_rows(session, HumanTask, spiff_ids, state=state, completed_at=now)
    # Closed by the engine itself (a terminate end event, a join): nobody did it. A
    # cancellation closes its steps too, but records itself (``instance.cancelled``).
    if dropped and instance.status != "cancelled":
        for row in session.scalars(select(HumanTask).where(
                HumanTask.instance_id == instance.id, HumanTask.spiff_task_id.in_(dropped))):
            audit.record(session, clock, "task.cancelled", task=row, step=row.name)
    if done:  # finished in the workflow without a person (complete_task records its own)
        for row in session.scalars(select(HumanTask).where(
                HumanTask.instance_id == instance.id, HumanTask.spiff_task_id.in_(done))):
            facts.record_completion(session, row)
    for spiff_id, step in after.steps.items():
        if spiff_id in before.steps and before.steps[spiff_id].due_at != step.due_at:
            _update_rows(session, HumanTask, [spiff_id], due_at=step.due_at)
    opened = _insert_steps(session, [
        {**_OPEN_STEP, "instance_id": instance.id, "spiff_task_id": spiff_id,
         "bpmn_id": step.bpmn_id, "name": step.name, "role": step.role, "created_at": now,
         "due_at": step.due_at, **step_waktu(workflow, spiff_id)}
        for spiff_id, step in after.steps.items() if spiff_id not in before.steps])
    for listener in _listeners:
        listener(session, opened)
    return opened


def _write_timers(session: Session, instance: ProcessInstance, before: Snapshot,
                  after: Snapshot, opened: list[HumanTask]) -> None:
    stopped = [spiff_id for spiff_id in before.timers if spiff_id not in after.timers]
    left = [spiff_id for spiff_id in before.steps if spiff_id not in after.steps]
    loaded = [] if left else _loaded_timers(session, instance.id, stopped)
    if stopped and not left and len(loaded) == len(stopped):
        # A worker's batch read these rows (the due timers): deleted at its one flush,
        # every instance's together, instead of a DELETE per instance.
        for row in loaded:
            session.delete(row)
    elif stopped or left:
        parameters = {"instance_id": instance.id}
        if stopped:
            parameters["stopped"] = stopped
        if left:
            parameters["left"] = left
        if any(_of_instance(row, instance.id) for row in session.identity_map.values()):
            # Rows the session holds (a worker's batch) are marked deleted too; rows still
            # unflushed (its escalations) are flushed first when one of them could match:
            # a level 2+ timer of a step that left, a timer stopped.
            unflushed_match = bool(left) or any(
                _of_instance(row, instance.id) and row.spiff_task_id in stopped
                for row in session.new)
            session.execute(_delete_timers(bool(stopped), bool(left), unflushed_match),
                            parameters)
        else:  # the usual change holds none: a plain DELETE, no ORM bookkeeping
            if any(_of_instance(row, instance.id) for row in session.new):
                session.flush()
            session.connection().execute(_delete_timers(bool(stopped), bool(left), False),
                                         parameters)
    new_rows = {row.spiff_task_id: row.id for row in opened}
    guarding_new, guarding_open = [], []
    for spiff_id, wait in after.timers.items():
        if spiff_id in before.timers:
            if before.timers[spiff_id].fire_at != wait.fire_at:
                _update_rows(session, Timer, [spiff_id], fire_at=wait.fire_at)
            continue
        values = {"instance_id": instance.id, "spiff_task_id": spiff_id, "level": 1,
                  "fire_at": wait.fire_at}
        if wait.guards in new_rows or wait.guards is None:
            guarding_new.append({**values, "human_task_id": new_rows.get(wait.guards)})
        else:  # a step already open: its row's id, in the INSERT
            guarding_open.append({**values, "guards": wait.guards})
    for statement, rows in ((_INSERT_TIMER, guarding_new),
                            (_INSERT_TIMER_OF_OPEN_STEP, guarding_open)):
        if rows:
            session.connection().execute(statement, rows)


def listen(listener: Callable[[Session, list[HumanTask]], None]) -> None:
    """Call ``listener(session, opened)`` with the human tasks every change opens, right
    after their INSERT, in the same transaction (``engine.escalation.task_notices``: the
    "tugas baru" notices). Idempotent."""
    if listener not in _listeners:
        _listeners.append(listener)


def _insert_steps(session: Session, rows: list[dict[str, Any]]) -> list[HumanTask]:
    """INSERT the rows of steps just opened (every column but ``id``) now, in one
    statement, and return them as human tasks in the session as if just read: no flush
    handles them (the unit of work's flush cost more than the statements)."""
    if not rows:
        return []
    ids = session.connection().execute(_INSERT_STEPS, rows).scalars().all()
    opened = []
    for row_id, values in zip(ids, rows, strict=True):
        row = HumanTask(id=row_id, **values)
        make_transient_to_detached(row)
        session.add(row)
        opened.append(row)
    return opened


def _loaded_timers(session: Session, instance_id: int, spiff_ids: list[str]) -> list[Timer]:
    """The rows of the instance's timers ``spiff_ids`` that the session holds loaded. Only
    what is loaded is looked at (``__dict__``): a row expired by an earlier commit would be
    read again, or raise if another worker has deleted it since."""
    wanted = set(spiff_ids)
    return [row for row in session.identity_map.values()
            if _of_instance(row, instance_id)
            and row.__dict__.get("spiff_task_id") in wanted] if wanted else []


def _of_instance(row: Any, instance_id: int) -> bool:
    """Whether ``row`` is a timer row of the instance (only what is loaded is looked at)."""
    return isinstance(row, Timer) and row.__dict__.get("instance_id") == instance_id


@cache
def _delete_timers(stopped: bool, left: bool, autoflush: bool) -> Delete:
    """The DELETE of an instance's timers that stopped (``:stopped``, spiff ids) and of
    the escalation levels 2+ of its steps that left (``:left``), built once per shape."""
    gone = []
    if stopped:
        gone.append(Timer.spiff_task_id.in_(bindparam("stopped", expanding=True)))
    if left:  # escalation levels 2+ of steps no longer open
        gone.append(and_(Timer.spiff_task_id.is_(None), Timer.human_task_id.in_(
            select(HumanTask.id).where(HumanTask.spiff_task_id.in_(
                bindparam("left", expanding=True))))))
    return (delete(Timer).where(Timer.instance_id == bindparam("instance_id"), or_(*gone))
            .execution_options(synchronize_session="fetch", autoflush=autoflush))


def _update_rows(session: Session, model: Any, spiff_ids: list[str], **values: Any) -> None:
    """One UPDATE of the open rows of ``model`` with these spiff ids; the rows loaded in
    the session get the same values."""
    condition = [model.spiff_task_id.in_(spiff_ids)]
    if model is HumanTask:
        condition.append(HumanTask.state == "open")
    session.execute(update(model).where(*condition).values(**values)
                    .execution_options(synchronize_session="evaluate"))


def _completed(workflow: BpmnWorkflow, spiff_id: str) -> bool:
    spiff_task = workflow.tasks.get(UUID(spiff_id))
    return spiff_task is not None and spiff_task.state == TaskState.COMPLETED


def step_waktu(workflow: BpmnWorkflow, spiff_id: str) -> dict[str, Any]:
    """The Waktu of open step ``spiff_id`` for its row: ``{"duration": ISO 8601,
    "round_the_clock": bool}`` from its timer, the duration evaluated on the case data
    (``{}`` for a step without timer). Taken as the step opens, and again when its
    instance moves to another version (``engine.process.versions``)."""
    timer = _timer_of(workflow.tasks[UUID(spiff_id)])
    if timer is None:
        return {}
    return {"duration": deadline_rules.timer_duration(timer),
            "round_the_clock": deadline_rules.counts_round_the_clock(timer)}


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
