"""Moving a running workflow to another version of its process spec.

Uses SpiffWorkflow's ``diff_workflow``/``migrate_workflow``. SpiffWorkflow restarts the
timers of the steps it resets; each open step's deadline is then counted again from the
step's original start with the new version's Waktu, so a migration never gives a late step
more time than that Waktu.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from engine.runtime.adapter import SERIALIZER
from engine.runtime.deadline_rules import counts_round_the_clock, timer_duration
from engine.runtime.projection import guarded_task


class MigrationRefused(Exception):
    """SpiffWorkflow could not move the workflow; the message is its reason. The workflow
    object may be half moved: drop it, never store it."""


def move_to_spec(workflow: Any, spec: Any, started: dict[str, datetime],
                 waits: Sequence[tuple[datetime, datetime]] = ()) -> None:
    """Move ``workflow`` onto ``spec`` in place.

    Args:
        started: ``{spiff task id of an open user task: when it became ready (aware)}``;
            the deadline of each such step is counted again from that moment with the
            Waktu of ``spec``, whether its timer is waiting or fired already.
        waits: the ticket's finished waits for its requester, ``(start, end)`` aware,
            oldest first: each recounted deadline moves past the part of each wait its
            step was open for, as the answer had moved it (``engine.desk.sla.resume``;
            a wait still open moves it when it ends).

    Raises:
        MigrationRefused: SpiffWorkflow cannot move this state (e.g. a boundary join whose
            split is gone, in a Galat state stored before ``compaction`` kept it); a step
            the workflow has passed is not in ``spec`` (SpiffWorkflow keeps such a task
            on its old spec, and the saved state could no longer be loaded); an open step
            gains or loses its boundary timer (the split SpiffWorkflow would then look for
            was never reached); SpiffWorkflow fails on the move itself (it does, with a
            ``TypeError``, where a gateway the workflow passed was renamed). A task
            waiting at an element ``spec`` removed goes on where ``spec`` leads from the
            step before it (``_follow_removed_waits``).
    """
    boundaries = _boundary_changes(workflow, spec)
    if boundaries:
        raise MigrationRefused("langkah yang sedang terbuka mendapat atau kehilangan timer di "
                               f"versi baru: {_names(boundaries)}; proses tetap di versinya dan "
                               "dapat dipindahkan sesudah langkah itu selesai")
    gone = [task.task_spec for task in workflow.tasks.values()
            if task.task_spec.name not in spec.task_specs]
    try:
        top_diff, _ = diff_workflow(SERIALIZER.registry, workflow, spec, {})
        migrate_workflow(top_diff, workflow, spec)
        _follow_removed_waits(workflow, spec)
    except SpiffWorkflowException as refused:
        raise MigrationRefused(str(refused)) from refused
    except Exception as failed:  # SpiffWorkflow's own failure on a move
        raise MigrationRefused(_passed_words(gone) if gone else
                               "SpiffWorkflow tidak dapat memindahkan keadaan proses ini ke "
                               "versi baru; proses tetap di versinya") from failed
    passed = [task.task_spec for task in workflow.tasks.values()
              if spec.task_specs.get(task.task_spec.name) is not task.task_spec]
    if passed:
        raise MigrationRefused(_passed_words(passed))
    recount_deadlines(workflow, started, waits)


def _follow_removed_waits(workflow: Any, spec: Any) -> None:
    """A task waiting (or ready) at an element ``spec`` no longer has — typically the
    parallel join a Galat waited at, removed by the fix (README "Galat") — is dropped with
    what SpiffWorkflow predicted after it, and the step before it, which ran, takes its
    next elements from ``spec``: the token goes on where the new version sends it.
    (SpiffWorkflow's ``migrate_workflow`` resets such a task but keeps it on its old spec,
    so the move was refused as if the join had been passed.)"""
    for task in list(workflow.get_tasks(state=TaskState.READY | TaskState.WAITING)):
        parent = task.parent
        if task.id not in workflow.tasks or task.task_spec.name in spec.task_specs or \
                parent is None or spec.task_specs.get(parent.task_spec.name) is not \
                parent.task_spec or not parent.has_state(TaskState.COMPLETED) or \
                len(parent.children) != 1:  # siblings would be predicted again too
            continue
        workflow._remove_task(task.id)
        parent._sync_children(parent.task_spec.outputs, TaskState.FUTURE)
        for child in parent.children:
            child.task_spec._predict(child, mask=TaskState.PREDICTED_MASK | TaskState.FUTURE)
            child.task_spec._update(child)


def recount_deadlines(workflow: Any, started: dict[str, datetime],
                      waits: Sequence[tuple[datetime, datetime]] = ()) -> None:
    """Count the deadline of each open step of ``started`` again from its start, with the
    workflow's spec and calendar as they are now (``move_to_spec`` after a move; a change of
    the office calendar, ``engine.process.recount``).

    Args:
        started: ``{spiff task id of an open user task: when it became ready (aware)}``.
        waits: the ticket's finished waits for its requester, ``(start, end)`` aware,
            oldest first (as ``move_to_spec``).

    A fired timer of a step still open is that step's deadline (``projection._timer_of``):
    it is counted again too, but never later than it fired. The step was reminded as late
    and its next escalation levels are scheduled from that deadline; a later deadline would
    leave the step "not late" while its supervisor is told it is.
    """
    for spiff_task in workflow.get_tasks(state=TaskState.WAITING | TaskState.COMPLETED):
        definition = getattr(spiff_task.task_spec, "event_definition", None)
        guarded = guarded_task(spiff_task) if isinstance(definition, TimerEventDefinition) else None
        if guarded is not None and str(guarded.id) in started:
            fired = spiff_task.state == TaskState.COMPLETED
            _count_from(spiff_task, started[str(guarded.id)], waits,
                        latest=datetime.fromisoformat(spiff_task.internal_data["event_value"])
                        if fired else None)


def _count_from(timer_task: Any, start: datetime, waits: Sequence[tuple[datetime, datetime]],
                *, latest: datetime | None) -> None:
    """Set a ``DeadlineTimer``'s fire time to its deadline counted from ``start`` (aware)
    and moved past the part of each of ``waits`` after ``start``, never later than
    ``latest`` (aware) when given."""
    calendar = timer_task.workflow.script_engine.calendar
    round_the_clock = counts_round_the_clock(timer_task)
    fire_at = calendar.deadline(start, timer_duration(timer_task),
                                round_the_clock=round_the_clock)
    for wait_start, wait_end in waits:
        if wait_end > start:
            fire_at = calendar.moved_past(fire_at, (max(wait_start, start), wait_end),
                                          round_the_clock)
    if latest is not None:
        fire_at = min(fire_at, latest)
    timer_task.internal_data.pop("event_fired", None)
    timer_task._set_internal_data(event_value=fire_at.isoformat())


def _boundary_changes(workflow: Any, spec: Any) -> list[Any]:
    """The specs of the workflow's open tasks that have a boundary timer in one of the two
    specs and not in the other (SpiffWorkflow names its split ``<id>.BoundaryEventSplit``)."""
    changed = []
    for task in workflow.get_tasks(state=TaskState.READY | TaskState.STARTED):
        split = f"{task.task_spec.name}.BoundaryEventSplit"
        if task.task_spec.name in spec.task_specs and (
                (split in workflow.spec.task_specs) != (split in spec.task_specs)):
            changed.append(task.task_spec)
    return changed


def _passed_words(specs: list[Any]) -> str:
    return (f"langkah yang sudah dilalui proses ini tidak ada di versi baru: {_names(specs)}; "
            "proses tetap di versinya")


def _names(specs: list[Any]) -> str:
    """The BPMN elements among ``specs`` by name (else id), quoted, once each, in order."""
    shown = [spec for spec in specs if getattr(spec, "bpmn_id", None)] or specs
    names = dict.fromkeys(f'"{getattr(spec, "bpmn_name", None) or spec.name}"' for spec in shown)
    return ", ".join(names)
