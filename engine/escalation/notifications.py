"""Reading a user's notifications: one filtered page with what each item shows (the step,
who holds it, its deadline, whether it is done), the unread count, marking read.

Kinds (``Notification.kind``): ``eskalasi`` (level 1 is the reminder to the performer,
levels 2 and up the escalation to the supervising role; ``engine.escalation.chain``),
``penugasan`` (a supervisor assigned a step), ``tugas_baru`` (a step landed in the inbox;
``engine.escalation.task_notices``), ``galat`` (an instance stopped; administrators),
``TICKET_KINDS`` (the service desk's notices: to the requester, received, a message or a
question of the desk, done; to the desk member who wrote last, the requester's answer),
``PROCESS_KINDS`` (to the starter, his process ended without him; ``engine.process.end_notices``),
``UNREACHED_KIND`` (an escalation reached no one; administrators, ``engine.escalation.unreached``).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from engine.clock import Clock
from engine.errors import NotFound
from engine.models import (
    Escalation,
    HumanTask,
    Notification,
    ProcessDefinition,
    ProcessInstance,
    User,
)
from engine.process import case

# The requester's notices (engine.desk): their link leads to the ticket, the filter "tiket"
# keeps them all.
TICKET_KINDS = ("tiket_diterima", "tiket_pesan", "tiket_menunggu", "tiket_jawaban",
                "tiket_selesai", "tiket_dibatalkan", "tiket_nilai_rendah")
# What the requester is told of his ticket: what its page shows him too.
REQUESTER_KINDS = ("tiket_diterima", "tiket_pesan", "tiket_menunggu", "tiket_selesai",
                   "tiket_dibatalkan")
# The starter's notices: his process completed or was cancelled by someone else.
PROCESS_KINDS = ("proses_selesai", "proses_dibatalkan")
# To the administrators: an escalation reached no one (``engine.escalation.unreached``).
UNREACHED_KIND = "eskalasi_tak_sampai"
# Every ``Notification.kind`` stored: an escalation (any level), an assignment (Alihkan), a
# new step, a Galat (to administrators), a requester's ticket notice, a starter's notice,
# an escalation that reached no one (to administrators).
STORED_KINDS = ("eskalasi", "penugasan", "tugas_baru", "galat", *TICKET_KINDS,
                *PROCESS_KINDS, UNREACHED_KIND)
# The filter "jenis" (page) / ``kind`` (API): its name -> the rows it keeps.
KINDS: dict[str, Any] = {
    "pengingat": and_(Notification.kind == "eskalasi", Escalation.level == 1),
    "eskalasi": or_(and_(Notification.kind == "eskalasi", Escalation.level >= 2),
                    Notification.kind == UNREACHED_KIND),
    "penugasan": Notification.kind == "penugasan",
    "tugas_baru": Notification.kind == "tugas_baru",
    "galat": Notification.kind == "galat",
    "tiket": Notification.kind.in_(TICKET_KINDS),
    "proses": Notification.kind.in_(PROCESS_KINDS),
}
MAX_PER_PAGE = 100


def level_word(level: int) -> str:
    """What the pages call ``level`` (``web.notification_words.LABELS``, in Indonesian):
    ``Pengingat`` at 1, ``Eskalasi ke atasan`` from 2 on."""
    return "Pengingat" if level == 1 else "Eskalasi ke atasan"


def case_words(task: HumanTask) -> str:
    """The case as notices name it: ``GS-2026-0001 "Server mati" (Penanganan Gangguan
    Server)``; ``#<id>`` for a case without a number."""
    instance = task.instance
    return f'{case.label(instance)} "{instance.title}" ({instance.definition.name})'


@dataclass(frozen=True)
class NotificationItem:
    """One notification as the centre shows it. Task fields are None without a step;
    ``holder`` is the claimant's full name (None: unclaimed); times are aware datetimes;
    ``round_the_clock`` whether the step's deadline runs on the wall clock."""

    id: int
    kind: str
    role: str
    message: str
    params: dict[str, Any] | None
    level: int | None
    created_at: datetime
    read_at: datetime | None
    human_task_id: int | None
    instance_id: int | None
    process_key: str | None
    process_name: str | None
    instance_title: str | None
    instance_number: str | None
    task_name: str | None
    task_state: str | None
    task_role: str | None
    due_at: datetime | None
    completed_at: datetime | None
    completed_by: str | None
    completed_as: str | None
    holder: str | None
    round_the_clock: bool


