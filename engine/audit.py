"""The audit trail: one record per state change (who, what, when, in which request)."""

from contextvars import ContextVar
from typing import Any

from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.models import AuditRecord, HumanTask, ProcessInstance, User

# The id of the web request or worker round being served, set by its caller (web hooks,
# the worker loop); every audit record added meanwhile carries it.
REQUEST_ID: ContextVar[str | None] = ContextVar("alur_request_id", default=None)


def record(session: Session, clock: Clock, action: str, *, actor: User | None = None,
           instance: ProcessInstance | None = None, task: HumanTask | None = None,
           **detail: Any) -> AuditRecord:
    """Add an audit record (not committed).

    Args:
        action: a stable verb such as ``"task.completed"``; see README, "Riwayat".
        actor: the user who acted; None for the system (timers, deploy from the CLI).
        detail: JSON-serializable facts worth keeping (data submitted, versions).

    The record's ``request_id`` is ``REQUEST_ID``'s current value (None outside a request).
    """
    entry = AuditRecord(
        at=clock.now(), actor_id=actor.id if actor else None, action=action,
        instance_id=instance.id if instance else (task.instance_id if task else None),
        human_task_id=task.id if task else None, detail=detail, request_id=REQUEST_ID.get(),
    )
    session.add(entry)
    return entry
