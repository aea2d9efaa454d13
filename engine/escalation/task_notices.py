"""New-task notices ("tugas baru"): one to each holder of a step's role who asked for it
(account page, ``User.notify_new_tasks``) when the step lands in the inbox.

It listens to the projection (``engine.runtime.projection.listen``): the steps a change
opens get their notices in the same transaction, whoever opened them (start, completion,
timer, migration). Bounded: one query per role in a flush, only for the roles someone
asked for (the ``new_task_notice_roles`` setting, read with the other settings), at most
``MAX_RECIPIENTS`` people per step; a step of a role nobody asked for costs no query.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import settings
from engine.models import HumanTask, Notification, ProcessInstance, User, UserRole
from engine.runtime import projection

MAX_RECIPIENTS = 50


def _new_task_notices(session: Session, opened: list[HumanTask]) -> None:
    """The projection listener: the notices of the steps just opened."""
    if not opened:
        return
    asked = set(settings.get(session, "new_task_notice_roles"))
    opened = [task for task in opened if task.role in asked]
    if not opened:
        return
    wanting: dict[str, list[User]] = {}
    with session.no_autoflush:
        for task in opened:
            if task.role not in wanting:
                wanting[task.role] = list(session.scalars(
                    select(User).join(UserRole).where(
                        UserRole.role == task.role, User.notify_new_tasks,
                        User.is_disabled.is_(False)).order_by(User.id).limit(MAX_RECIPIENTS)))
            if not wanting[task.role]:
                continue
            instance = session.get(ProcessInstance, task.instance_id)
            if instance is None:
                continue
            params = {"step": task.name, "role": task.role, "title": instance.title,
                      "number": instance.number or "", "process": instance.definition.name}
            message = (f'Tugas baru "{task.name}" pada "{instance.title}" '
                       f"({instance.definition.name}) untuk peran {task.role}.")
            for user in wanting[task.role]:
                session.add(Notification(
                    user_id=user.id, kind="tugas_baru", role=task.role, human_task=task,
                    instance_id=instance.id, params=params, message=message[:2000],
                    created_at=task.created_at))


def listen() -> None:
    """Install the projection listener (idempotent)."""
    projection.listen(_new_task_notices)
