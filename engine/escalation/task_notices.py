"""New-task notices ("tugas baru"): one to each person acting in a step's role who asked
for it (account page, ``User.notify_new_tasks``) when the step lands in the inbox. Who
acts in the role is who an escalation of it notifies (``engine.people.holders.acting_in``):
its holders, except that a holder replaced by a Plh/Plt in force is replaced by that
substitute — the step lands in the substitute's inbox, the official is away.

It listens to the projection (``engine.runtime.projection.listen``): the steps a change
opens get their notices in the same transaction, whoever opened them (start, completion,
timer, migration). Bounded: one query per role in a flush, only for the roles someone
asked for (the ``new_task_notice_roles`` setting, read with the other settings: the roles
they hold or stand in for, ``engine.people.accounts.refresh_notice_roles``), at most
``MAX_RECIPIENTS`` people per step; a step of a role nobody asked for costs no query.
"""

from sqlalchemy.orm import Session

from engine import settings
from engine.escalation.chain import with_capacity
from engine.models import HumanTask, Notification, ProcessInstance, User
from engine.people.holders import acting_query, capacity_of
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
                # At the moment the step opened: the steps of one flush open together.
                wanting[task.role] = list(session.scalars(
                    acting_query(task.role, task.created_at).where(User.notify_new_tasks)
                    .limit(MAX_RECIPIENTS)))
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
                    instance_id=instance.id, message=message[:2000], created_at=task.created_at,
                    params=with_capacity(params, task.role, capacity_of(
                        session, task.created_at, user, task.role))))


def listen() -> None:
    """Install the projection listener (idempotent)."""
    projection.listen(_new_task_notices)
