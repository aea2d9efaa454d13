"""The requester's ticket: its status in plain words, the thread with the desk (messages
and files both ways), and the desk's question that pauses the SLA clock.

Only what is written in the thread and the public facts (number, title, status, start,
end, deadline, rating) reach the requester; internal notes (``comments``) and steps stay
on the internal instance page.
"""

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import case as case_when
from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from engine import audit
from engine.bpmn.forms import fields
from engine.clock import Clock
from engine.desk import alerts, sla
from engine.desk.notices import notify
from engine.errors import InvalidTaskData, NotFound, PermissionDenied
from engine.models import (
    Attachment,
    AuditRecord,
    HumanTask,
    ProcessDefinition,
    ProcessInstance,
    Rating,
    SlaPause,
    TicketMessage,
    User,
)
from engine.paging import Page, latest, paginate
from engine.people.access import READ_ONLY, REQUESTER_PROCESSES, Access
from engine.process import attachments, case
from engine.process.lists import INSTANCE_ROW, started_data
from engine.text import shortened, trimmed

MAX_MESSAGE = 2000
# The text of the message carrying a file chosen on the request form: kept in the office's
# language whoever sent it, and shown in the reader's (``web`` translates it).
REQUEST_FILE_TEXT = "Lampiran permintaan"
STATUS_WORDS = ("diterima", "dikerjakan", "menunggu Anda", "selesai", "dibatalkan")
ENDED = ("completed", "cancelled")  # a ticket in Galat is not over: it runs again
# What Tiket Saya may show (``mine``): all, waiting for the requester, not ended, ended.
SHOWN = ("semua", "menunggu", "berjalan", "berakhir")
# The refusal of a ticket to someone neither its requester nor of its desk (a colleague).
NOT_HIS_TICKET = "Anda bukan pemohon atau petugas tiket ini."


def check_ticket(instance: ProcessInstance) -> None:
    """Raise NotFound, in the words of a missing ticket (``get_ticket``), unless
    ``instance`` is a ticket (a front-door SOP's): another SOP's process behind a ticket
    address answers as no ticket at all, so no one learns from it which numbers exist
    (README, "Layanan TI")."""
    if instance.definition.key not in REQUESTER_PROCESSES:
        raise NotFound(f"Tiket #{instance.id} tidak ditemukan.")


def get_ticket(session: Session, instance_id: int) -> ProcessInstance:
    """The ticket (an instance of a front-door SOP) numbered ``instance_id``.

    Raises:
        NotFound: "Tiket #N tidak ditemukan." for no instance and for another SOP's alike;
            the requester is never told of a "proses".
    """
    instance = session.get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFound(f"Tiket #{instance_id} tidak ditemukan.")
    check_ticket(instance)
    return instance


def status_word(session: Session, instance: ProcessInstance) -> str:
    """The ticket's status in plain words (one of ``STATUS_WORDS``): "dikerjakan" once a
    step was taken, handed to someone (Alihkan) or completed (README, "Pemohon")."""
    if instance.status == "cancelled":
        return "dibatalkan"
    if instance.status == "completed":
        return "selesai"
    if sla.open_pause(session, instance) is not None:
        return "menunggu Anda"
    worked = session.scalar(select(exists().where(
        AuditRecord.instance_id == instance.id,
        AuditRecord.action.in_(("task.completed", "task.claimed", "task.assigned")))))
    return "dikerjakan" if worked else "diterima"


def view(session: Session, now: datetime, instance: ProcessInstance) -> dict[str, Any]:
    """The requester's view of ``instance`` (no internal notes, no internal steps): the
    newest ``engine.paging.LATEST`` messages of its thread, oldest first, and how many it
    has (``messages_total``); ``monitoring``: opened by an alert source (no one to ask)."""
    rating = session.scalar(select(Rating).where(Rating.instance_id == instance.id))
    thread = latest(session, select(TicketMessage).where(
        TicketMessage.instance_id == instance.id), TicketMessage.id.desc())
    return {
        "id": instance.id, "number": instance.number, "title": instance.title,
        "process": instance.definition.name, "process_key": instance.definition.key,
        "status": status_word(session, instance),
        "started_at": instance.started_at, "completed_at": instance.completed_at,
        "priority": (instance.data or {}).get("prioritas"),
        "monitoring": alerts.from_monitoring(session, instance),
        "request": request_fields(session, instance),
        "deadline": sla.deadline(session, instance, now),
        "messages": [{"id": m.id, "from_requester": m.from_requester, "asks": m.asks,
                      "author": m.author.full_name if m.author else "Alur",
                      "text": m.text, "at": m.created_at,
                      "file": ({"id": m.attachment.id, "filename": m.attachment.filename,
                                "content_type": m.attachment.content_type,
                                "size": m.attachment.size} if m.attachment else None)}
                     for m in thread.items],
        "messages_total": thread.total,
        "rating": ({"score": rating.score, "comment": rating.comment, "at": rating.rated_at}
                   if rating else None),
        "cancelled": _cancelled(session, instance),
    }


