"""The starter of a process is told when it ends without him: completed after someone
else's (or a timer's) last step, or cancelled by someone else. One in-app notification
(``proses_selesai``, ``proses_dibatalkan``), no e-mail: the step notices already reach
those who act; this one only closes the loop for the official who asked for the work.

Requester-facing SOPs (``engine.people.access.REQUESTER_PROCESSES``) are left to the
service desk's own notices (``engine.desk.notices``). ``listen()`` installs the audit
listener (``engine.audit.listen``) once per process.
"""

from typing import Any

from sqlalchemy.orm import Session

from engine import audit
from engine.models import Notification, ProcessInstance, User
from engine.people.access import REQUESTER_PROCESSES
from engine.process import case

# In which capacity the starter reads it (``Notification.role``).
STARTER_ROLE = "Pengaju"
KINDS = {"instance.completed": "proses_selesai", "instance.cancelled": "proses_dibatalkan"}


def _end_notice(session: Session, record: dict[str, Any]) -> None:
    """The audit listener: the notice an ``instance.completed`` or ``instance.cancelled``
    record (its values) calls for, added to ``session`` (not committed)."""
    kind = KINDS.get(record["action"])
    if kind is None:
        return
    with session.no_autoflush:
        instance = session.get(ProcessInstance, record["instance_id"])
        if instance is None or instance.definition.key in REQUESTER_PROCESSES:
            return
        starter = instance.started_by
        if starter is None or starter.is_disabled or starter.id == record["actor_id"]:
            return
        params = {"number": case.label(instance), "title": instance.title,
                  "process": instance.definition.name}
        if kind == "proses_dibatalkan":
            actor = session.get(User, record["actor_id"]) if record["actor_id"] else None
            params["by"] = actor.full_name if actor else ""
            params["reason"] = str((record["detail"] or {}).get("reason") or "")
            message = f"Proses {params['number']} dibatalkan: {instance.title}"
        else:
            message = f"Proses {params['number']} selesai: {instance.title}"
        session.add(Notification(user_id=starter.id, kind=kind, role=STARTER_ROLE,
                                 message=message[:2000], created_at=record["at"],
                                 instance_id=instance.id, params=params))


def listen() -> None:
    """Install the audit listener (idempotent)."""
    audit.listen(_end_notice)
