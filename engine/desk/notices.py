"""Notices to the requester: in-app and, when the person has an address, an e-mail through
the outbox (``engine.escalation.outbox`` sends it with retries).

The desk listens to the audit trail: an ``instance.started`` of a requester-facing SOP
started by a requester (not by the desk that receives it, the lane of its first step,
nor by a monitoring source) tells the requester the ticket was received;
``instance.completed`` that it is done (with the rating link); ``instance.cancelled`` by
anyone but him that it was cancelled, and why. ``listen()`` installs the listener
(``engine.audit.listen``) once per process.
"""

import re
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, settings
from engine.models import (
    AlertSource,
    Delivery,
    HumanTask,
    Notification,
    ProcessInstance,
    User,
)
from engine.people.access import REQUESTER_PROCESSES
from engine.process import case

REQUESTER_ROLE = "Pemohon"


def notify(session: Session, now: datetime, user: User, instance: ProcessInstance,
           kind: str, message: str, role: str = REQUESTER_ROLE, subject: str = "",
           part: str = "", writer: str = "", **params: str) -> None:
    """Add an in-app notification for ``user`` and an e-mail when the user has an address
    and the office set an SMTP server (dedupe key ``ticket:<id>:<kind>:<n>``, not committed). ``kind``: one of
    ``engine.escalation.notifications.TICKET_KINDS``; ``role``: in which capacity the
    reader gets it (the requester, or the desk member his answer is for); ``params``
    (e.g. the ``text`` written) join the ticket's number and title for the reader's
    sentence (``web.notification_words``); ``message`` is the Indonesian one the e-mail
    carries; ``subject`` the e-mail's subject when it must not repeat the message (what
    someone wrote stays out of subjects, which mail logs and lock screens show; UU 27/2022
    on personal data), else the message is the subject too; ``part``: the id of the ticket
    page's part its link opens at (``penilaian``: the rating form, screens down on a phone);
    ``writer``: who wrote the message the e-mail carries ("Dari: Demo Prakom"), as the
    ticket's page names him."""
    session.add(Notification(user_id=user.id, kind=kind, role=role,
                             message=message[:2000], created_at=now, instance_id=instance.id,
                             params={"number": case.label(instance),
                                     "title": instance.title, **params}))
    if user.email and settings.mails(session):
        key = f"ticket:{instance.id}:{kind}:{now.isoformat()}:{user.email.lower()}"
        signed = f"Dari: {writer}\n\n" if writer else ""
        link = settings.link(session, f"/tiket/{instance.id}") + (f"#{part}" if part else "")
        session.add(Delivery(channel="email", recipient=user.email, dedupe_key=key[:600],
                             subject=f"[Alur] {subject or message}"[:300],
                             body=f"{message}\n\n{signed}Lihat tiket: {link}",
                             payload={}, state="pending", attempts=0, next_attempt_at=now,
                             created_at=now))


def _ticket_notices(session: Session, record: dict[str, Any]) -> None:
    """The audit listener: the notice an ``instance.started``, ``instance.completed`` or
    ``instance.cancelled`` record (its values) of a requester's ticket calls for."""
    if record["action"] not in ("instance.started", "instance.completed", "instance.cancelled"):
        return
    with session.no_autoflush:
        instance = session.get(ProcessInstance, record["instance_id"])
        if instance is None or instance.definition.key not in REQUESTER_PROCESSES:
            return
        requester = instance.started_by
        if requester is None or is_desk(session, requester, instance):
            return
        label = case.label(instance)
        if record["action"] == "instance.cancelled":
            if record["actor_id"] != requester.id:  # he knows why he cancelled it himself
                reason = str((record["detail"] or {}).get("reason") or "")
                notify(session, record["at"], requester, instance, "tiket_dibatalkan",
                       f"Tiket {label} dibatalkan oleh petugas: {instance.title}. Alasan: "
                       f"{reason}", subject=f"Tiket {label} dibatalkan", reason=reason)
            return
        if record["action"] == "instance.completed" and worked_the_desk(session, requester,
                                                                        instance):
            return  # he did the desk's work himself (a Plh): no invitation he cannot accept
        if record["action"] == "instance.started":
            notify(session, record["at"], requester, instance, "tiket_diterima",
                   f"Tiket {label} diterima: {instance.title}")
        else:
            notify(session, record["at"], requester, instance, "tiket_selesai",
                   f"Tiket {label} selesai: {instance.title}. Beri penilaian di halaman "
                   "tiket.", part="penilaian")


def is_desk(session: Session, user: User, instance: ProcessInstance) -> bool:
    """Whether the starter is no requester: holds the role of the desk that receives the
    ticket, the lane of the SOP's first step (the desk typed the ticket itself, e.g. for a
    caller), or is a monitoring source's account. A Ketua or Kasubbag who asks for help
    holds a later lane only and is told like any requester (README, "Layanan TI")."""
    if receiving_lane(instance) in user.role_names:
        return True
    return session.scalar(select(AlertSource.id).where(AlertSource.user_id == user.id)) \
        is not None


def worked_the_desk(session: Session, user: User, instance: ProcessInstance) -> bool:
    """Whether ``user`` completed a step of ``instance`` in the lane that receives it
    (standing in as Plh/Plt for its holder): he served the ticket as well as asked for it."""
    return session.scalar(select(HumanTask.id).where(
        HumanTask.instance_id == instance.id, HumanTask.completed_by_id == user.id,
        HumanTask.role == receiving_lane(instance)).limit(1)) is not None


def receiving_lane(instance: ProcessInstance) -> str | None:
    """The lane of the step numbered first (Mutu Baku ``no``) of the instance's SOP."""
    def number(entry: dict[str, Any]) -> int:
        digits = re.match(r"\s*([0-9]+)", str(entry.get("no") or ""))
        return int(digits.group(1)) if digits else 10**9
    tasks = list(instance.definition.catalog["tasks"].values())
    return min(tasks, key=number).get("lane") if tasks else None


def listen() -> None:
    """Install the audit listener (idempotent)."""
    audit.listen(_ticket_notices)
