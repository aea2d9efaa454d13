"""The outbox: e-mail and webhook messages, written in the same transaction as the
escalation that causes them, then sent by workers with leases and retried with backoff.

Enqueueing is exactly once per (task, level, channel, recipient): the dedupe key is
unique. Sending is at least once: a worker that dies after the server took a message but
before recording it leaves the message to be sent again when its lease runs out; the
e-mail's Message-ID and the webhook's Idempotency-Key are the dedupe key, so receivers
can tell a repeat.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, func, or_, select, update
from sqlalchemy.orm import Session

from engine import settings
from engine.clock import Clock
from engine.escalation.delivery import TIMEOUT_SECONDS
from engine.escalation.notifications import level_word
from engine.models import Delivery, Escalation, HumanTask, User
from engine.process import case
from engine.sqlite_writers import begin_writing
from engine.time.spans import late_words
from engine.time.wall_clock import wall_clock_text

# What a step's e-mail asks of its reader, under who holds the step.
ASKED_OF_PERFORMER = ("Yang diminta: selesaikan langkah ini; bila Anda tidak dapat, beri tahu "
                      "atasan Anda agar dialihkan.")
ASKED_OF_SUPERVISOR = ("Yang diminta: tanyakan kendalanya kepada pemegangnya, atau alihkan "
                       "langkah ini kepada pemegang peran lain (Alihkan, oleh atasan langsung "
                       "peran itu).")
# As the step's page says to a supervisor when no one has taken it: no holder to ask.
ASKED_OF_SUPERVISOR_UNTAKEN = ("Yang diminta: langkah ini belum diambil siapa pun; alihkan "
                               "kepada salah satu pemegang perannya (Alihkan, oleh atasan "
                               "langsung peran itu), atau minta unitnya segera mengambilnya.")
BACKOFF_FIRST = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)
# The longest one message may take to send: an SMTP connection, STARTTLS, login and the
# message, each within ``delivery.TIMEOUT_SECONDS``.
SEND_LEASE = timedelta(seconds=4 * TIMEOUT_SECONDS)


def enqueue_escalation(session: Session, clock: Clock, escalation: Escalation,
                       people: Iterable[User], role: str, message: str,
                       capacities: dict[int, str]) -> list[Delivery]:
    """Add an e-mail per notified person with an address (once the office set an SMTP
    server), and one webhook POST if the office configured a webhook. Returns the new
    deliveries (not committed).

    The e-mail's subject names the level as the pages do (``Pengingat``, ``Eskalasi ke
    atasan``), the case's number and title and the step; its body ``message``, the
    deadline on the office's wall clock, who holds the step, in which capacity the reader
    gets it (``capacities``: ``{user id: holders.capacity_of(…)}``, e.g. ``Plh. Kasubbag``) and the
    step's link."""
    task = escalation.human_task
    key = f"task:{task.id}:level:{escalation.level}"
    level = level_word(escalation.level) + (
        f" (tingkat {escalation.level})" if escalation.level > 1 else "")
    subject = f'[Alur] {level}: {case.label(task.instance)} "{task.instance.title}" — {task.name}'
    added = []
    if settings.mails(session):
        before, after = _about(session, task, message, late_at=clock.now())
        asked = (ASKED_OF_PERFORMER if escalation.level == 1 else ASKED_OF_SUPERVISOR
                 if task.claimed_by_id else ASKED_OF_SUPERVISOR_UNTAKEN)
        for user in people:
            if user.email:
                body = (f"{before}\nAnda menerima surel ini sebagai "
                        f"{capacities[user.id]}.\n{asked}\n\n{after}")
                added.append(_add(session, clock, escalation, "email", user.email,
                                  f"{key}:email:{user.email.lower()}", subject[:300], body, {}))
    url = settings.get(session, "webhook")["url"]
    if url:
        payload = {
            "event": "eskalasi", "level": escalation.level, "role": role, "message": message,
            "raised_at": escalation.raised_at.isoformat(),
            "task": {"id": task.id, "name": task.name, "role": task.role,
                     "due_at": task.due_at.isoformat() if task.due_at else None,
                     "url": settings.link(session, f"/tugas/{task.id}")},
            "instance": {"id": task.instance.id, "number": task.instance.number,
                         "title": task.instance.title,
                         "process_key": task.instance.definition.key,
                         "process_name": task.instance.definition.name},
            "recipients": [user.username for user in people],
        }
        added.append(_add(session, clock, escalation, "webhook", url, f"{key}:webhook:{url}",
                          subject, message, payload))
    return added


