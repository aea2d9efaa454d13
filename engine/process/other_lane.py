"""The refusal of a step to someone who holds none of its lane's roles, saying why when the
step was his: a move to a revised SOP version put it in another lane and released it from
him (``engine.process.versions._migrate``, record ``task.released``)."""

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.audit_models import AuditRecord
from engine.errors import PermissionDenied
from engine.models import HumanTask, User

# The end of a ``task.released`` record's reason when a move changed the step's lane
# (stored so); said to officials in the SOP's word: its Pelaksana changed.
LANE_CHANGED = "lane berubah"
MOVED_REASON = re.compile(rf"dipindahkan ke versi (\d+), {LANE_CHANGED}")
PELAKSANA_CHANGED = "Pelaksana langkahnya berubah"


def other_lane_refusal(session: Session, task: HumanTask, user: User) -> PermissionDenied:
    """``Tugas "…" dikerjakan oleh peran <lane>; Anda tidak memegang peran itu.``, and when
    the step's last release was from ``user`` by a version move, that it was released from
    him and why (``moved_away``)."""
    return moved_away(session, task, user) or PermissionDenied(_refusal(task) + ".")


def moved_away(session: Session, task: HumanTask, user: User) -> PermissionDenied | None:
    """The refusal saying the step was released from ``user`` because a move to a revised
    SOP version put it in another lane (he took it and may still have its page open, his
    Catatan typed), or None when its last release was not that. Asked also when he holds
    no lane of the revised SOP at all (a renamed lane), before the plainer "no role in this
    SOP". One indexed read of the step's records, on a refusal only."""
    released = session.scalar(select(AuditRecord.detail).where(
        AuditRecord.instance_id == task.instance_id, AuditRecord.human_task_id == task.id,
        AuditRecord.action == "task.released").order_by(AuditRecord.id.desc()).limit(1)) or {}
    reason = released.get("reason", "")
    if released.get("holder") != user.username or not reason.endswith(LANE_CHANGED):
        return None
    said = reason.removesuffix(LANE_CHANGED) + PELAKSANA_CHANGED
    return PermissionDenied(f"{_refusal(task)}: SOP-nya direvisi dan langkah ini dilepas dari "
                            f"Anda ({said}).")


def _refusal(task: HumanTask) -> str:
    return f'Tugas "{task.name}" dikerjakan oleh peran {task.role}; Anda tidak memegang peran itu'
