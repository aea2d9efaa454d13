"""Satisfaction ratings ("Kepuasan Pengguna Layanan TIK", target index ≥ 85%).

The requester rates a completed ticket once: a score 1-5 and a comment. A ticket not
rated within 5 working days of its completion closes unrated (a ``Rating`` without a
score), so the response rate can be counted.
"""

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine import audit, settings
from engine.clock import Clock
from engine.desk import notices, tickets
from engine.errors import Conflict, InvalidTaskData, PermissionDenied
from engine.models import HumanTask, ProcessDefinition, ProcessInstance, Rating, User, UserRole
from engine.people.access import REQUESTER_PROCESSES, Access
from engine.people.holders import acting_in
from engine.process import case
from engine.roles import KNOWN_ROLES, supervisor_of
from engine.text import trimmed

MAX_COMMENT = 2000
# A score at most this tells the desk's supervisor (1 and 2 of 5: "tidak puas").
LOW_SCORE = 2
UNRATED_AFTER = "P5D"  # 5 working days
DESK_ROLE = "Prakom"  # the lane that receives the requester-facing SOPs' tickets


def rate(session: Session, clock: Clock, instance: ProcessInstance, user: User, score: object,
         comment: str = "") -> Rating:
    """Record the requester's rating of ``instance`` (not committed); audited
    ``ticket.rated``.

    Raises:
        NotFound: ``instance`` is no ticket (``tickets.check_ticket``).
        PermissionDenied: ``user`` is not the ticket's requester, or is of the desk that
            received it (``desk_refusal``).
        Conflict: the ticket is not completed, or rated (or closed unrated) already;
            said before a bad score.
        InvalidTaskData: ``score`` not an integer 1-5 (under ``score``), comment over
            2000 characters (under ``comment``).
    """
    tickets.check_ticket(instance)
    if not Access.of(session, user, clock.now()).may_follow_ticket(instance):
        raise PermissionDenied("Hanya pemohon tiket ini yang dapat memberi penilaian.")
    refusal = desk_refusal(session, instance, user)
    if refusal is not None:
        raise PermissionDenied(refusal)
    # Whether a rating can be given at all comes first: a score typed wrong is no reason
    # to give one who cannot rate this ticket (its page shows no rating form to correct).
    if instance.status == "cancelled":
        raise Conflict("Tiket dibatalkan; hanya tiket yang selesai yang dinilai.")
    if instance.status != "completed":
        raise Conflict("Tiket belum selesai; penilaian diberikan setelah selesai.")
    if session.scalar(select(Rating.id).where(Rating.instance_id == instance.id)):
        raise Conflict("Tiket ini sudah dinilai atau sudah ditutup tanpa penilaian.")
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise InvalidTaskData({"score": "pilih nilai 1–5 (bilangan bulat)"})
    comment = trimmed(comment)
    if len(comment) > MAX_COMMENT:
        raise InvalidTaskData({"comment": f"Komentar paling banyak {MAX_COMMENT} karakter"})
    rating = Rating(instance_id=instance.id, user_id=user.id, score=score, comment=comment,
                    rated_at=clock.now())
    try:
        with session.begin_nested():
            session.add(rating)
    except IntegrityError:
        raise Conflict("Tiket ini sudah dinilai.") from None
    audit.record(session, clock, "ticket.rated", actor=user, instance=instance, score=score)
    if score <= LOW_SCORE:
        _tell_the_desk_s_supervisor(session, clock, instance, user, score, comment)
    return rating


# The start form's field naming whom a Layanan TI ticket serves (bpmn/, "Nama pemohon").
TYPED_REQUESTER = "pemohon"