def _cancelled(session: Session, instance: ProcessInstance) -> dict[str, Any] | None:
    """Who cancelled a cancelled ticket and why; None for any other ticket. Read on a
    cancelled ticket only. ``by_requester`` is what the requester may know (himself, or
    "the desk": the desk's names stay the desk's); ``by`` names the desk member (None for
    the requester or Alur) for the desk's own reading, never given to the requester."""
    record = case.cancellation(session, instance)
    if record is None:
        return None
    by_requester = record.actor_id is not None and record.actor_id == instance.started_by_id
    return {"by_requester": by_requester,
            "by": None if by_requester or record.actor is None else record.actor.full_name,
            "reason": str((record.detail or {}).get("reason") or "")}


def unanswered(session: Session, instance: ProcessInstance) -> bool:
    """Whether the requester of ticket ``instance`` has no word from the desk since his
    last message (or none at all): a step's page says so before the ticket is finished,
    since he is then asked to rate a fix nobody told him of (the phone probe). A
    monitoring incident, whose requester is a tool, never is. One or two statements."""
    desk, requester = session.execute(
        select(func.max(case_when((TicketMessage.from_requester.is_(False), TicketMessage.id))),
               func.max(case_when((TicketMessage.from_requester.is_(True), TicketMessage.id))))
        .where(TicketMessage.instance_id == instance.id)).one()
    if desk is not None and (requester is None or requester < desk):
        return False
    return not alerts.from_monitoring(session, instance)


def triage_steps(catalog: dict[str, Any]) -> list[str]:
    """The BPMN ids of the steps of a version (``catalog``: its ``catalog`` column) whose
    declared form sets ``prioritas``: the desk's triage (README "Layanan TI"). None: the
    priority a ticket is reported with is its priority."""
    return [bpmn_id for bpmn_id, entry in catalog["tasks"].items()
            if any(field["name"] == "prioritas" for field in fields(entry.get("form")))]


def priority_proposed(session: Session, instance: ProcessInstance) -> bool:
    """Whether the ticket's priority is still the requester's proposal: it has one, and a
    step whose declared form sets ``prioritas`` (the desk's triage, README "Layanan TI")
    is yet to be completed. A ticket of an SOP with no such step keeps the priority it
    was reported with: that one is no proposal."""
    if sla.priority_of(instance) != (instance.data or {}).get("prioritas"):
        return False  # none given: "belum ditetapkan" says it already
    deciding = triage_steps(instance.definition.catalog)
    return bool(deciding) and not session.scalar(select(exists().where(
        HumanTask.instance_id == instance.id, HumanTask.bpmn_id.in_(deciding),
        HumanTask.state == "completed")))


def request_fields(session: Session, instance: ProcessInstance) -> list[dict[str, str]]:
    """What the requester asked for: ``[{"label", "value"}]`` of the start form's fields
    he filled, in the form's order, a choice by its label (files are in the thread). Read
    from the start as recorded (``instance.started``), not from the case data, where a
    later step's field of the same name (the triage's ``prioritas``) overwrote his
    proposal."""
    data = started_data(session, [instance])[instance.id]
    shown = []
    for field in fields(instance.definition.catalog.get("start_form")):
        value = data.get(field["name"])
        if field["kind"] == "file" or value in (None, "", []):
            continue
        labels = {str(c["value"]): c["label"] for c in field.get("choices") or []}
        values = value if isinstance(value, list) else [value]
        text = ", ".join(labels.get(str(v), "ya" if v is True else "tidak" if v is False
                                    else str(v)) for v in values)
        shown.append({"label": field["label"], "value": text})
    return shown


def post(session: Session, clock: Clock, instance: ProcessInstance, user: User, text: str,
         *, asks: bool = False, attachment: Attachment | None = None) -> TicketMessage:
    """Write in the ticket's thread (not committed).

    The requester's message answers an open question: the SLA clock runs again
    (``sla.resume``). A desk member's message (someone who may view the instance) reaches
    the requester as a notice; with ``asks`` the ticket waits for the requester
    (menunggu Anda) and the SLA clock stops (``sla.pause``). Audited ``ticket.message``.

    Raises:
        NotFound: ``instance`` is no ticket (not a front-door SOP's).
        PermissionDenied: neither the requester nor a desk member.
        InvalidTaskData: under ``asks`` by the requester, on a ticket no longer
            running, or on a monitoring incident (``alerts.from_monitoring``: its
            requester can never answer); under ``text``: the ticket has ended (completed
            or cancelled: no one reads its thread any more), empty (without a file) or
            over 2000 characters.
    """
    from_requester = _writer(session, clock.now(), instance, user, asks)
    return _post(session, clock, instance, user, _text(text, attachment is not None), asks,
                 attachment, from_requester)


