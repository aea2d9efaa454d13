"""Priority SLAs of the service desk and the pause while a ticket waits for the requester.

Rules (the IT unit's KPIs, "Kecepatan Penyelesaian Gangguan"): kritis ≤ 1 jam counted
round the clock; mayor ≤ 4 jam of office time; minor per the office setting
``sla_minor`` (an ISO 8601 duration in office time, default ``P1D``, one working day).
A ticket without a priority (proposed by no one and not triaged yet, or a server fault
reported without one) counts as minor (``DEFAULT_PRIORITY``), as the SOPs' own step
timers do with their "else" branch: every ticket has a deadline and is counted in MTTR.
The resolution deadline counts from the report time (the instance's start) and moves past
every span in which the ticket waited for the requester (``SlaPause``) by what its clock
would have counted in it: the wall time for a round-the-clock clock, the office minutes
for one in office time (a wait after closing time moves nothing). While the ticket waits
none of its timers fires (``engine.escalation.timers.NOT_WAITING``); the answer moves
every open step's deadline and escalation timers the same way, by the part of the wait
the step was open for, so a step is late only for the time the desk held it.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine import audit, settings
from engine.bpmn.conventions import TICKET_PRIORITIES
from engine.clock import Clock
from engine.db import own_session
from engine.models import AuditRecord, HumanTask, ProcessInstance, SlaPause, Timer, User
from engine.people.access import REQUESTER_PROCESSES
from engine.process.levels import step_clock
from engine.runtime.unit import GALAT, change, lock_instance, open_tasks
from engine.time.calendar import WorkCalendar

DEFAULT_MINOR = "P1D"
PRIORITIES = TICKET_PRIORITIES
DEFAULT_PRIORITY = "minor"


def priority_of(instance: ProcessInstance) -> str:
    """The priority (one of ``PRIORITIES``) the ticket is counted under: its case data
    ``prioritas`` (set by the requester, then by the Prakom's triage), ``DEFAULT_PRIORITY``
    when it has none (README, "SLA per prioritas")."""
    found = (instance.data or {}).get("prioritas")
    return found if found in PRIORITIES else DEFAULT_PRIORITY


def rule(session: Session, priority: str, reported_at: datetime | None = None
         ) -> tuple[str, bool]:
    """The SLA of ``priority`` (one of ``PRIORITIES``) as (ISO 8601 duration, round the
    clock): for a ticket reported at ``reported_at`` (aware), the minor SLA in force then
    (``minor_in_force``); None: as the setting stands now."""
    if priority == "kritis":
        return "PT1H", True
    if priority == "mayor":
        return "PT4H", False
    if reported_at is not None:
        return minor_in_force(session, reported_at), False
    return (settings.get(session, "sla_minor") or DEFAULT_MINOR), False


def minor_in_force(session: Session, moment: datetime) -> str:
    """The ``sla_minor`` setting as it stood at ``moment`` (aware): the old value of the
    first change of it after ``moment`` (its ``settings.changed`` records), else as it
    stands now. A ticket keeps the SLA it was reported under: a later change of the
    setting moves neither its "Target selesai" nor a past period's "% dalam SLA". The
    changes are read once per transaction (administrators change it seldom)."""
    later = next((old for at, old in _minor_changes(session) if at > moment), None)
    return later or settings.get(session, "sla_minor") or DEFAULT_MINOR


def _minor_changes(session: Session) -> list[tuple[datetime, str]]:
    """``[(when, old value)]`` of every change of ``sla_minor``, oldest first; memoized
    for the session's transaction."""
    target = own_session(session)
    transaction = target.get_transaction()
    held = target.info.get(_MINOR_MEMO)
    if held is not None and transaction is not None and held[0] is transaction:
        return held[1]
    changes = [(at, detail["changes"]["sla_minor"]["old"]) for at, detail in target.execute(
        select(AuditRecord.at, AuditRecord.detail).where(
            AuditRecord.action == "settings.changed").order_by(AuditRecord.at, AuditRecord.id))
        if "sla_minor" in (detail or {}).get("changes", {})]
    target.info[_MINOR_MEMO] = (target.get_transaction(), changes)
    return changes


_MINOR_MEMO = "alur.sla_minor_changes"


def paused_spans(session: Session, instance: ProcessInstance, until: datetime
                 ) -> list[tuple[datetime, datetime]]:
    """The spans (aware, oldest first) the ticket's SLA clock stood still before ``until``
    (aware): its waits for the requester, the one still open up to ``until``. One SELECT;
    none for a process without pauses."""
    spans = []
    for pause in session.scalars(select(SlaPause).where(SlaPause.instance_id == instance.id)
                                 .order_by(SlaPause.started_at)):
        end = min(pause.ended_at or until, until)
        if end > pause.started_at:
            spans.append((pause.started_at, end))
    return spans


def resolution_minutes(session: Session, calendar: WorkCalendar,
                       instance: ProcessInstance) -> float:
    """Minutes from report to completion of a completed ticket on its SLA clock: wall
    minutes for a round-the-clock priority (kritis), office minutes otherwise; the waits for
    the requester taken out alike (README, "Ringkasan Ticketing dan MTR")."""
    round_the_clock = rule(session, priority_of(instance))[1]
    start, end = instance.started_at, instance.completed_at
    spans = [(start, end), *paused_spans(session, instance, end)]
    if round_the_clock:
        lengths = [(b - a).total_seconds() / 60 for a, b in spans]
    else:
        lengths = [float(calendar.working_minutes_between(a, b)) for a, b in spans]
    return lengths[0] - sum(lengths[1:])


def deadline(session: Session, instance: ProcessInstance, now: datetime) -> datetime:
    """The resolution deadline (aware UTC) of ``instance``: report time + the SLA of its
    priority (``priority_of``: minor without one), moved by the pauses up to ``now``
    (aware) or, for a ticket that has ended (completed or cancelled), up to its end: a wait
    the ticket ended in moves it no further."""
    duration, round_the_clock = rule(session, priority_of(instance), instance.started_at)
    calendar = settings.work_calendar(session)
    due = calendar.deadline(instance.started_at, duration, round_the_clock)
    until = now if instance.completed_at is None else min(now, instance.completed_at)
    for span in paused_spans(session, instance, until):
        due = calendar.moved_past(due, span, round_the_clock)
    return due


def open_pause(session: Session, instance: ProcessInstance) -> SlaPause | None:
    """The pause in progress, if the ticket waits for the requester."""
    return session.scalar(select(SlaPause).where(SlaPause.instance_id == instance.id,
                                                 SlaPause.ended_at.is_(None)))


def pause(session: Session, clock: Clock, instance: ProcessInstance, user: User) -> SlaPause:
    """Stop the SLA clock (menunggu pemohon) unless it stands already: the ticket's timers
    fire no escalation until the answer (``resume``); audited ``sla.paused``. Takes the
    instance's lock first, so a worker firing its timers finishes before the wait begins
    or sees it. Not committed."""
    lock_instance(session, instance.id)
    current = open_pause(session, instance)
    if current is not None:
        return current
    current = SlaPause(instance_id=instance.id, started_at=clock.now())
    session.add(current)
    session.flush()
    audit.record(session, clock, "sla.paused", actor=user, instance=instance)
    return current


def resume(session: Session, clock: Clock, instance: ProcessInstance, user: User) -> None:
    """Start the SLA clock again; every open step's deadline timer, waiting or fired
    already, and its escalation levels 2+ move by the part of the pause the step was open
    for (so the steps' due times and the whole escalation chain follow: a level due during
    the wait fires after it; a step opened during the wait moves by the rest of it);
    audited ``sla.resumed`` with the pause in minutes. A ticket in Galat moves alike (its
    timers fire once an administrator retries it). Nothing when not paused, nor once the
    ticket has ended (its wait ended with it, ``deadline``). Not committed."""
    lock_instance(session, instance.id)  # of two answers at once, the second finds it ended
    current = open_pause(session, instance)
    if current is None or instance.completed_at is not None:
        return
    current.ended_at = clock.now()
    start, end = current.started_at, current.ended_at
    calendar = settings.work_calendar(session)

    def past_wait(fire_at: datetime, round_the_clock: bool, opened_at: datetime | None
                  ) -> datetime:
        return calendar.moved_past(fire_at, (max(start, opened_at or start), end),
                                   round_the_clock)

    # A ticket in Galat moves too: its timers wait for the retry, which must find them
    # past the wait like the levels 2+ below.
    with change(session, clock, instance.id, statuses=("running", GALAT)) as unit:
        if unit is not None:  # saving re-projects due times and timers
            opened = {step.spiff_task_id: step.created_at
                      for step in open_tasks(session, instance)}
            unit.shift_timers(lambda fire_at, wall, spiff_id:
                              past_wait(fire_at, wall, opened.get(spiff_id)))
    for row in session.scalars(select(Timer).where(Timer.instance_id == instance.id,
                                                   Timer.spiff_task_id.is_(None))):
        # Escalation levels 2+ of a step, on its own clock.
        step = session.get(HumanTask, row.human_task_id)
        row.fire_at = past_wait(row.fire_at, step_clock(step)[1], step.created_at)
    audit.record(session, clock, "sla.resumed", actor=user, instance=instance,
                 paused_minutes=int((end - start).total_seconds() // 60))


def _end_with_the_ticket(session: Session, record: dict[str, Any]) -> None:
    """The audit listener: a ticket that completes or is cancelled while it waits for the
    requester ends its wait at the same moment (README, "Layanan TI": "Jeda yang masih
    terbuka … berakhir bersama tiketnya"). One UPDATE, for requester-facing SOPs only."""
    if record["action"] not in ("instance.completed", "instance.cancelled"):
        return
    with session.no_autoflush:
        instance = session.get(ProcessInstance, record["instance_id"])
        if instance is None or instance.definition.key not in REQUESTER_PROCESSES:
            return
        session.execute(update(SlaPause).where(
            SlaPause.instance_id == instance.id, SlaPause.ended_at.is_(None))
            .values(ended_at=instance.completed_at or record["at"])
            .execution_options(synchronize_session="fetch"))


def listen() -> None:
    """Install the audit listener that ends a ticket's wait with it (idempotent)."""
    audit.listen(_end_with_the_ticket)
