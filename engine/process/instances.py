"""Starting, cancelling and reading process instances."""

from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, literal, or_, select, update
from sqlalchemy.orm import Session, lazyload

from engine import audit, facts
from engine.clock import Clock, FixedClock
from engine.db import UTCDateTime
from engine.errors import InstanceEnded, InvalidTaskData, NotFound, PermissionDenied, TaskNotOpen
from engine.models import AuditRecord, Delivery, Escalation, HumanTask, ProcessInstance, User
from engine.numbers import grouped
from engine.paging import Latest, Page, latest, paginate
from engine.people.access import REQUESTER_PROCESSES, Access
from engine.people.attach import attach_people
from engine.process import case
from engine.process.deploy import active_definition
from engine.process.task_states import instance_status_word
from engine.runtime import unit
from engine.runtime.unit import GALAT, change, start
from engine.text import trimmed

MAX_REASON = 2000
# Who may cancel a requester's ticket, said to whoever may not (a desk member who has not
# taken its step is told how he could).
TICKET_CANCELLERS = ("Hanya administrator, petugas yang memegang langkah tiket ini (ambil "
                     "langkahnya dulu), atau pemohonnya selama belum ada petugas yang "
                     "bertindak, yang dapat membatalkan tiket ini.")


def start_instance(session: Session, clock: Clock, *, process_key: str, title: str,
                   user: User, data: dict[str, Any] | None = None) -> ProcessInstance:
    """Start an instance of the newest version of ``process_key``.

    Args:
        title: what the instance is about (e.g. "Server SIPP mati"), 1-300 characters;
            kept on one line (line breaks and runs of spaces become one space).
        user: the starter; must hold one of the process's lane roles, or be admin.
        data: the start data: values of the start form when the SOP declares one
            (``engine.process.case.start_data``), else
            ``{snake_case name: str | int | float | bool | None}``.

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
    # One line: a title is read inside sentences (mails, notices, the webhook's message).
    title = " ".join(trimmed(title).split())
    problems = {}
    if not title:
        problems["title"] = '"Judul" wajib diisi (paling banyak 300 karakter)'
    elif len(title) > 300:
        problems["title"] = f'"Judul" paling banyak 300 karakter; yang dikirim {len(title)}'
    data, data_problems = case.start_data(definition, data or {})
    problems.update(data_problems)
    if problems:
        raise InvalidTaskData(problems)
    clock = FixedClock(clock.now())  # started as its first step opens (``unit.start``)
    now = clock.now()

    def opened(state_json: str) -> ProcessInstance:
        instance = ProcessInstance(definition=definition, title=title, status="running",
                                   started_by_id=user.id, started_at=now,
                                   state_json=state_json)
        case.open_case(session, clock, instance, data)
        return instance

    unit = start(session, clock, definition, data, opened, actor=user)
    audit.record(session, clock, "instance.started", actor=user, instance=unit.instance,
                 process_key=definition.key, version=definition.version, title=title,
                 data=data, number=unit.instance.number)
    return unit.instance


def cancel_instance(session: Session, clock: Clock, instance_id: int, user: User,
                    reason: str, *, statuses: tuple[str, ...] = ("running", GALAT),
                    on_ticket: bool = False) -> ProcessInstance:
    """Cancel a running or Galat instance (Batalkan): its open tasks leave every inbox, its
    timers and escalations stop, its outbox messages not yet sent are dropped; status
    ``cancelled``, ended now, audited with who and why. Not committed.

    Who: an administrator; the starter while no one else has acted on the instance (no
    audit record of another person); for a requester's ticket (``REQUESTER_PROCESSES``,
    README "Layanan TI") also whoever holds one of its open steps (claimed it), e.g. to
    close a ticket filed twice.

    Args:
        reason: why (1-2000 characters), kept in the audit record.
        statuses: the statuses it may be cancelled in (Proses bermasalah: Galat only, so
            that a page left open does not cancel an instance that runs again).
        on_ticket: sent from the ticket's page: its refusals speak of a ticket, as that
            page does (the requester's always do).

    Raises:
        NotFound; PermissionDenied; InstanceEnded (completed or cancelled already);
        TaskNotOpen (running or in Galat, but not in ``statuses``); InvalidTaskData under
        ``reason`` (empty or longer than 2000 characters).
    """
    instance = get_instance(session, instance_id)
    policy = Access.of(session, user, clock.now())
    # The requester's own words: his pages speak of a ticket (README, Layanan TI).
    asker = "Tiket" if policy.may_follow_ticket(instance) and not policy.may_view_instance(
        instance) else "Proses"
    noun = "Tiket" if on_ticket else asker
    if instance.status in ("completed", "cancelled") and (
            policy.may_view_instance(instance) or policy.may_follow_ticket(instance)):
        raise _ended(instance, noun)  # before who may cancel it, and why: it has ended
    _check_may_cancel(session, instance, user, asker)
    reason = trimmed(reason)
    if not reason:
        raise InvalidTaskData({"reason": "alasan pembatalan wajib diisi"})
    if len(reason) > MAX_REASON:
        raise InvalidTaskData({"reason": f"alasan pembatalan paling banyak "
                                         f"{grouped(MAX_REASON)} karakter"})
    with change(session, clock, instance_id, statuses=statuses) as unit:
        if unit is None and instance.status in ("running", GALAT):
            raise TaskNotOpen(f'Proses "{instance.title}" tidak dalam status Galat '
                              f"(status: {instance_status_word(instance.status)}); tidak "
                              "dibatalkan.")
        if unit is None:
            raise _ended(instance, noun)
        # Asked again with the instance locked: another person may have acted meanwhile.
        _check_may_cancel(session, instance, user, asker)
        unit.workflow.cancel()
        instance.status = "cancelled"
        instance.completed_at = unit.clock.now()
        facts.record_end(session, instance)
    escalations = select(Escalation.id).join(HumanTask).where(
        HumanTask.instance_id == instance.id)
    dropped = session.execute(update(Delivery).where(
        Delivery.state == "pending", Delivery.escalation_id.in_(escalations))
        .values(state="dropped", lease_owner=None, lease_expires_at=None)
        .execution_options(synchronize_session=False)).rowcount
    audit.record(session, clock, "instance.cancelled", actor=user, instance=instance,
                 reason=reason, dropped_messages=dropped)
    return instance


def _ended(instance: ProcessInstance, noun: str) -> InstanceEnded:
    return InstanceEnded(f"{noun} {instance.number or instance.id} sudah berakhir "
                         f"(status: {instance_status_word(instance.status)}).")


def may_cancel(session: Session, instance: ProcessInstance, user: User) -> bool:
    """Whether ``user`` may cancel ``instance`` now (``cancel_instance``): it is running or
    in Galat, and he is an administrator, or its starter while no one else has acted."""
    if instance.status not in ("running", GALAT):
        return False
    try:
        _check_may_cancel(session, instance, user)
    except PermissionDenied:
        return False
    return True


def _check_may_cancel(session: Session, instance: ProcessInstance, user: User,
                      noun: str = "Proses") -> None:
    """Raise PermissionDenied unless ``user`` is an administrator, the holder of an open
    step of a requester's ticket, or the starter while no one else has acted on
    ``instance`` (no audit record of another person); ``noun`` ``Tiket`` tells a
    requester why in his words."""
    if user.is_admin or _holds_ticket_step(session, instance, user):
        return
    others = session.scalar(select(AuditRecord.id).where(
        AuditRecord.instance_id == instance.id, AuditRecord.actor_id.is_not(None),
        AuditRecord.actor_id != instance.started_by_id).limit(1))
    if noun == "Tiket" and others is not None:
        raise PermissionDenied("Tiket ini tidak dapat Anda batalkan lagi: petugas sudah mulai "
                               "menanganinya. Tulis pesan kepada petugas bila tidak diperlukan "
                               "lagi.")
    if user.id != instance.started_by_id or others is not None:
        raise PermissionDenied(
            "Hanya administrator, atau pemulai proses selama belum ada orang lain yang "
            "bertindak, yang dapat membatalkan proses ini." if instance.definition.key
            not in REQUESTER_PROCESSES else TICKET_CANCELLERS)


def _holds_ticket_step(session: Session, instance: ProcessInstance, user: User) -> bool:
    """Whether ``instance`` is a requester's ticket and ``user`` holds (claimed) one of its
    open steps: the desk may close a ticket that needs no work (filed twice, asked by
    mistake), saying why to the requester (``tiket_dibatalkan``)."""
    return instance.definition.key in REQUESTER_PROCESSES and session.scalar(
        select(HumanTask.id).where(HumanTask.instance_id == instance.id,
                                   HumanTask.state == "open",
                                   HumanTask.claimed_by_id == user.id).limit(1)) is not None


def get_instance(session: Session, instance_id: int) -> ProcessInstance:
    """Raises NotFound if there is no such instance."""
    instance = session.get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFound(f"Proses #{instance_id} tidak ditemukan.")
    return instance


def instance_tasks(session: Session, instance: ProcessInstance) -> Latest:
    """The instance's newest ``engine.paging.LATEST`` human tasks, open and finished, in
    order of arrival, and how many it has in all (a step sent back for revision again and
    again has no bound). Each row's ``instance`` is ``instance`` itself, not joined again
    to every row (with its saved state and its definition's catalog, decoded once per row)."""
    return latest(session, select(HumanTask).where(HumanTask.instance_id == instance.id)
                  .options(lazyload(HumanTask.instance)),
                  HumanTask.created_at.desc(), HumanTask.id.desc())


def diagram_marks(session: Session, instance: ProcessInstance,
                  now: datetime) -> dict[str, set[str]]:
    """Which user tasks of the diagram to mark: ``{"current": bpmn ids with an open step,
    "done": with a completed one, "late": with a step past its deadline at its
    completion, or at ``now`` (aware) while open}``. One statement, as many rows as the
    diagram has user tasks, however often a step ran."""
    late = and_(HumanTask.due_at.is_not(None),
                func.coalesce(HumanTask.completed_at, literal(now, UTCDateTime)) > HumanTask.due_at)
    marks: dict[str, set[str]] = {"current": set(), "done": set(), "late": set()}
    for bpmn_id, state, was_late in session.execute(
            select(HumanTask.bpmn_id, HumanTask.state, late).distinct()
            .where(HumanTask.instance_id == instance.id)):
        if state == "open":
            marks["current"].add(bpmn_id)
        elif state == "completed":
            marks["done"].add(bpmn_id)
        if was_late:
            marks["late"].add(bpmn_id)
    return marks


def history(session: Session, instance: ProcessInstance) -> Latest:
    """The instance's newest ``engine.paging.LATEST`` audit records, oldest first, each with
    its actor at hand (``engine.people.attach.attach_people``), and how many it has in all."""
    found = latest(session, select(AuditRecord).where(AuditRecord.instance_id == instance.id),
                   AuditRecord.at.desc(), AuditRecord.id.desc())
    attach_people(session, found.items, "actor_id", "actor")
    return found


def history_page(session: Session, instance_id: int, page: int, per_page: int) -> Page:
    """Page ``page`` of the instance's audit records, oldest first, actors at hand.

    Raises:
        ValueError: ``page`` or ``per_page`` out of range (``engine.paging``).
    """
    found = paginate(session, select(AuditRecord).where(AuditRecord.instance_id == instance_id)
                     .order_by(AuditRecord.at, AuditRecord.id), page, per_page)
    attach_people(session, found.items, "actor_id", "actor")
    return found


def people_named(session: Session, records: list[AuditRecord]) -> dict[str, str]:
    """``{username: full name}`` of the people ``records`` name by username in their
    detail (a ``task.released`` record's former ``holder``, a ``task.escalated`` record's
    ``recipients`` and ``told_before``, a ``task.assigned`` record's ``assignee`` and a
    claim's or assignment's ``previous`` holder), read in one statement; none named, none
    read. A name no account has any longer is left out (the history then shows the
    username)."""
    wanted: set[str] = set()
    for record in records:
        if record.action == "task.released" and record.detail.get("holder"):
            wanted.add(record.detail["holder"])
        elif record.action == "task.escalated":
            wanted.update(record.detail.get("recipients") or ())
            wanted.update(record.detail.get("told_before") or ())
        elif record.action in ("task.assigned", "task.claimed"):
            wanted.update(record.detail[name] for name in ("assignee", "previous")
                          if record.detail.get(name))
    if not wanted:
        return {}
    return dict(session.execute(select(User.username, User.full_name)
                                .where(User.username.in_(sorted(wanted)))).all())


def tasks_named(session: Session, records: list[AuditRecord]) -> dict[int, HumanTask]:
    """The human tasks ``records`` name, by id (a history entry names its step; a
    ``task.completed`` record's decision and note go with it), read in one statement."""
    ids = _task_ids(records)
    if not ids:
        return {}
    return {task.id: task for task in session.scalars(
        select(HumanTask).where(HumanTask.id.in_(ids)).options(lazyload(HumanTask.instance)))}


def open_and_named_tasks(session: Session, instance: ProcessInstance,
                         records: list[AuditRecord]
                         ) -> tuple[list[HumanTask], dict[int, HumanTask]]:
    """The instance's open human tasks, oldest first, and ``tasks_named(records)``, read
    together in one statement."""
    wanted = HumanTask.state == "open"
    ids = _task_ids(records)
    if ids:
        wanted = or_(wanted, HumanTask.id.in_(ids))
    rows = list(session.scalars(select(HumanTask)
                                .where(HumanTask.instance_id == instance.id, wanted)
                                .options(lazyload(HumanTask.instance))
                                .order_by(HumanTask.created_at, HumanTask.id)))
    return ([row for row in rows if row.state == "open"],
            {row.id: row for row in rows if row.id in ids})


def _task_ids(records: list[AuditRecord]) -> set[int]:
    return {record.human_task_id for record in records if record.human_task_id is not None}


def open_tasks(session: Session, instance: ProcessInstance) -> list[HumanTask]:
    """The instance's open human tasks, oldest first; right after a step or a start in
    this transaction, read only as far as the unit of work does not know them already
    (``engine.runtime.unit.open_tasks``)."""
    return unit.open_tasks(session, instance)