def _text(text: str, with_file: bool) -> str:
    """``text`` as the thread keeps it (``trimmed``); raises InvalidTaskData under
    ``text`` when it is empty without a file (``with_file``) or over ``MAX_MESSAGE``
    characters. Checked before a file is stored: a refused message stores nothing."""
    text = trimmed(text)
    if len(text) > MAX_MESSAGE or (not text and not with_file):
        raise InvalidTaskData({"text": f"Pesan: tulis 1–{MAX_MESSAGE} karakter"})
    return text


def _post(session: Session, clock: Clock, instance: ProcessInstance, user: User, text: str,
          asks: bool, attachment: Attachment | None, from_requester: bool) -> TicketMessage:
    """``post`` once ``_writer`` let ``user`` write (``from_requester``: as the requester)
    and ``_text`` took ``text``."""
    message = TicketMessage(instance_id=instance.id, author_id=user.id,
                            from_requester=from_requester, asks=asks, text=text,
                            attachment_id=attachment.id if attachment else None,
                            created_at=clock.now())
    session.add(message)
    session.flush()
    audit.record(session, clock, "ticket.message", actor=user, instance=instance,
                 from_requester=from_requester, asks=asks)
    label = case.label(instance)
    file = attachment.filename if attachment else ""
    # The e-mail carries the whole text; the notice's sentence a shortened one ("…" says so).
    # A file is named: alone, not as an empty dash; with a text, after it.
    said = f"{text} (berkas {file})" if text and file else text or f"berkas {file}"
    shown = shortened(text, 200)
    if from_requester:
        sla.resume(session, clock, instance, user)
        for desk in _desk_readers(session, instance):  # who waits for the answer
            notify(session, clock.now(), desk, instance, "tiket_jawaban",
                   f"Tiket {label}: pemohon menjawab — {said}", role="Petugas",
                   subject=f"Tiket {label}: pemohon menjawab", text=shown, file=file,
                   writer=user.full_name)
    else:
        if asks:
            sla.pause(session, clock, instance, user)
        if instance.started_by is not None:
            what = "petugas menunggu jawaban Anda" if asks else "pesan baru"
            notify(session, clock.now(), instance.started_by, instance,
                   "tiket_menunggu" if asks else "tiket_pesan", f"Tiket {label}: {what} — {said}",
                   subject=f"Tiket {label}: {what}", text=shown, file=file,
                   writer=user.full_name)
    return message


def _writer(session: Session, now: datetime, instance: ProcessInstance, user: User,
            asks: bool) -> bool:
    """Whether ``user`` writes in the ticket's thread as its requester (else as the desk);
    raises as ``post`` for everything but the text."""
    check_ticket(instance)
    access = Access.of(session, user, now)
    from_requester = access.may_follow_ticket(instance)
    if not from_requester and not access.may_write_on(instance):
        raise PermissionDenied(READ_ONLY if access.is_auditor
                               else NOT_HIS_TICKET)
    if asks and from_requester:
        raise InvalidTaskData({"asks": "hanya petugas yang dapat menunggu jawaban pemohon"})
    if asks and instance.status != "running":
        raise InvalidTaskData({"asks": "tiket sudah selesai atau dibatalkan: tidak ada lagi "
                                       "yang menunggu jawaban pemohon"})
    if asks and alerts.from_monitoring(session, instance):
        raise InvalidTaskData({"asks": "insiden pemantauan: pemohonnya akun sumber peringatan "
                                       "yang tidak dapat menjawab, jadi tidak ada yang "
                                       "ditunggu; kirim tanpa menunggu jawaban pemohon"})
    if instance.status in ENDED:
        raise InvalidTaskData({"text": "tiket sudah selesai atau dibatalkan: pesan tidak "
                                        "lagi diterima; ajukan tiket baru bila masih perlu"})
    return from_requester


