"""Moving a running workflow to another version of its process spec.

Uses SpiffWorkflow's ``diff_workflow``/``migrate_workflow``. SpiffWorkflow restarts the
timers of the steps it resets; each step's deadline is then counted again from the step's
original start, so a migration never gives a late step more time.
"""

from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from engine.runtime.adapter import SERIALIZER, count_from
from engine.runtime.projection import guarded_task


class MigrationRefused(Exception):
    """SpiffWorkflow could not move the workflow; the message is its reason. The workflow
    object may be half moved: drop it, never store it."""


def move_to_spec(workflow: Any, spec: Any, started: dict[str, datetime]) -> None:
    """Move ``workflow`` onto ``spec`` in place.

    Args:
        started: ``{spiff task id of an open user task: when it became ready (aware)}``;
            the deadline of each such step is counted again from that moment.

    Raises:
        MigrationRefused: SpiffWorkflow cannot move this state (e.g. a boundary join whose
            split is gone, in a Galat state stored before ``compaction`` kept it).
    """
    try:
        top_diff, _ = diff_workflow(SERIALIZER.registry, workflow, spec, {})
        migrate_workflow(top_diff, workflow, spec)
    except SpiffWorkflowException as refused:
        raise MigrationRefused(str(refused)) from refused
    for spiff_task in workflow.get_tasks(state=TaskState.WAITING):
        definition = getattr(spiff_task.task_spec, "event_definition", None)
        guarded = guarded_task(spiff_task) if isinstance(definition, TimerEventDefinition) else None
        if guarded is not None and str(guarded.id) in started:
            count_from(spiff_task, started[str(guarded.id)])