def page_for_user(session: Session, user: User, *, unread_only: bool = False,
                  kind: str | None = None, process_key: str | None = None,
                  since: datetime | None = None, before: datetime | None = None,
                  page: int = 1, per_page: int = 20, only: int | None = None
                  ) -> tuple[list[NotificationItem], int]:
    """One page of ``user``'s notifications, newest first, and how many match in all;
    ``only``: just the notification of that id (as the list shows it).

    Reads only the columns shown (never an instance's saved state nor a definition's
    BPMN): two statements for the page (one more for the steps' calendars), one COUNT.

    Args:
        unread_only: only those not marked read.
        kind: a key of ``KINDS``; process_key: the SOP's key (``ProcessDefinition.key``).
        since, before: aware datetimes; only those created at or after ``since`` and
            before ``before`` (the office's midnights of a day range, end exclusive).
        page: from 1; per_page: 1..``MAX_PER_PAGE``.

    Raises:
        ValueError: an unknown ``kind``, or ``page``/``per_page`` out of range.
    """
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise ValueError("page or per_page out of range")
    holder, finisher = aliased(User), aliased(User)
    joined = _matching(user, unread_only, kind, process_key, since, before)
    if only is not None:
        joined = joined.where(Notification.id == only)
    total = session.scalar(select(func.count()).select_from(joined.subquery())) or 0
    rows = session.execute(
        joined.with_only_columns(
            Notification.id, Notification.kind, Notification.role, Notification.message,
            Notification.params, Escalation.level, Notification.created_at,
            Notification.read_at, Notification.human_task_id, Notification.instance_id,
            ProcessDefinition.key, ProcessDefinition.name, ProcessInstance.title,
            ProcessInstance.number, HumanTask.name, HumanTask.state, HumanTask.role,
            HumanTask.due_at, HumanTask.completed_at, finisher.full_name,
            HumanTask.completed_as, holder.full_name, ProcessDefinition.id, HumanTask.bpmn_id,
            HumanTask.duration, HumanTask.round_the_clock)
        .outerjoin(HumanTask, HumanTask.id == Notification.human_task_id)
        .outerjoin(holder, holder.id == HumanTask.claimed_by_id)
        .outerjoin(finisher, finisher.id == HumanTask.completed_by_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(per_page).offset((page - 1) * per_page)).all()
    # A step row keeps whether its Waktu ran round the clock; one from before that was kept
    # (no duration) reads its SOP's catalog.
    older = {(row[22], row[23]) for row in rows if row[23] and row[24] is None}
    clocks = _round_the_clock(session, older)
    return [NotificationItem(*row[:22], round_the_clock=row[25] if row[24] is not None
                             else (row[22], row[23]) in clocks)
            for row in rows], total


def _round_the_clock(session: Session, steps: set[tuple[int, str]]) -> set[tuple[int, str]]:
    """Which of (definition id, step id) run round the clock by their SOP's catalog."""
    if not steps:
        return set()
    catalogs = {row[0]: row[1] for row in session.execute(
        select(ProcessDefinition.id, ProcessDefinition.catalog)
        .where(ProcessDefinition.id.in_({d for d, _ in steps})))}
    return {(definition, step) for definition, step in steps
            if catalogs[definition]["tasks"].get(step, {}).get("round_the_clock")}


def unread_count(session: Session, user: User, *, kind: str | None = None,
                 process_key: str | None = None, since: datetime | None = None,
                 before: datetime | None = None) -> int:
    """How many of the user's notifications are unread, of ``kind``, ``process_key`` and
    created in ``since``..``before`` only when given (as :func:`page_for_user`): one
    COUNT, over the ``(user_id, read_at)`` index when none is given.

    Raises:
        ValueError: an unknown ``kind``.
    """
    if kind is None and process_key is None and since is None and before is None:
        return session.scalar(select(func.count()).select_from(Notification).where(
            Notification.user_id == user.id, Notification.read_at.is_(None))) or 0
    return session.scalar(select(func.count()).select_from(
        _matching(user, True, kind, process_key, since, before).subquery())) or 0


def _matching(user: User, unread_only: bool, kind: str | None, process_key: str | None,
              since: datetime | None = None, before: datetime | None = None) -> Select:
    """``SELECT notifications.id`` of ``user``'s notifications the filters keep, joined
    to what they name (escalation level, instance, definition); ``since``/``before``
    (aware) bound when they were created, end exclusive.

    Raises:
        ValueError: an unknown ``kind``.
    """
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind {kind!r}")
    conditions = [Notification.user_id == user.id]
    if unread_only:
        conditions.append(Notification.read_at.is_(None))
    if kind is not None:
        conditions.append(KINDS[kind])
    if process_key:
        conditions.append(ProcessDefinition.key == process_key)
    if since is not None:
        conditions.append(Notification.created_at >= since)
    if before is not None:
        conditions.append(Notification.created_at < before)
    return (select(Notification.id)
            .outerjoin(Escalation, Escalation.id == Notification.escalation_id)
            .outerjoin(ProcessInstance, ProcessInstance.id == Notification.instance_id)
            .outerjoin(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
            .where(*conditions))


def mark_all_read(session: Session, clock: Clock, user: User, *, kind: str | None = None,
                  process_key: str | None = None, since: datetime | None = None,
                  before: datetime | None = None) -> int:
    """Mark the user's unread notifications read, those of ``kind``, ``process_key`` and
    created in ``since``..``before`` (aware, end exclusive) only when given (what the
    centre shows with its filters); return how many (not committed).

    Raises:
        ValueError: an unknown ``kind``.
    """
    result = session.execute(update(Notification).where(Notification.id.in_(
        _matching(user, True, kind, process_key, since, before))).values(read_at=clock.now()),
        execution_options={"synchronize_session": False})
    return result.rowcount


def mark_ticket_read(session: Session, clock: Clock, user: User, instance_id: int) -> int:
    """Mark ``user``'s unread requester's notices (``REQUESTER_KINDS``) of the ticket
    ``instance_id`` read: he opened its page, which says all they say (its status, the
    desk's messages). What he is told as an official of its SOP (a new step, a reminder)
    stays unread. Returns how many (not committed)."""
    unread = (Notification.user_id == user.id, Notification.instance_id == instance_id,
              Notification.kind.in_(REQUESTER_KINDS), Notification.read_at.is_(None))
    # A read first: most views find nothing unread, and need not take SQLite's write lock.
    if not session.scalar(select(exists().where(*unread))):
        return 0
    result = session.execute(update(Notification).where(*unread).values(read_at=clock.now()),
                             execution_options={"synchronize_session": False})
    return result.rowcount


def mark_read(session: Session, clock: Clock, user: User, notification_id: int) -> Notification:
    """Mark one of the user's notifications read (already read: unchanged; not committed).

    Raises:
        NotFound: no such notification of ``user`` (another user's is not revealed).
    """
    found = session.get(Notification, notification_id)
    if found is None or found.user_id != user.id:
        raise NotFound(f"Notifikasi #{notification_id} tidak ditemukan.")
    if found.read_at is None:
        found.read_at = clock.now()
    return found


@dataclass(frozen=True)
class EscalatedToYou:
    """The highest escalation of a step to a supervisor (level 2 and up) that reached the
    reader: its level, the role he got it for and in which capacity (``Plh. Ketua``), and
    when (aware)."""

    level: int
    role: str
    capacity: str
    at: datetime


def escalated_to(session: Session, user: User, task: HumanTask) -> EscalatedToYou | None:
    """Whether ``task`` was escalated to ``user`` as a supervisor (a notice ``eskalasi`` of
    level 2 or up), so that its page says what is asked of him; the highest level, else
    None. One statement."""
    found = session.execute(
        select(Escalation.level, Notification.role, Notification.params,
               Notification.created_at)
        .join(Escalation, Escalation.id == Notification.escalation_id)
        .where(Notification.user_id == user.id, Notification.human_task_id == task.id,
               Notification.kind == "eskalasi", Escalation.level > 1)
        .order_by(Escalation.level.desc()).limit(1)).first()
    if found is None:
        return None
    level, role, params, at = found
    return EscalatedToYou(level, role, (params or {}).get("as") or role, at)
