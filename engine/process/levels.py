"""When each escalation level of a step falls due, and which role it notifies.

The chain's timing (README, "Eskalasi"): level ``n`` falls due at ``multiples[n - 1]`` x
the step's Waktu (``settings.escalation_multiples``, by default 1, 2, 3), counted from the
step's start in office time, or on the wall clock for a round-the-clock step; level 1
notifies the step's own role, level 2 its supervisor, and so on up the line of
supervision (Prakom -> Kasubbag -> Sekretaris -> Ketua, ``shared/domain.md``).

Here, below ``engine.escalation``, so that moving an instance to another version
(``engine.process.versions``) counts the levels already scheduled again the same way.
"""

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import settings
from engine.models import Escalation, HumanTask, Timer
from engine.roles import KNOWN_ROLES, line_above
from engine.time.duration import parse_duration


def role_at_level(step_role: str, level: int) -> str | None:
    """The role notified at ``level`` (1, 2, ...) of a step in lane ``step_role``: the
    step's own at 1, its supervisor at 2, and so on (``engine.roles.line_above``); None
    above the top of the line (the Ketua has no supervisor).

    Raises:
        KeyError: ``step_role`` is none of ``engine.roles.KNOWN_ROLES`` (a deployed lane
            always is: ``engine.bpmn.validation``)."""
    if level > 1 and step_role not in KNOWN_ROLES:
        raise KeyError(step_role)
    line = [step_role, *line_above(step_role)]
    return line[level - 1] if level <= len(line) else None


def level_fire_time(session: Session, task: HumanTask, level: int) -> datetime | None:
    """When ``level`` (1, 2, ...) of open step ``task`` falls due, an aware datetime: the
    deadline of ``multiple`` x the step's Waktu as it opened (``step_clock``), counted
    from the step's start in office time, or on the wall clock for a round-the-clock step
    (README, "Eskalasi"). None past the office's last level
    (``settings.escalation_multiples``), above the top of the step's line of supervision
    (``role_at_level``: nobody to tell) and for a step without a fixed Waktu.

    Counted on from the step's deadline (``due_at``, the first multiple of one Waktu) as
    it stands: a ticket's wait for its requester moved that deadline, and the later levels
    move with it (office minutes add up, so this is the same moment when nothing moved)."""
    if role_at_level(task.role, level) is None:
        return None
    multiples = settings.escalation_multiples(session)
    duration, round_the_clock = step_clock(task)
    if level > len(multiples) or not duration:
        return None
    calendar = settings.work_calendar(session)
    if task.due_at is None:
        return calendar.deadline(task.created_at, scale_duration(duration, multiples[level - 1]),
                                 round_the_clock=round_the_clock)
    beyond = multiples[level - 1] - 1
    if beyond <= 0:
        return task.due_at
    return calendar.deadline(task.due_at, scale_duration(duration, beyond),
                             round_the_clock=round_the_clock)


def retime_later_levels(session: Session, instance_id: int) -> None:
    """Count the escalation levels 2+ already scheduled for the instance's open steps
    again as the steps now stand (new Waktu, deadline or lane after a move to another
    version; new deadline after a change of the office calendar); a level with nobody to
    tell or past the office's last level is dropped. A step already escalated whose next
    level has no timer (a shorter chain dropped it, a longer one brings it back) gets
    one, as a step opened under the new chain has. Not committed."""
    scheduled = set()
    for timer, task in session.execute(
            select(Timer, HumanTask).join(HumanTask, Timer.human_task_id == HumanTask.id)
            .where(Timer.instance_id == instance_id, Timer.level > 1,
                   HumanTask.state == "open")).all():
        fire_at = level_fire_time(session, task, timer.level)
        if fire_at is None:
            session.delete(timer)
        else:
            timer.fire_at = fire_at
            scheduled.add(task.id)
    for task, highest in session.execute(
            select(HumanTask, func.max(Escalation.level))
            .join(Escalation, Escalation.human_task_id == HumanTask.id)
            .where(HumanTask.instance_id == instance_id, HumanTask.state == "open")
            .group_by(HumanTask.id)).all():
        fire_at = None if task.id in scheduled else level_fire_time(session, task, highest + 1)
        if fire_at is not None:
            session.add(Timer(instance_id=instance_id, human_task_id=task.id,
                              level=highest + 1, fire_at=fire_at))


def step_clock(task: HumanTask) -> tuple[str | None, bool]:
    """``(ISO 8601 duration or None, round the clock)`` of a step: as its timer gave them
    when it opened (a kritis case's ``"PT1H"`` round the clock), or, for a row from before
    they were kept, the SOP's default Waktu and its plain ``sepanjang_waktu`` flag."""
    if task.duration is not None:
        return task.duration, task.round_the_clock
    entry = task.instance.definition.catalog["tasks"].get(task.bpmn_id, {})
    return entry.get("duration"), bool(entry.get("round_the_clock"))


def scale_duration(duration: str, factor: int) -> str:
    """``scale_duration("PT30M", 2) == "PT60M"``; each designator multiplied."""
    parts = parse_duration(duration)
    date_part = "".join(f"{_number(parts[k] * factor)}{k[0].upper()}"
                        for k in ("years", "months", "weeks", "days") if k in parts)
    time_part = "".join(f"{_number(parts[k] * factor)}{k[0].upper()}"
                        for k in ("hours", "minutes", "seconds") if k in parts)
    return "P" + date_part + ("T" + time_part if time_part else "")


def _number(value: float) -> str:
    """``value`` as an ISO 8601 duration number: no exponent, rounded to nine decimals so
    that float products read as written (0.3 × 3 is ``0.9``, not ``0.8999999999999999``,
    which ``parse_duration`` refuses)."""
    return f"{value:.9f}".rstrip("0").rstrip(".")