def _tell_the_desk_s_supervisor(session: Session, clock: Clock, instance: ProcessInstance,
                                requester: User, score: int, comment: str) -> None:
    """A low score reaches whoever answers for the role above the receiving desk (Kasubbag
    over Prakom; a Plh/Plt in his place), who can call the requester back: the ticket is
    closed and the score otherwise shows only in the next report (found by the service desk
    probe: "tolong dibuka lagi" told no one), with whom to call back (``requester``, who rated
    it). The comment stays out of the e-mail's subject."""
    lane = notices.receiving_lane(instance)
    above = supervisor_of(lane) if lane in KNOWN_ROLES else None
    if above is None:
        return
    label = case.label(instance)
    # Filed for a colleague, the ticket names whom it serves ("Nama pemohon"): both are
    # said (the regression probe: only the account that filed it was).
    typed = " ".join(str((instance.data or {}).get(TYPED_REQUESTER) or "").split())[:200]
    served = typed if typed and typed.casefold() != requester.full_name.casefold() else ""
    who = f"{requester.full_name} (atas nama {served})" if served else requester.full_name
    for official in acting_in(session, above, clock.now()):
        notices.notify(session, clock.now(), official, instance, "tiket_nilai_rendah",
                       f"Tiket {label} dinilai {score} dari 5 oleh pemohonnya, "
                       f"{who}: {instance.title}. {comment}".strip(), role=above,
                       subject=f"Tiket {label} dinilai {score} dari 5", score=str(score),
                       comment=comment[:500], requester=requester.full_name,
                       **({"on_behalf": served} if served else {}))


def desk_refusal(session: Session, instance: ProcessInstance, user: User) -> str | None:
    """Why the ticket's requester ``user`` may not rate it, or None: he is of the desk
    whose service the index measures — he holds the role of the lane that receives the
    ticket (``notices.is_desk``: he typed it in for a caller), or he completed a step of it
    in that lane (standing in as Plh/Plt). A Ketua who asked for help and approved it as
    Ketua rates the desk's service like any requester."""
    lane = notices.receiving_lane(instance)
    if notices.is_desk(session, user, instance) or notices.worked_the_desk(session, user,
                                                                           instance):
        return (f"Anda termasuk petugas penerima tiket ini ({lane}); penilaian kepuasan "
                "diberikan pemohon yang dilayani, bukan petugasnya.")
    return None


def desk_served_itself() -> Select[tuple[int]]:
    """The ids of the tickets whose requester may not rate them (``desk_refusal``) — he
    holds the role of the desk that receives tickets (Prakom, the first lane of both
    requester-facing SOPs) or completed a step of it in that role — as a subquery for
    ``not_in``: the response rate leaves them out, as it does the monitoring incidents."""
    starter = ProcessInstance.started_by_id
    return select(ProcessInstance.id).where(or_(
        exists().where(UserRole.user_id == starter, UserRole.role == DESK_ROLE),
        exists().where(HumanTask.instance_id == ProcessInstance.id,
                       HumanTask.completed_by_id == starter, HumanTask.role == DESK_ROLE))
    ).correlate(None)


def close_unrated(session: Session, clock: Clock) -> int:
    """Close unrated every completed ticket whose 5 working days passed without a rating
    (audited ``ticket.closed_unrated``); returns how many. Run by the worker round."""
    calendar = settings.work_calendar(session)
    rated = select(Rating.instance_id)
    candidates = session.scalars(
        select(ProcessInstance).join(ProcessDefinition)
        .where(ProcessDefinition.key.in_(REQUESTER_PROCESSES),
               ProcessInstance.status == "completed", ProcessInstance.id.not_in(rated)))
    closed = 0
    for instance in candidates:
        if calendar.deadline(instance.completed_at, UNRATED_AFTER) <= clock.now():
            close_ticket_unrated(session, clock, instance)
            closed += 1
    return closed


def close_ticket_unrated(session: Session, clock: Clock, instance: ProcessInstance) -> None:
    """Close the completed, unrated ticket ``instance`` unrated now (a ``Rating`` without a
    score; audited ``ticket.closed_unrated``). Not committed; the caller checked that its
    5 working days have passed (``close_unrated``; the demo history at that moment)."""
    session.add(Rating(instance_id=instance.id, user_id=None, score=None, comment="",
                       rated_at=clock.now()))
    audit.record(session, clock, "ticket.closed_unrated", instance=instance)
