"""New-task notices ("tugas baru"): one to each person acting in a step's role who asked
for it (account page, ``User.notify_new_tasks``) when the step lands in the inbox. Who
acts in the role is who an escalation of it notifies (``engine.people.holders.acting_in``):
its holders, except that a holder replaced by a Plh/Plt in force is replaced by that
substitute — the step lands in the substitute's inbox, the official is away.

A notice is read from the moment its step leaves the unit's inbox: taken, assigned to
someone, completed or cancelled (``_taken``).

Each notice goes by e-mail too when the person has an address and the office set an SMTP
server (``engine.escalation.outbox.enqueue_task_mail``); so does a step assigned to someone
(Alihkan), whose in-app notice ``engine.process.tasks.assign_task`` writes, and a taken step
a version move released from its holder (``engine.process.versions``: its ``task.released``
record names the step's new lane).

It listens to the projection (``engine.runtime.projection.listen``): the steps a change
opens get their notices in the same transaction, whoever opened them (start, completion,
timer, migration). Bounded: one query per role in a flush, only for the roles someone
asked for (the ``new_task_notice_roles`` setting, read with the other settings: the roles
they hold or stand in for, ``engine.people.accounts.refresh_notice_roles``), at most
``MAX_RECIPIENTS`` people per step; a step of a role nobody asked for costs no query.
"""

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine import audit, settings
from engine.escalation import outbox
from engine.escalation.chain import with_capacity
from engine.models import HumanTask, Notification, ProcessInstance, User
from engine.people.holders import acting_query, capacity_of
from engine.process.versions import mover_name, released_text
from engine.runtime import projection

MAX_RECIPIENTS = 50


def _new_task_notices(session: Session, opened: list[HumanTask]) -> None:
    """The projection listener: the notices of the steps just opened."""
    if not opened:
        return
    asked = set(settings.get(session, "new_task_notice_roles"))
    opened = [task for task in opened if task.role in asked]
    if not opened:
        return
    wanting: dict[str, list[User]] = {}
    with session.no_autoflush:
        for task in opened:
            if task.role not in wanting:
                # At the moment the step opened: the steps of one flush open together.
                wanting[task.role] = list(session.scalars(
                    acting_query(task.role, task.created_at).where(User.notify_new_tasks)
                    .limit(MAX_RECIPIENTS)))
            if not wanting[task.role]:
                continue
            instance = session.get(ProcessInstance, task.instance_id)
            if instance is None:
                continue
            params = {"step": task.name, "role": task.role, "title": instance.title,
                      "number": instance.number or "", "process": instance.definition.name}
            message = (f'Tugas baru "{task.name}" pada "{instance.title}" '
                       f"({instance.definition.name}) untuk peran {task.role}.")
            for user in wanting[task.role]:
                capacity = capacity_of(session, task.created_at, user, task.role)
                session.add(Notification(
                    user_id=user.id, kind="tugas_baru", role=task.role, human_task=task,
                    instance_id=instance.id, message=message[:2000], created_at=task.created_at,
                    params=with_capacity(params, task.role, capacity)))
                if not _his_own_start(instance, task, user):
                    outbox.enqueue_task_mail(session, task.created_at, task, user,
                                             "Tugas baru", message, capacity)


def _his_own_start(instance: ProcessInstance, task: HumanTask, user: User) -> bool:
    """Whether ``task`` opened with the start of ``instance`` by ``user`` himself: he is
    looking at it already (his in-app notice stays; no e-mail about it)."""
    return instance.started_by_id == user.id and task.created_at == instance.started_at


def _assignment_mail(session: Session, record: dict[str, Any]) -> None:
    """The audit listener: a ``task.assigned`` record (Alihkan) to someone else than the one
    who assigned it e-mails the assignee, as his in-app notice tells him."""
    if record["action"] != "task.assigned":
        return
    with session.no_autoflush:
        assignee = session.scalar(select(User).where(
            User.username == record["detail"]["assignee"]))
        if assignee is None or assignee.id == record["actor_id"]:
            return
        task = session.get(HumanTask, record["human_task_id"])
        by = session.get(User, record["actor_id"]) if record["actor_id"] else None
        message = (f'{by.full_name if by else "Alur"} mengalihkan tugas "{task.name}" '
                   f"({task.instance.title}) kepada Anda.")
        outbox.enqueue_task_mail(session, record["at"], task, assignee, "Penugasan", message,
                                 capacity_of(session, record["at"], assignee, task.role),
                                 holder=assignee.full_name, held_by=assignee.id)


def _released_mail(session: Session, record: dict[str, Any]) -> None:
    """The audit listener: a taken step released by a version move (its ``task.released``
    names the new ``lane``) e-mails its former holder, as his in-app notice tells him; the
    mail is dropped if someone takes the step before it goes."""
    detail = record["detail"]
    if record["action"] != "task.released" or "lane" not in detail:
        return
    with session.no_autoflush:
        holder = session.scalar(select(User).where(User.username == detail["holder"]))
        task = session.get(HumanTask, record["human_task_id"])
        if holder is None or task is None:
            return
        by = session.get(User, record["actor_id"]) if record["actor_id"] else None
        message = released_text(mover_name(by), task.instance.title, detail["moved"],
                                task.name, detail["lane"])
        outbox.enqueue_task_mail(session, record["at"], task, holder, "Langkah dilepas",
                                 message, "pemegang langkah itu sebelumnya",
                                 holder=f"belum diambil (peran {detail['lane']})", held_by=None,
                                 asked=NOTHING_ASKED.format(lane=detail["lane"]))


# What a released step's former holder is asked: nothing more (the lane's people take it).
NOTHING_ASKED = ("Tidak ada lagi yang diminta dari Anda untuk langkah ini; pemegang peran "
                 "{lane} yang mengerjakannya.")
# The records after which a step is no longer waiting in its unit's inbox.
_LEFT_THE_INBOX = ("task.claimed", "task.assigned", "task.completed", "task.cancelled")


def _taken(session: Session, record: dict[str, Any]) -> None:
    """The audit listener: a step taken (``task.claimed``), assigned (``task.assigned``),
    completed without being taken first (``task.completed``) or cancelled
    (``task.cancelled``; every open step of an ``instance.cancelled``) has left the
    unit's inbox, so its unread "tugas baru" notices are read from then on: nothing is
    left for their readers to do, and twenty Prakom's badges do not count a step one of
    them holds (found by the larger-office probe). At most one UPDATE."""
    if record["action"] in _LEFT_THE_INBOX:
        # No statement for a step of a role nobody asked notices for (the settings are
        # read already; the step is in the session): a completion stays within its count.
        task = session.get(HumanTask, record["human_task_id"])
        if task is not None and task.role not in settings.get(session, "new_task_notice_roles"):
            return
        which = Notification.human_task_id == record["human_task_id"]
    elif record["action"] == "instance.cancelled":
        which = Notification.human_task_id.in_(  # by step: the index the others use
            select(HumanTask.id).where(HumanTask.instance_id == record["instance_id"]))
    else:
        return
    session.execute(update(Notification).where(
        which, Notification.kind == "tugas_baru", Notification.read_at.is_(None))
        .values(read_at=record["at"]))


def listen() -> None:
    """Install the projection listener and the audit listeners of an assignment's e-mail
    and of a step taken (idempotent)."""
    projection.listen(_new_task_notices)
    audit.listen(_assignment_mail)
    audit.listen(_released_mail)
    audit.listen(_taken)
