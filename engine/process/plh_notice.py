"""What an official is told when his Plh/Plt acts on a step the official himself took
(README "Plh dan Plt")."""

from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.models import HumanTask, Notification, User


def tell_official(session: Session, clock: Clock, task: HumanTask, official_id: int,
                  by: User, acting_as: str) -> None:
    """A ``penugasan`` notice to the official whose taken step ``by`` completed as his
    Plh/Plt (``acting_as``: ``Plh. Sekretaris``): without it he learnt only from his inbox
    that the step he was working on had gone (the supervisor probe)."""
    instance = task.instance
    session.add(Notification(
        user_id=official_id, kind="penugasan", role=task.role, human_task_id=task.id,
        instance_id=instance.id, created_at=clock.now(),
        params={"done_by": by.full_name, "done_as": acting_as, "step": task.name,
                "title": instance.title, "number": instance.number or "",
                "process": instance.definition.name},
        message=f'Langkah "{task.name}" ({instance.title}) yang Anda ambil diselesaikan oleh '
                f"{by.full_name} sebagai {acting_as}."))