def enqueue_task_mail(session: Session, now: datetime, task: HumanTask, user: User,
                      word: str, message: str, capacity: str, holder: str = "",
                      held_by: int | None = None, asked: str = ASKED_OF_PERFORMER) -> None:
    """Add an e-mail to ``user`` about ``task`` that is not an escalation — a new step in
    his inbox (``word`` ``Tugas baru``), a step assigned to him (``Penugasan``) — when he
    has an address and the office set an SMTP server (not committed). Subject and body as
    an escalation's (``enqueue_escalation``); ``holder``: who holds the step, when the
    session does not know it yet (an assignment in flight). A new step once per (step,
    address), an assignment once per (step, moment, address); dropped unsent if the step is done before it goes, or is no longer held by
    ``held_by`` (the assignee's id; None: a new step, dropped once anyone takes it) —
    ``unsendable``: the mail would tell what is no longer so. ``asked``: the line saying
    what is asked of the reader (to finish the step, unless it was taken from him)."""
    if not user.email or not settings.mails(session):
        return
    # An assignment is news each time (a step released by mistake and given back).
    occasion = f":{now.isoformat()}" if held_by is not None else ""
    key = (f"task:{task.id}:{word.lower().replace(' ', '_')}{occasion}:email:"
           f"{user.email.lower()}")
    if session.scalar(select(exists().where(Delivery.dedupe_key == key[:600]))):
        return
    before, after = _about(session, task, message, holder)
    subject = f'[Alur] {word}: {case.label(task.instance)} "{task.instance.title}" — {task.name}'
    session.add(Delivery(channel="email", recipient=user.email, dedupe_key=key[:600],
                         subject=subject[:300],
                         body=f"{before}\nAnda menerima surel ini sebagai {capacity}.\n"
                              f"{asked}\n\n{after}",
                         payload={"human_task_id": task.id, "held_by": held_by},
                         state="pending", attempts=0,
                         next_attempt_at=now, created_at=now))


def _about(session: Session, task: HumanTask, message: str, holder: str = "",
           late_at: datetime | None = None) -> tuple[str, str]:
    """The e-mail's body before and after the reader's capacity: ``message``, the deadline
    on the office's wall clock (with how late the step is at ``late_at``, an escalation's
    moment: "terlambat 30 menit kerja") and who holds the step (``holder``, else the
    step's); then the step's link."""
    calendar = settings.work_calendar(session)
    due = (wall_clock_text(task.due_at, calendar.timezone) if task.due_at
           else "tanpa batas waktu")
    if task.due_at and late_at is not None and (late := late_words(
            calendar, task.due_at, late_at, task.round_the_clock)):
        due += f" (terlambat {late})"
    holder = holder or (task.claimed_by.full_name if task.claimed_by else
                        f"belum diambil (peran {task.role})")
    return (f"{message}\n\nBatas waktu: {due}\nDipegang: {holder}",
            f"Buka langkah: {settings.link(session, f'/tugas/{task.id}')}")


def lease_due(session: Session, clock: Clock, owner: str, limit: int = 20,
              lease: timedelta = timedelta(seconds=60)) -> list[Delivery]:
    """Take up to ``limit`` deliveries that are due and not leased (or whose lease ran
    out), and lease them to ``owner`` until now + ``lease``. The caller commits before
    sending. Uses ``FOR UPDATE SKIP LOCKED`` so concurrent workers take different rows; on
    SQLite it reads as the writer (``begin_writing``): a lease the worker holding it renews
    (``hold_for_sending``) between this read and this write was taken over, and both sent.

    Raises:
        sqlite3.OperationalError: SQLITE_BUSY (``begin_writing``).
    """
    begin_writing(session)
    now = clock.now()
    rows = session.scalars(
        select(Delivery)
        .where(Delivery.state == "pending", Delivery.next_attempt_at <= now,
               or_(Delivery.lease_expires_at.is_(None), Delivery.lease_expires_at <= now))
        .order_by(Delivery.next_attempt_at, Delivery.id).limit(limit)
        .with_for_update(skip_locked=True)).all()
    for row in rows:
        row.lease_owner = owner
        row.lease_expires_at = now + lease
    return list(rows)


def hold_for_sending(session: Session, clock: Clock, delivery_id: int, owner: str,
                     lease: timedelta) -> bool:
    """Renew ``owner``'s lease on a delivery right before sending it, to now + ``lease``
    but at least ``SEND_LEASE`` (the caller commits before sending): leased with a batch,
    a later message's lease ran out during the earlier slow sends, and another worker sent
    it too. False, changing nothing: the lease is no longer ``owner``'s, or the delivery
    was sent or dropped meanwhile."""
    return session.execute(
        update(Delivery).where(Delivery.id == delivery_id, Delivery.lease_owner == owner,
                               Delivery.state == "pending")
        .values(lease_expires_at=clock.now() + max(lease, SEND_LEASE))
        .execution_options(synchronize_session=False)).rowcount == 1


