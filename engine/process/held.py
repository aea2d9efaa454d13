"""A step taken by someone else: the one test of whether a claim stops a user (claim,
release, completion, a file added) and the one refusal that names the holder (README: a
409 names who holds the step, with ``claimed_by`` his user name)."""

from engine.errors import TaskNotOpen
from engine.models import HumanTask
from engine.people.substitution import Capacity


def held_by_other(task: HumanTask, capacity: Capacity, user_id: int) -> bool:
    """Whether ``task`` is taken by someone whose claim is not the user's own (``user_id``;
    ``capacity``: how he acts in the step's role, a Plh's official's claim being his)."""
    return task.claimed_by_id is not None and task.claimed_by_id not in capacity.claimants(
        user_id)


def held_refusal(task: HumanTask) -> TaskNotOpen:
    """The 409 of a step another holds: ``Tugas "…" sudah diambil oleh Nama (username).``"""
    holder = task.claimed_by
    return TaskNotOpen(f'Tugas "{task.name}" sudah diambil oleh {holder.full_name} '
                       f"({holder.username}).", claimed_by=holder.username)
