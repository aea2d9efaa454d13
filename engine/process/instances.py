"""Starting process instances and reading them back."""

from typing import Any

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine import audit, settings
from engine.clock import Clock
from engine.errors import InstanceEnded, InvalidTaskData, NotFound, PermissionDenied
from engine.models import AuditRecord, Delivery, Escalation, HumanTask, ProcessInstance, User
from engine.people.substitution import capacities
from engine.process import case
from engine.process.deploy import active_definition
from engine.runtime.adapter import load_state, new_workflow, spec_from_json
from engine.runtime.projection import save


def start_instance(session: Session, clock: Clock, *, process_key: str, title: str,
                   user: User, data: dict[str, Any] | None = None) -> ProcessInstance:
    """Start an instance of the newest version of ``process_key``.

    Args:
        title: what the instance is about (e.g. "Server SIPP mati"), 1-300 characters.
        user: the starter; must hold one of the process's lane roles, or be admin.
        data: the start data: values of the start form when the SOP declares one
            (``engine.process.case.start_data``), else
            ``{snake_case name: str | int | float | bool | None}``.

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
    data, data_problems = case.start_data(definition, data or {})
    problems.update(data_problems)
    if problems:
        raise InvalidTaskData(problems)
    workflow = new_workflow(spec_from_json(definition.spec_json), clock,
                            settings.work_calendar(session))
    workflow.task_tree.data.update(data)
    workflow.do_engine_steps()
    instance = ProcessInstance(definition=definition, title=title, status="running",
                               started_by_id=user.id, started_at=clock.now(), state_json="")
    case.open_case(session, clock, instance, data)
    save(session, clock, instance, workflow)
    audit.record(session, clock, "instance.started", actor=user, instance=instance,
                 process_key=definition.key, version=definition.version, title=title,
                 data=data, number=instance.number)
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


MAX_REASON = 2000


def cancel_instance(session: Session, clock: Clock, instance_id: int, user: User,
                    reason: str) -> ProcessInstance:
    """Cancel a running instance (Batalkan): its open tasks leave every inbox, its timers
    and escalations stop, its outbox messages not yet sent are dropped; status
    ``cancelled``, ended now, audited with who and why. Not committed.

    Who: an administrator, or the starter while no one else has acted on the instance
    (no audit record of another person).

    Raises:
        NotFound; PermissionDenied; InstanceEnded (not running); InvalidTaskData under
        ``reason`` (empty or longer than 2000 characters).
    """
    instance = get_instance(session, instance_id)
    others = session.scalar(select(AuditRecord.id).where(
        AuditRecord.instance_id == instance.id, AuditRecord.actor_id.is_not(None),
        AuditRecord.actor_id != instance.started_by_id).limit(1))
    if not (user.is_admin or (user.id == instance.started_by_id and others is None)):
        raise PermissionDenied("Hanya administrator, atau pemulai proses selama belum ada orang "
                               "lain yang bertindak, yang dapat membatalkan proses ini.")
    if instance.status != "running":
        raise InstanceEnded(f"Proses {instance.number or instance.id} sudah berakhir "
                            f"(status: {instance.status}).")
    reason = (reason or "").strip()
    if not 1 <= len(reason) <= MAX_REASON:
        raise InvalidTaskData({"reason": f"alasan pembatalan wajib diisi (1–{MAX_REASON} "
                                         "karakter)"})
    lock_instance(session, instance.id)
    workflow = load_workflow(session, instance, clock)
    workflow.cancel()
    instance.status = "cancelled"
    instance.completed_at = clock.now()
    save(session, clock, instance, workflow)
    escalations = select(Escalation.id).join(HumanTask).where(
        HumanTask.instance_id == instance.id)
    dropped = session.execute(update(Delivery).where(
        Delivery.state == "pending", Delivery.escalation_id.in_(escalations))
        .values(state="dropped", lease_owner=None, lease_expires_at=None)
        .execution_options(synchronize_session=False)).rowcount
    audit.record(session, clock, "instance.cancelled", actor=user, instance=instance,
                 reason=reason, dropped_messages=dropped)
    return instance
