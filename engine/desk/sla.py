"""Priority SLAs of the service desk and the pause while a ticket waits for the requester.

Rules (the IT unit's KPIs, "Kecepatan Penyelesaian Gangguan"): kritis ≤ 1 jam counted
round the clock; mayor ≤ 4 jam of office time; minor per the office setting
``sla_minor`` (an ISO 8601 duration in office time, default ``P1D``, one working day).
The resolution deadline counts from the report time (the instance's start) and moves by
every span in which the ticket waited for the requester (``SlaPause``).
"""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, settings
from engine.clock import Clock
from engine.models import ProcessInstance, SlaPause, Timer, User
from engine.runtime.unit import change

DEFAULT_MINOR = "P1D"
PRIORITIES = ("kritis", "mayor", "minor")


def rule(session: Session, priority: str | None) -> tuple[str, bool] | None:
    """The SLA of ``priority`` as (ISO 8601 duration, round the clock), None if unknown."""
    if priority == "kritis":
        return "PT1H", True
    if priority == "mayor":
        return "PT4H", False
    if priority == "minor":
        return (settings.get(session, "sla_minor") or DEFAULT_MINOR), False
    return None


def paused(session: Session, instance: ProcessInstance, until: datetime) -> timedelta:
    """How long the ticket's SLA clock stood still before ``until`` (open pause included)."""
    total = timedelta()
    for pause in session.scalars(select(SlaPause).where(SlaPause.instance_id == instance.id)):
        end = min(pause.ended_at or until, until)
        if end > pause.started_at:
            total += end - pause.started_at
    return total


def deadline(session: Session, instance: ProcessInstance, now: datetime) -> datetime | None:
    """The resolution deadline (aware UTC) of ``instance``: report time + the SLA of its
    case data ``prioritas`` (set by the requester, then by the Prakom's triage), moved
    by the pauses up to ``now``; None without a known priority."""
    found = rule(session, (instance.data or {}).get("prioritas"))
    if found is None:
        return None
    duration, round_the_clock = found
    due = settings.work_calendar(session).deadline(instance.started_at, duration,
                                                   round_the_clock)
    return due + paused(session, instance, now)


def open_pause(session: Session, instance: ProcessInstance) -> SlaPause | None:
    """The pause in progress, if the ticket waits for the requester."""
    return session.scalar(select(SlaPause).where(SlaPause.instance_id == instance.id,
                                                 SlaPause.ended_at.is_(None)))


def pause(session: Session, clock: Clock, instance: ProcessInstance, user: User) -> SlaPause:
    """Stop the SLA clock (menunggu pemohon) unless it stands already; audited
    ``sla.paused``. Not committed."""
    current = open_pause(session, instance)
    if current is not None:
        return current
    current = SlaPause(instance_id=instance.id, started_at=clock.now())
    session.add(current)
    session.flush()
    audit.record(session, clock, "sla.paused", actor=user, instance=instance)
    return current


def resume(session: Session, clock: Clock, instance: ProcessInstance, user: User) -> None:
    """Start the SLA clock again; the waiting deadline timers of the instance move by the
    pause (so the open steps' due times and the escalation chain follow); audited ``sla.resumed`` with the pause in minutes. Nothing when not paused."""
    current = open_pause(session, instance)
    if current is None:
        return
    current.ended_at = clock.now()
    shift = current.ended_at - current.started_at
    with change(session, clock, instance.id) as unit:
        if unit is not None:
            unit.shift_timers(shift)  # saving re-projects due times and timers
    for row in session.scalars(select(Timer).where(Timer.instance_id == instance.id,
                                                   Timer.spiff_task_id.is_(None))):
        row.fire_at += shift  # escalation levels 2+ of a step
    audit.record(session, clock, "sla.resumed", actor=user, instance=instance,
                 paused_minutes=int(shift.total_seconds() // 60))
