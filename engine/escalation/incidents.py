"""Proses bermasalah: instances in the Galat state, and retrying them.

An instance goes into Galat when a step, engine run or timer of it fails
(``engine.runtime.unit``), or when the worker cannot fire its timers (``mark_failed``).
It leaves the worker's due list and waits for an administrator, who fixes the cause
(e.g. deploys a corrected version and moves the instance to it) and retries it, or
cancels it (``engine.process.instances.cancel_instance``). README, "Galat".
"""

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from engine import audit
from engine.clock import Clock
from engine.errors import PermissionDenied, ProcessFailure, TaskNotOpen
from engine.escalation.timers import fire_due
from engine.models import Notification, ProcessInstance, User
from engine.paging import Page, paginate
from engine.process.deploy import active_definition
from engine.process.instances import get_instance
from engine.process.lists import INSTANCE_ROW
from engine.process.task_states import instance_status_word
from engine.runtime.unit import GALAT, change, lock_instance, notify_administrators


def failed_page(session: Session, page: int, per_page: int) -> Page:
    """Page ``page`` of the instances in Galat, the most recent failure first (loaded as
    list rows, ``engine.process.lists.INSTANCE_ROW``).

    Raises:
        ValueError: ``page`` or ``per_page`` out of range (``engine.paging``).
    """
    return paginate(session, select(ProcessInstance).options(*INSTANCE_ROW)
                    .where(ProcessInstance.status == GALAT)
                    .order_by(ProcessInstance.failed_at.desc(), ProcessInstance.id.desc()),
                    page, per_page)


def retry_instance(session: Session, clock: Clock, instance_id: int,
                   user: User) -> ProcessInstance:
    """Coba lagi: run a Galat instance again from where it stopped (its due timers fire,
    the engine runs). On success it is running again; if it fails again it stays in
    Galat with the new message (administrators are notified again).

    Raises:
        PermissionDenied: not an administrator. NotFound: no such instance.
        TaskNotOpen: the instance is not in Galat.
    """
    if not user.is_admin:
        raise PermissionDenied("Hanya administrator yang dapat menjalankan ulang proses.")
    instance = get_instance(session, instance_id)
    with change(session, clock, instance_id, statuses=(GALAT,)) as unit:
        if unit is None:
            raise TaskNotOpen(f'Proses "{instance.title}" tidak dalam status Galat '
                              f"(status: {instance_status_word(instance.status)}).")
        # At the unit's moment, as a failure in the run is: Riwayat reads the retry first.
        audit.record(session, unit.clock, "instance.retried", actor=user, instance=instance,
                     message=instance.error_message, element=instance.error_element)
        instance.status = "running"
        instance.error_message = instance.error_element = instance.failed_at = None
        unit.fire_timers()
        try:
            fire_due(unit)
        except (ProcessFailure, SQLAlchemyError):
            raise
        except Exception as error:  # e.g. an escalation that cannot be counted: Galat again
            raise ProcessFailure(f"Eskalasi gagal: {type(error).__name__}: {error}") from error
    return instance


def mark_failed(session: Session, clock: Clock, instance_id: int, message: str) -> bool:
    """Put a running instance in Galat after an unexpected failure outside the engine run
    (the worker calls this in a fresh transaction after rolling back). Returns False when
    the instance is not running (nothing changed)."""
    instance = lock_instance(session, instance_id)
    if instance is None or instance.status != "running":
        return False
    failure = ProcessFailure(message[:2000])
    instance.status = GALAT
    instance.error_message = failure.message
    instance.failed_at = clock.now()
    audit.record(session, clock, "instance.failed", instance=instance, message=failure.message,
                 element=None)
    notify_administrators(session, clock, instance)
    return True


def report_failed_start(session: Session, clock: Clock, process_key: str, user: User,
                        failure: ProcessFailure) -> None:
    """Tell the administrators that a start of ``process_key``'s active version failed in
    the SOP's own flow (``start_instance`` raised ``failure``; nothing of it was stored):
    an audit record ``instance.start_failed`` (actor ``user``), and a notification (kind
    ``galat``, no process) to each administrator who has no unread one of the same failure
    of the same version, so that officials retrying a broken SOP do not flood them. Call it
    after rolling back the failed start; the caller commits. README, "Galat"."""
    definition = active_definition(session, process_key)
    audit.record(session, clock, "instance.start_failed", actor=user, process_key=process_key,
                 version=definition.version, element=failure.element, message=failure.message)
    message = (f'Mulai proses SOP "{definition.name}" (versi {definition.version}) gagal pada '
               f"{failure.element or 'mesin proses'}; tidak ada yang disimpan: "
               f"{failure.message}")[:4000]
    told = select(Notification.user_id).where(
        Notification.kind == "galat", Notification.read_at.is_(None),
        Notification.instance_id.is_(None), Notification.message == message)
    for admin in session.scalars(select(User).where(User.is_admin, User.id.not_in(told))
                                 .order_by(User.id)):
        session.add(Notification(
            user_id=admin.id, kind="galat", role="Administrator", message=message,
            created_at=clock.now(),
            params={"start": True, "key": process_key, "process": definition.name,
                    "version": definition.version,
                    "element": failure.element or "", "error": failure.message[:2000],
                    "who": user.full_name}))
