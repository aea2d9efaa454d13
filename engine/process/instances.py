"""Starting, cancelling and reading process instances."""

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.clock import Clock
from engine.errors import InvalidTaskData, NotFound, PermissionDenied, TaskNotOpen
from engine.models import AuditRecord, HumanTask, ProcessInstance, User
from engine.people.access import Access
from engine.process.deploy import active_definition
from engine.runtime.unit import GALAT, change, start

_DATA_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_SCALARS = (str, int, float, bool, type(None))
# Bounds of submitted data: characters of one text value (start data and task fields),
# and names in one start data object.
MAX_TEXT = 2000
MAX_DATA_KEYS = 50


def start_instance(session: Session, clock: Clock, *, process_key: str, title: str,
                   user: User, data: dict[str, Any] | None = None) -> ProcessInstance:
    """Start an instance of the newest version of ``process_key``.

    Args:
        title: what the instance is about (e.g. "Server SIPP mati"), 1-300 characters.
        user: the starter; must hold one of the process's lane roles, or be admin.
        data: initial process data, ``{snake_case name: str | int | float | bool | None}``.

    Raises:
        NotFound: the process is not deployed.
        PermissionDenied: the user may act in none of the process's lanes
            (``engine.people.access``).
        InvalidTaskData: bad title or data.
        ProcessFailure: the SOP fails before its first step (e.g. a loop through gateways
            only, stopped by the engine step cap); nothing is stored.
    """
    definition = active_definition(session, process_key)
    if not Access.of(session, user, clock.now()).may_start(definition):
        raise PermissionDenied(f'Anda tidak memegang peran pada SOP "{definition.name}".')
    title = (title or "").strip()
    problems = {}
    if not 1 <= len(title) <= 300:
        problems["title"] = "judul wajib diisi (paling banyak 300 karakter)"
    problems.update(_data_problems(data or {}))
    if problems:
        raise InvalidTaskData(problems)
    now = clock.now()
    unit = start(session, clock, definition, data or {}, lambda: _added(session, ProcessInstance(
        definition=definition, title=title, status="running", started_by_id=user.id,
        started_at=now, state_json="")))
    audit.record(session, clock, "instance.started", actor=user, instance=unit.instance,
                 process_key=definition.key, version=definition.version, title=title,
                 data=data or {})
    return unit.instance


def cancel_instance(session: Session, clock: Clock, instance_id: int, user: User,
                    reason: str) -> ProcessInstance:
    """Cancel a running or Galat instance (Batalkan): its open steps are cancelled, its
    timers deleted, its status becomes ``cancelled``. Administrators only.

    Args:
        reason: why (1-2000 characters), kept in the audit record.

    Raises:
        PermissionDenied: not an administrator. NotFound: no such instance.
        TaskNotOpen: the instance is already completed or cancelled.
        InvalidTaskData: no reason given.
    """
    if not user.is_admin:
        raise PermissionDenied("Hanya administrator yang dapat membatalkan proses.")
    reason = (reason or "").strip()
    if not 1 <= len(reason) <= 2000:
        raise InvalidTaskData({"alasan": "alasan pembatalan wajib diisi (paling banyak 2000 "
                                         "karakter)"})
    instance = get_instance(session, instance_id)
    with change(session, clock, instance_id, statuses=("running", GALAT)) as unit:
        if unit is None:
            raise TaskNotOpen(f'Proses "{instance.title}" sudah tidak berjalan '
                              f"(status: {instance.status}).")
        unit.workflow.cancel()
        instance.status = "cancelled"
        instance.completed_at = clock.now()
        audit.record(session, clock, "instance.cancelled", actor=user, instance=instance,
                     reason=reason)
    return instance


def get_instance(session: Session, instance_id: int) -> ProcessInstance:
    """Raises NotFound if there is no such instance."""
    instance = session.get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFound(f"Proses #{instance_id} tidak ditemukan.")
    return instance


def instance_tasks(session: Session, instance: ProcessInstance) -> list[HumanTask]:
    """Every human task of the instance, open and finished, in order of arrival."""
    return list(session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)
                                .order_by(HumanTask.created_at, HumanTask.id)))


def history(session: Session, instance: ProcessInstance) -> list[AuditRecord]:
    """The instance's audit records, oldest first."""
    return list(session.scalars(select(AuditRecord).where(AuditRecord.instance_id == instance.id)
                                .order_by(AuditRecord.at, AuditRecord.id)))


def _data_problems(data: dict[str, Any]) -> dict[str, str]:
    if not isinstance(data, dict):
        return {"data": "harus berupa objek JSON"}
    if len(data) > MAX_DATA_KEYS:
        return {"data": f"paling banyak {MAX_DATA_KEYS} nama data"}
    problems = {}
    for key, value in data.items():
        if not isinstance(key, str) or not _DATA_KEY.match(key):
            problems[str(key)[:64]] = "nama data harus huruf kecil, angka dan _ (diawali huruf)"
        elif not isinstance(value, _SCALARS):
            problems[key] = "nilai harus teks, angka, benar/salah atau kosong"
        elif isinstance(value, str) and len(value) > MAX_TEXT:
            problems[key] = f"teks paling banyak {MAX_TEXT} karakter"
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 2**53:
            problems[key] = "angka terlalu besar"
    return problems


def _added(session: Session, instance: ProcessInstance) -> ProcessInstance:
    session.add(instance)
    return instance