def _desk_readers(session: Session, instance: ProcessInstance) -> list[User]:
    """Who the requester's message is for, each once and still active: the desk member who
    last wrote in the ticket's thread (he waits for the answer), and whoever holds its open
    steps now (a step assigned to a colleague since: the desk probe's answer reached only
    the one who had let it go; a message no one asked for reaches who is working on it)."""
    author = session.scalar(select(User).join(TicketMessage, TicketMessage.author_id == User.id)
                            .where(TicketMessage.instance_id == instance.id,
                                   TicketMessage.from_requester.is_(False))
                            .order_by(TicketMessage.id.desc()).limit(1))
    holders = session.scalars(select(User).join(HumanTask, HumanTask.claimed_by_id == User.id)
                              .where(HumanTask.instance_id == instance.id,
                                     HumanTask.state == "open")
                              .order_by(HumanTask.id.desc()))
    readers = dict.fromkeys(user for user in (author, *holders)
                            if user is not None and not user.is_disabled)
    return list(readers)


def post_file(session: Session, clock: Clock, folder: Path, instance: ProcessInstance,
              user: User, text: str, filename: str, data: bytes, *, asks: bool = False,
              max_bytes: int = attachments.MAX_ATTACHMENT_BYTES) -> TicketMessage:
    """``post`` with a file (stored as the instance's attachment, visible to both sides
    of the thread; ``max_bytes``: the office's limit, ``ALUR_ATTACHMENT_MAX_BYTES``).
    Raises as ``post`` and InvalidTaskData under ``lampiran``, naming the refused file as
    a step's (``attachments.refusal``)."""
    from_requester = _writer(session, clock.now(), instance, user, asks)  # before storing
    text = _text(text, with_file=True)
    try:
        attachment = attachments.store(session, clock, folder, instance.id, user, filename,
                                       data, max_bytes)
    except InvalidTaskData as invalid:  # named as a step's file is
        raise InvalidTaskData({"lampiran": attachments.refusal(
            "Lampiran", filename, invalid.fields["lampiran"])}) from None
    audit.record(session, clock, "attachment.added", actor=user, instance=instance,
                 filename=attachment.filename, size=len(data), sha256=attachment.sha256)
    return _post(session, clock, instance, user, text, asks, attachment, from_requester)


def shared_file(session: Session, clock: Clock, instance: ProcessInstance, user: User,
                attachment_id: int) -> Attachment:
    """The attachment of a thread message of ``instance`` that ``user`` may download
    (requester or desk). Raises NotFound (also for no ticket, ``check_ticket``) /
    PermissionDenied."""
    check_ticket(instance)
    access = Access.of(session, user, clock.now())
    if not access.may_follow_ticket(instance) and not access.may_view_instance(instance):
        raise PermissionDenied(NOT_HIS_TICKET)
    found = session.scalar(select(Attachment).join(
        TicketMessage, TicketMessage.attachment_id == Attachment.id).where(
        TicketMessage.instance_id == instance.id, Attachment.id == attachment_id))
    if found is None:
        raise NotFound("Berkas tidak ada pada tiket ini.")
    return found


def mine(session: Session, user: User, page: int, per_page: int, shown: str = "semua"
         ) -> Page:
    """Page ``page`` of the user's tickets (requester-facing SOPs the user started),
    newest first, loaded as list rows (``engine.process.lists.INSTANCE_ROW``): all of them,
    or (``shown``, one of ``SHOWN``) those waiting for his answer (``menunggu``, their SLA
    clock stopped), those not ended (``berjalan``) or ended (``berakhir``).

    Raises:
        ValueError: ``page`` or ``per_page`` out of range (``engine.paging``), or
            ``shown`` not one of ``SHOWN``.
    """
    if shown not in SHOWN:
        raise ValueError(f"shown must be one of {SHOWN}")
    query = (select(ProcessInstance).options(*INSTANCE_ROW).join(ProcessDefinition)
             .where(ProcessInstance.started_by_id == user.id,
                    ProcessDefinition.key.in_(REQUESTER_PROCESSES)))
    if shown == "menunggu":
        query = query.where(ProcessInstance.status.not_in(ENDED), exists().where(
            SlaPause.instance_id == ProcessInstance.id, SlaPause.ended_at.is_(None)))
    elif shown in ("berjalan", "berakhir"):
        ended = ProcessInstance.status.in_(ENDED)
        query = query.where(ended if shown == "berakhir" else ~ended)
    return paginate(session, query.order_by(ProcessInstance.started_at.desc(),
                                            ProcessInstance.id.desc()), page, per_page)


def check_requester(session: Session, clock: Clock, instance: ProcessInstance,
                    user: User) -> None:
    """Raise NotFound for no ticket (``check_ticket``), PermissionDenied unless ``user``
    may follow the ticket."""
    check_ticket(instance)
    if not Access.of(session, user, clock.now()).may_follow_ticket(instance):
        raise PermissionDenied("Hanya pemohon yang dapat melihat tiket ini.")
