"""Taking or assigning many inbox tasks at once (a Kasubbag's morning round, issue 15).

Each task is checked on its own against the access policy and then taken or assigned by
the same rules as one task (``engine.process.tasks``), each audited on its own; a refused
task does not stop the others. Nothing is written for a refused task: every refusal is
raised before its conditional UPDATE, or by it when it changed no row.
"""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.errors import AlurError, InvalidTaskData
from engine.models import HumanTask, User
from engine.people.access import Access
from engine.process import case, tasks
from engine.process.task_states import task_state_word
from engine.roles import supervisor_of

MAX_BULK = 100


@dataclass(frozen=True)
class Outcome:
    """What happened to one task: ``done`` or not, with the Indonesian sentence why, and
    the same as ``kind`` and ``params`` for a page in the reader's language: ``taken``,
    ``assigned`` and ``held`` (already the assignee's; ``assignee``), ``hidden`` (``verb``: ``ambil``/``alihkan``; no step),
    ``other_role`` and ``not_assignable`` (``role``), ``closed`` (``state``, ``verb``),
    ``refused`` (``why``, the engine's Indonesian reason); each but ``hidden`` with the
    ``step``'s name and its ``case`` (``GS-2026-0001``)."""

    task_id: int
    done: bool
    message: str
    kind: str = ""
    params: dict[str, Any] = field(default_factory=dict)


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
            acting = policy.capacity_for(task) is not None
            ended = None if acting else tasks.plh_ended(session, clock, task, user)
            if ended is not None:  # as Ambil on the step's page says it
                outcomes.append(_why(task_id, task, ended))
                continue
            if not policy.may_view_task(task):  # nobody else learns its step or state
                outcomes.append(_hidden(task_id, "ambil"))
                continue
            if task.state != "open":
                outcomes.append(_closed(task, "ambil"))
                continue
            if not acting:
                outcomes.append(_of(task, False, f"{_named(task)} dikerjakan peran "
                                                 f"{task.role}; tidak dapat Anda ambil.",
                                    "other_role", role=task.role))
                continue
            tasks.claim_task(session, clock, task_id, user)
        except AlurError as refused:
            outcomes.append(_why(task_id, task, refused))
        else:
            outcomes.append(_of(task, True, f"{_named(task)} Anda ambil.", "taken"))
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
                outcomes.append(_hidden(task_id, "alihkan"))
                continue
            if not policy.may_assign(task):  # before its state: tells only who may assign
                supervisor = supervisor_of(task.role) or ""
                outcomes.append(_of(task, False, f"{_named(task)} tidak dapat Anda alihkan: "
                                    + (f"tugas peran {task.role} hanya dialihkan oleh "
                                       f"{supervisor}." if supervisor else
                                       f"tugas peran {task.role} tidak dialihkan."),
                                    "not_assignable", role=task.role, supervisor=supervisor))
                continue
            if task.state != "open":
                outcomes.append(_closed(task, "alihkan"))
                continue
            if task.claimed_by_id == assignee.id:  # his already: nothing changes
                outcomes.append(_of(task, True, f"{_named(task)} sudah dipegang "
                                                f"{assignee.full_name}; tidak ada yang berubah.",
                                    "held", assignee=assignee.full_name))
                continue
            tasks.assign_task(session, clock, task_id, assignee, by)
        except AlurError as refused:
            outcomes.append(_why(task_id, task, refused))
        else:
            outcomes.append(_of(task, True, f"{_named(task)} dialihkan kepada "
                                            f"{assignee.full_name}.", "assigned",
                                assignee=assignee.full_name))
    return outcomes


def _named(task: HumanTask) -> str:
    """``Tugas "Menerima permintaan" (LTI-2026-0001)``: the step and its case."""
    return f'Tugas "{task.name}" ({case.label(task.instance)})'


def _of(task: HumanTask, done: bool, message: str, kind: str, **params: str) -> Outcome:
    return Outcome(task.id, done, message, kind,
                   {"step": task.name, "case": case.label(task.instance), **params})


def _hidden(task_id: int, verb: str) -> Outcome:
    """The refusal of a task the user may not view: its number only, as the task's own
    page answers him (403 without its step, case or role)."""
    return Outcome(task_id, False, f"Tugas #{task_id} tidak dapat Anda {verb}: "
                                   f"{tasks.NOT_IN_LANES}", "hidden", {"verb": verb})


def _closed(task: HumanTask, verb: str) -> Outcome:
    """Why a task no longer open is not taken or assigned (``verb``: ``ambil``,
    ``alihkan``), whoever asks: it is finished or cancelled (not: another role's work)."""
    passive = {"ambil": "diambil", "alihkan": "dialihkan"}[verb]
    return _of(task, False, f"{_named(task)} sudah {task_state_word(task.state)}; tidak "
                            f"dapat {passive} lagi.", "closed", state=task.state, verb=verb)


def _why(task_id: int, task: HumanTask | None, refused: AlurError) -> Outcome:
    why = ("; ".join(refused.fields.values()) if isinstance(refused, InvalidTaskData)
           else refused.message)
    if task is None:
        return Outcome(task_id, False, why, "refused", {"why": why})
    own = f'Tugas "{task.name}" '
    if why.startswith(own):  # the reason names the step itself: named once, with its case
        rest = why.removeprefix(own)
        return _of(task, False, f"{_named(task)} {rest}", "refused_named", why=rest)
    return _of(task, False, f"{_named(task)}: {why}", "refused", why=why)


def _distinct(task_ids: list[int]) -> list[int]:
    return list(dict.fromkeys(task_ids))[:MAX_BULK]
