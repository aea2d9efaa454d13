"""Escalation: a step past its time standard is reported up the line of supervision."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit
from .clock import Clock
from .models import Escalation, HumanTask, Notification, User, UserRole
from .roles import supervisor_of


def escalate(session: Session, clock: Clock, task: HumanTask, level: int = 1
             ) -> Escalation | None:
    """Record that ``task`` went past its time standard and notify people.

    Level 1 (at the deadline) notifies the step's role (only its assignee if claimed) and
    every holder of the supervising role (Prakom -> Kasubbag -> Sekretaris -> Ketua,
    ``shared/domain.md``). A (task, level) escalates once: a second call returns None.
    Nothing happens for a task that is no longer open.
    """
    if task.state != "open":
        return None
    if session.scalar(select(Escalation.id).where(Escalation.human_task_id == task.id,
                                                  Escalation.level == level)) is not None:
        return None
    escalation = Escalation(human_task_id=task.id, level=level, raised_at=clock.now())
    session.add(escalation)
    session.flush()
    instance = task.instance
    text = (f'Langkah "{task.name}" pada "{instance.title}" ({instance.definition.name}) '
            "melewati batas waktu.")
    recipients: dict[int, str] = {}
    step_people = [task.claimed_by] if task.claimed_by else _holders(session, task.role)
    for user in step_people:
        recipients[user.id] = task.role
    supervisor = supervisor_of(task.role)
    if supervisor is not None:
        for user in _holders(session, supervisor):
            recipients.setdefault(user.id, supervisor)
    for user_id, role in recipients.items():
        session.add(Notification(
            user_id=user_id, kind="eskalasi", role=role, human_task_id=task.id,
            escalation_id=escalation.id, created_at=clock.now(),
            message=text if role == task.role else f"Eskalasi untuk {role}: {text}"))
    audit.record(session, clock, "task.escalated", task=task, level=level,
                 roles=sorted(set(recipients.values())))
    return escalation


def _holders(session: Session, role: str) -> list[User]:
    return list(session.scalars(select(User).join(UserRole).where(UserRole.role == role)
                                .order_by(User.id)))
