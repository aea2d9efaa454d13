"""Keeping an instance's SpiffWorkflow task tree bounded, however often its loops run.

SpiffWorkflow never forgets a task: every step adds nodes under the last one, so a
revision loop makes the tree (and the stored state) grow with every round, and deep
trees end in ``RecursionError``. Alur keeps its history elsewhere (the audit log and
the ``human_tasks`` rows), so whenever the unit of work (``engine.runtime.unit``) loads or
stores an instance's workflow, ``compact`` drops what no SpiffWorkflow rule reads again:

1. Finished branches: a finished task with no unfinished task below it is removed with
   its subtree, unless it is the sibling of an unfinished task (boundary splits and
   ``projection._timer_of`` read a step's siblings: its timer, fired or not).
2. The finished chain above the live tasks: a finished task with one remaining child is
   spliced out (its child hangs from its parent) unless it is the parent of an
   unfinished task: gateway joins, boundary-event joins and data inheritance read only
   the parents of unfinished tasks and walk up from them to the nearest split
   (``UnstructuredJoin``, ``BoundaryEventJoin.find_ancestor``, ``Task._inherit_data`` in
   SpiffWorkflow 3.2), and splicing keeps every remaining ancestor in order. The root stays.
   So does the split an unfinished structured join still has to find
   (``BoundaryEventJoin``'s ``split_task``): a step completed in a run that failed (Galat)
   leaves its boundary join unfinished below it, and the split above the step must still
   be there when the instance is retried or moved to a fixed version.
3. The arrivals at a gateway join that was reached and has not run: when a branch reaches
   a parallel join, SpiffWorkflow cancels the join task of the branch that came before
   it, yet still counts that branch as arrived by the cancelled task's completed parent,
   and merges that parent's data when the join runs. Both stay, or a join of three
   branches would wait forever for the first, and a join left ready by a failed run
   (Galat) would lose the other branch's data, and wait for it once moved to a new
   version.

What is left is the unfinished tasks, their parents and finished siblings, and the
finished tasks where live branches part: a size set by the diagram, not by the history.
Data is not lost: a task's data is its own copy (SpiffWorkflow stores it as a delta from
its parent, computed when it is stored), and the process data travels with the tokens.
Spliced joins of earlier rounds can no longer be mistaken for arrivals of this round.
"""

from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.unstructured_join import UnstructuredJoin
from SpiffWorkflow.util.task import TaskState


def compact(workflow: Any) -> int:
    """Drop the finished parts of ``workflow``'s task tree no rule reads again (above).

    A finished workflow is left as it is (it never changes again). Returns how many tasks
    were removed.
    """
    tasks = workflow.tasks
    live = [task for task in tasks.values() if not task.has_state(TaskState.FINISHED_MASK)]
    if not live:
        return 0
    root = workflow.task_tree
    # Arrivals a parallel join still counts and merges: they stay, each under its parent.
    held = live + _arrivals(tasks, live)
    spine = set()
    for task in held:
        while task is not None and task.id not in spine:
            spine.add(task.id)
            task = task.parent
    live_parents = {task._parent for task in held}
    splits = {split.id for split in (task.find_ancestor(task.task_spec.split_task)
                                     for task in live
                                     if getattr(task.task_spec, "split_task", None))
              if split is not None}
    keep = spine | {child for parent_id in live_parents if parent_id in tasks
                    for child in tasks[parent_id]._children}
    before = len(tasks)
    for task_id in [task_id for task_id in tasks if task_id not in keep]:
        _forget(workflow, task_id)
    for task_id in list(tasks):
        task = tasks[task_id]
        if task is root or task_id in live_parents or task_id in splits or not task.has_state(
                TaskState.FINISHED_MASK) or len(task._children) != 1:
            continue
        child = tasks[task._children[0]]
        parent = tasks[task._parent]
        parent._children[parent._children.index(task_id)] = child.id
        child._parent = parent.id
        _forget(workflow, task_id)
    return before - len(tasks)


def _arrivals(tasks: dict[Any, Any], live: list[Any]) -> list[Any]:
    """The finished tasks of the spec of a gateway join that was reached and has not run
    (waiting, or ready in a Galat state) that are not its ancestors: the branches that
    reached it in this round. ``ParallelGateway`` counts one as arrived while its parent
    is completed (cancelled or not), and ``UnstructuredJoin._run_hook`` merges its parent's
    data when the join runs (SpiffWorkflow 3.2)."""
    joins = [task for task in live if isinstance(task.task_spec, UnstructuredJoin)
             and task.has_state(TaskState.READY | TaskState.WAITING)]
    if not joins:
        return []
    return [task for task in tasks.values()
            if task.has_state(TaskState.FINISHED_MASK) and any(
                task.task_spec is join.task_spec and not join.is_descendant_of(task)
                for join in joins)]


def tree_size(workflow: Any) -> int:
    """The number of tasks in ``workflow``'s task tree (what one step reads and stores)."""
    return len(workflow.tasks)


def _forget(workflow: Any, task_id: Any) -> None:
    task = workflow.tasks.pop(task_id)
    parent = workflow.tasks.get(task._parent)
    if parent is not None and task_id in parent._children:
        parent._children.remove(task_id)
    if workflow.last_task is task:
        workflow.last_task = None
    workflow.event_manager.remove_task(task)
