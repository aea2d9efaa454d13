"""Taking or assigning many inbox tasks at once (a Kasubbag's morning round, issue 15).

Each task is checked on its own against the access policy and then taken or assigned by
the same rules as one task (``engine.process.tasks``), each audited on its own; a refused
task does not stop the others. Nothing is written for a refused task: every refusal is
raised before its conditional UPDATE, or by it when it changed no row.
"""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.errors import AlurError, InvalidTaskData
from engine.models import HumanTask, User
from engine.people.access import Access
from engine.process import case, tasks
from engine.process.task_states import task_state_word

MAX_BULK = 100


@dataclass(frozen=True)
class Outcome:
    """What happened to one task: ``done`` or not, with the Indonesian sentence why."""

    task_id: int
    done: bool
    message: str


def bulk_claim(session: Session, clock: Clock, user: User, task_ids: list[int]) -> list[Outcome]:
    """Take each task (Ambil Tugas) the user may act on; one ``Outcome`` per distinct id,
    in the given order, at most ``MAX_BULK`` ids (the rest are ignored). Each sentence
    names the step and its case: the messages stand side by side."""
    policy = Access.of(session, user, clock.now())
    outcomes = []
    for task_id in _distinct(task_ids):
        task = None
        try:
            task = tasks.get_task(session, task_id)
            if not policy.may_view_task(task):  # nobody else learns its step or state
                outcomes.append(Outcome(task_id, False, _hidden(task_id, "ambil")))
                continue
            if task.state != "open":
                outcomes.append(Outcome(task_id, False, _closed(task, "diambil")))
                continue
            if policy.capacity_for(task) is None:
                outcomes.append(Outcome(task_id, False, f"{_named(task)} dikerjakan peran "
                                                        f"{task.role}; tidak dapat Anda ambil."))
                continue
            tasks.claim_task(session, clock, task_id, user)
        except AlurError as refused:
            outcomes.append(Outcome(task_id, False, _why(task, refused)))
        else:
            outcomes.append(Outcome(task_id, True, f"{_named(task)} Anda ambil."))
    return outcomes


def bulk_assign(session: Session, clock: Clock, by: User, task_ids: list[int],
                assignee: User) -> list[Outcome]:
    """Assign each task (Alihkan) to ``assignee``, where ``by`` supervises the task's role
    and ``assignee`` holds it; one ``Outcome`` per distinct id, at most ``MAX_BULK``, each
    naming the step and its case."""
    policy = Access.of(session, by, clock.now())
    outcomes = []
    for task_id in _distinct(task_ids):
        task = None
        try:
            task = tasks.get_task(session, task_id)
            if not policy.may_view_task(task):  # nobody else learns its step or state
                outcomes.append(Outcome(task_id, False, _hidden(task_id, "alihkan")))
                continue
            if not policy.may_assign(task):  # before its state: tells only who may assign
                outcomes.append(Outcome(task_id, False, f"{_named(task)} (peran {task.role}) "
                                                        "tidak dapat Anda alihkan."))
                continue
            if task.state != "open":
                outcomes.append(Outcome(task_id, False, _closed(task, "dialihkan")))
                continue
            tasks.assign_task(session, clock, task_id, assignee, by)
        except AlurError as refused:
            outcomes.append(Outcome(task_id, False, _why(task, refused)))
        else:
            outcomes.append(Outcome(task_id, True, f"{_named(task)} dialihkan kepada "
                                                   f"{assignee.full_name}."))
    return outcomes


def _named(task: HumanTask) -> str:
    """``Tugas "Menerima permintaan" (LTI-2026-0001)``: the step and its case."""
    return f'Tugas "{task.name}" ({case.label(task.instance)})'


def _hidden(task_id: int, verb: str) -> str:
    """The refusal of a task the user may not view: its number only, as the task's own
    page answers him (403 without its step, case or role)."""
    return f"Tugas #{task_id} tidak dapat Anda {verb}: {tasks.NOT_IN_LANES}"


def _closed(task: HumanTask, verb: str) -> str:
    """Why a task no longer open is not ``verb`` (``diambil``, ``dialihkan``), whoever
    asks: it is finished or cancelled (not: another role's work)."""
    return f"{_named(task)} sudah {task_state_word(task.state)}; tidak dapat {verb} lagi."


def _why(task: HumanTask | None, refused: AlurError) -> str:
    why = ("; ".join(refused.fields.values()) if isinstance(refused, InvalidTaskData)
           else refused.message)
    return f"{_named(task)}: {why}" if task is not None else why


def _distinct(task_ids: list[int]) -> list[int]:
    return list(dict.fromkeys(task_ids))[:MAX_BULK]
