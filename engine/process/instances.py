"""Starting process instances and reading them back."""

import re
from typing import Any

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, settings
from engine.clock import Clock
from engine.errors import InvalidTaskData, NotFound, PermissionDenied
from engine.models import AuditRecord, HumanTask, ProcessInstance, User
from engine.people.substitution import capacities
from engine.process.deploy import active_definition
from engine.runtime.adapter import load_state, new_workflow, spec_from_json
from engine.runtime.projection import save

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
        PermissionDenied: the user holds none of the process's roles.
        InvalidTaskData: bad title or data.
    """
    definition = active_definition(session, process_key)
    if not (user.is_admin or user.role_names & set(definition.catalog["lanes"])):
        raise PermissionDenied(f'Anda tidak memegang peran pada SOP "{definition.name}".')
    title = (title or "").strip()
    problems = {}
    if not 1 <= len(title) <= 300:
        problems["title"] = "judul wajib diisi (paling banyak 300 karakter)"
    problems.update(_data_problems(data or {}))
    if problems:
        raise InvalidTaskData(problems)
    workflow = new_workflow(spec_from_json(definition.spec_json), clock,
                            settings.work_calendar(session))
    workflow.task_tree.data.update(data or {})
    workflow.do_engine_steps()
    instance = ProcessInstance(definition=definition, title=title, status="running",
                               started_by_id=user.id, started_at=clock.now(), state_json="")
    session.add(instance)
    session.flush()
    save(session, clock, instance, workflow)
    audit.record(session, clock, "instance.started", actor=user, instance=instance,
                 process_key=definition.key, version=definition.version, title=title,
                 data=data or {})
    return instance


def load_workflow(session: Session, instance: ProcessInstance, clock: Clock) -> BpmnWorkflow:
    """Restore the instance's workflow on its own version's spec, with the office calendar."""
    return load_state(instance.state_json, spec_from_json(instance.definition.spec_json), clock,
                      settings.work_calendar(session))


def lock_instance(session: Session, instance_id: int, *, skip_locked: bool = False
                  ) -> ProcessInstance | None:
    """Lock the instance's row for this transaction (PostgreSQL ``FOR UPDATE``).

    With ``skip_locked`` an instance locked by another worker returns None instead of
    waiting. SQLite has one writer at a time and ignores the lock clause.
    """
    return session.scalar(select(ProcessInstance).where(ProcessInstance.id == instance_id)
                          .with_for_update(skip_locked=skip_locked, of=ProcessInstance)
                          .execution_options(populate_existing=True))


def get_instance(session: Session, instance_id: int) -> ProcessInstance:
    """Raises NotFound if there is no such instance."""
    instance = session.get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFound(f"Proses #{instance_id} tidak ditemukan.")
    return instance


def may_view_instance(session: Session, clock: Clock, user: User,
                      instance: ProcessInstance) -> bool:
    """Administrators, and whoever may act (holder or Plh/Plt) in one of the SOP's lanes."""
    acting = capacities(session, user, clock.now())
    return user.is_admin or bool(set(acting) & set(instance.definition.catalog["lanes"]))


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