def release(session: Session, owner: str, delivery_ids: list[int]) -> None:
    """Give back ``owner``'s leases on deliveries it will not send this round (its time
    for the outbox is up): due at once for the next round of any worker."""
    session.execute(update(Delivery).where(Delivery.id.in_(delivery_ids),
                                           Delivery.lease_owner == owner)
                    .values(lease_owner=None, lease_expires_at=None)
                    .execution_options(synchronize_session=False))


def unsendable(session: Session, delivery: Delivery, webhook_url: str) -> str | None:
    """Why a queued message may no longer be sent, or None (one or two statements).

    Any message about a step: the step was completed or cancelled while it waited (a
    reminder read after the work was done alarms for nothing); a new-step or assignment
    e-mail: the step changed hands meanwhile (``enqueue_task_mail``'s ``held_by``). A
    webhook message: the office turned its webhook off (the address emptied in
    Pengaturan). An e-mail: no active account has its address any more — its reader was
    disabled, or changed his address, while it waited (e.g. for a mail server that was
    down); the notified are the active holders (README "Eskalasi dan pemberitahuan"), and
    the old address may be no longer his."""
    state = _step_state(session, delivery)
    if state is not None and state[0] != "open":
        return "langkahnya sudah selesai atau dibatalkan sebelum pesan ini terkirim; tidak dikirim"
    if state is not None and "held_by" in (delivery.payload or {}) \
            and state[1] != delivery.payload["held_by"]:
        return "langkahnya sudah berpindah tangan sebelum pesan ini terkirim; tidak dikirim"
    if delivery.channel == "webhook":
        return None if webhook_url else "webhook dimatikan di Pengaturan"
    addressed = session.scalar(select(exists().where(
        func.lower(User.email) == delivery.recipient.lower(), User.is_disabled.is_(False))))
    return None if addressed else ("penerima tidak lagi aktif atau alamat surelnya sudah "
                                   "diganti; tidak dikirim")


def _step_state(session: Session, delivery: Delivery) -> tuple[str, int | None] | None:
    """The state and holder's id of the step a message is about (an escalation's, or the
    ``human_task_id`` of a new-step or assignment e-mail); None for a message about no step
    (a ticket's)."""
    columns = select(HumanTask.state, HumanTask.claimed_by_id)
    if delivery.escalation_id is not None:
        found = session.execute(columns.join(
            Escalation, Escalation.human_task_id == HumanTask.id)
            .where(Escalation.id == delivery.escalation_id)).first()
    else:
        task_id = (delivery.payload or {}).get("human_task_id")
        if not isinstance(task_id, int):
            return None
        found = session.execute(columns.where(HumanTask.id == task_id)).first()
    return (found[0], found[1]) if found else None


def drop(session: Session, delivery_id: int, owner: str, why: str) -> None:
    """Drop a message held by ``owner`` that may no longer be sent (``unsendable``'s
    ``why``): state ``dropped``, never sent."""
    session.execute(update(Delivery).where(Delivery.id == delivery_id,
                                           Delivery.lease_owner == owner,
                                           Delivery.state == "pending")
                    .values(state="dropped", lease_owner=None, lease_expires_at=None,
                            last_error=why)
                    .execution_options(synchronize_session=False))


def record_result(session: Session, clock: Clock, delivery_id: int, owner: str,
                  error: str | None) -> None:
    """Record a send attempt by ``owner``: sent, or failed and due again after a backoff
    (30 s, doubling, at most 1 hour). Ignored if ``owner`` no longer holds the lease."""
    row = session.scalar(select(Delivery).where(Delivery.id == delivery_id).with_for_update())
    if row is None or row.lease_owner != owner or row.state != "pending":
        return
    now = clock.now()
    row.attempts += 1
    row.lease_owner = None
    row.lease_expires_at = None
    if error is None:
        row.state = "sent"
        row.sent_at = now
        row.last_error = None
    else:
        row.last_error = error[:2000]
        # The exponent is bounded first: 2 ** 45 half-minutes overflow a timedelta, and the
        # error stopped every later round of the outbox.
        row.next_attempt_at = now + min(BACKOFF_FIRST * 2 ** min(row.attempts - 1, 20),
                                        BACKOFF_MAX)


def _add(session: Session, clock: Clock, escalation: Escalation, channel: str, recipient: str,
         key: str, subject: str, body: str, payload: dict[str, Any]) -> Delivery:
    delivery = Delivery(escalation=escalation, channel=channel, recipient=recipient,
                        dedupe_key=key[:600], subject=subject, body=body, payload=payload,
                        state="pending", attempts=0, next_attempt_at=clock.now(),
                        created_at=clock.now())
    session.add(delivery)
    return delivery
