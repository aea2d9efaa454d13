"""Human tasks: inboxes, claiming, and completing a step.

This is where a user task is completed. SpiffWorkflow's ``Task.run()`` checks neither
the task's state nor who runs it; ``complete_task`` checks both first.
"""

from typing import Any
from uuid import UUID

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from . import audit
from .clock import Clock
from .errors import InvalidTaskData, NotFound, PermissionDenied, TaskNotOpen
from .instances import load_workflow, lock_instance
from .models import HumanTask, User
from .projection import save

MAX_TEXT = 2000


def inbox(session: Session, user: User) -> list[HumanTask]:
    """Open tasks of the user's roles that are unclaimed or claimed by the user.

    Ordered by deadline, the most overdue first; tasks with no deadline ("Relatif") last.
    """
    roles = sorted(user.role_names)
    if not roles:
        return []
    return list(session.scalars(
        select(HumanTask)
        .where(HumanTask.state == "open", HumanTask.role.in_(roles),
               or_(HumanTask.claimed_by_id.is_(None), HumanTask.claimed_by_id == user.id))
        .order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.created_at)))


def get_task(session: Session, task_id: int) -> HumanTask:
    """Raises NotFound if there is no such task."""
    task = session.get(HumanTask, task_id)
    if task is None:
        raise NotFound(f"Tugas #{task_id} tidak ditemukan.")
    return task


def may_view(user: User, task: HumanTask) -> bool:
    """Holders of the task's role and administrators may see a task."""
    return user.is_admin or task.role in user.role_names


def task_entry(task: HumanTask) -> dict[str, Any]:
    """The catalog entry of the task's step: Kegiatan, Mutu Baku, time standard, fields."""
    return task.instance.definition.catalog["tasks"][task.bpmn_id]


def claim_task(session: Session, clock: Clock, task_id: int, user: User) -> HumanTask:
    """Take the task (Ambil Tugas): it leaves the inbox of the role's other holders.

    Raises:
        NotFound, PermissionDenied (role not held), TaskNotOpen (done or claimed by another).
    """
    task = _open_task_for(session, task_id, user)
    if task.claimed_by_id != user.id:
        task.claimed_by_id = user.id
        task.claimed_at = clock.now()
        audit.record(session, clock, "task.claimed", actor=user, task=task)
    return task


def complete_task(session: Session, clock: Clock, task_id: int, user: User,
                  data: dict[str, Any]) -> HumanTask:
    """Complete a step with the submitted form ``data`` and move the instance on.

    Args:
        data: ``{field name: value}`` for the task's fields (``task_entry()["fields"]``).

    Raises:
        NotFound; PermissionDenied when the user lacks the lane's role; TaskNotOpen when
        the task is no longer open (done, cancelled, claimed by another user);
        InvalidTaskData naming each bad field. Nothing changes when any is raised.
    """
    task = _open_task_for(session, task_id, user)
    cleaned = validate_data(task_entry(task)["fields"], data)
    lock_instance(session, task.instance_id)  # waits for a worker firing this instance's timers
    session.refresh(task)
    task = _open_task_for(session, task_id, user)
    workflow = load_workflow(session, task.instance, clock)
    spiff_task = workflow.get_task_from_id(UUID(task.spiff_task_id))
    if spiff_task is None or spiff_task.state != TaskState.READY:
        raise TaskNotOpen(f'Tugas "{task.name}" tidak lagi menunggu untuk diselesaikan.')
    spiff_task.data.update(cleaned)
    spiff_task.run()
    workflow.do_engine_steps()
    now = clock.now()
    task.claimed_by_id = task.claimed_by_id or user.id
    task.completed_by_id = user.id
    task.completed_at = now
    task.state = "completed"
    save(session, clock, task.instance, workflow)
    audit.record(session, clock, "task.completed", actor=user, task=task, data=cleaned)
    if task.instance.status == "completed":
        audit.record(session, clock, "instance.completed", instance=task.instance)
    return task


def validate_data(fields: list[dict[str, Any]], data: Any) -> dict[str, Any]:
    """Check submitted values against the task's fields; return the cleaned values.

    Raises:
        InvalidTaskData: ``{field: Indonesian message}`` for unknown, missing or bad fields.
    """
    if not isinstance(data, dict):
        raise InvalidTaskData({"data": "harus berupa objek JSON"})
    by_name = {field["name"]: field for field in fields}
    problems = {name: "kolom ini tidak ada pada formulir tugas" for name in data
                if name not in by_name}
    cleaned = {}
    for name, field in by_name.items():
        value = data.get(name)
        value = value.strip() if isinstance(value, str) else value
        if value in (None, ""):
            if field["required"]:
                problems[name] = f'"{field["label"]}" wajib diisi'
            continue
        if field["type"] == "choice":
            allowed = [choice["value"] for choice in field["choices"]]
            if value not in allowed:
                problems[name] = f'"{field["label"]}" harus salah satu dari: {", ".join(allowed)}'
                continue
        elif not isinstance(value, str) or len(value) > MAX_TEXT:
            problems[name] = f'"{field["label"]}" harus teks, paling banyak {MAX_TEXT} karakter'
            continue
        cleaned[name] = value
    if problems:
        raise InvalidTaskData(problems)
    return cleaned


def _open_task_for(session: Session, task_id: int, user: User) -> HumanTask:
    task = get_task(session, task_id)
    if task.role not in user.role_names:
        raise PermissionDenied(
            f'Tugas "{task.name}" dikerjakan oleh peran {task.role}; Anda tidak memegang peran itu.')
    if task.state != "open":
        raise TaskNotOpen(f'Tugas "{task.name}" sudah tidak terbuka (status: {task.state}).')
    if task.claimed_by_id not in (None, user.id):
        raise TaskNotOpen(f'Tugas "{task.name}" sudah diambil oleh {task.claimed_by.full_name}.')
    return task
