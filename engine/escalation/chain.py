"""Escalation: a step past its time standard is reported up the line of supervision.

The chain (configurable per office, ``settings.escalation_multiples``): level 1 at the
deadline reminds the assignee (or every holder of the step's role when unclaimed);
level 2, at 2x the time standard by default, notifies the supervising role; level 3 goes
one level higher (Prakom -> Kasubbag -> Sekretaris -> Ketua, ``shared/domain.md``), never
to the official who holds the late step (one person may hold both roles, or stand in for
the role above his own), nor to one told of the step at a lower level already. A level that
reaches no one is told to the administrators (``engine.escalation.unreached``). The chain
stops when the step is done. Each (step, level) escalates once.
"""

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, facts
from engine.clock import Clock
from engine.escalation import outbox, unreached
from engine.escalation.notifications import case_words
from engine.models import Escalation, HumanTask, Notification, Timer, User
from engine.people.holders import acting_in, capacity_of
from engine.process.levels import level_fire_time, role_at_level


class Known:
    """What escalating a batch of steps reads once for all of them instead of once per
    step: which of their levels were raised already, who was told of them as a supervisor
    (level 2 and up), and who holds each role.

    Read it while the steps' instances are locked (every escalation is raised under its
    instance's lock, so none of theirs can be raised meanwhile by anyone else); it serves
    one transaction.
    """

    def __init__(self, session: Session, task_ids: Collection[int]) -> None:
        self.raised: set[tuple[int, int]] = set()
        # (step, user) of everyone told of a step's escalation to a supervisor (level 2
        # and up): one who stands in for the role above his own is not told twice.
        self.told: set[tuple[int, int]] = set()
        if task_ids:
            for task_id, level, user_id in session.execute(
                    select(Escalation.human_task_id, Escalation.level, Notification.user_id)
                    .outerjoin(Notification, (Notification.escalation_id == Escalation.id)
                               & (Notification.kind == "eskalasi") & (Escalation.level > 1))
                    .where(Escalation.human_task_id.in_(task_ids))):
                self.raised.add((task_id, level))
                if user_id is not None:
                    self.told.add((task_id, user_id))
        self._holders: dict[str, list[User]] = {}
        # The roles whose escalation reached no one that this batch told the
        # administrators of (``unreached.tell_administrators``).
        self.unreached: set[str] = set()

    def holders(self, session: Session, role: str, now: datetime) -> list[User]:
        """``engine.people.holders.acting_in`` of ``role`` at ``now``, read once, without
        flushing first: what escalating adds (escalations, notices, facts, deleted timers)
        never changes who acts in a role, and it is flushed with the rest of the batch,
        once, at its end."""
        if role not in self._holders:
            with session.no_autoflush:
                self._holders[role] = acting_in(session, role, now)
        return self._holders[role]


def escalate(session: Session, clock: Clock, task: HumanTask, level: int,
             known: Known | None = None) -> Escalation | None:
    """Escalate ``task`` at ``level``: notify in the app, enqueue e-mail and webhook
    deliveries, and schedule the next level. ``known``: what a batch read for all its
    steps (``Known``), else it is read here.

    Returns None, changing nothing, when the task is no longer open, the level was already
    raised, or no role is left above.
    """
    if task.state != "open":
        return None
    if known is None:
        known = Known(session, [task.id])
    if (task.id, level) in known.raised:
        return None
    role = role_at_level(task.role, level)
    if role is None:
        return None
    # Not flushed here: the escalation and the rows naming it are inserted together at
    # the next flush (a batch of timers: once for the whole batch).
    escalation = Escalation(human_task=task, level=level, raised_at=clock.now())
    session.add(escalation)
    facts.record_escalation(session, task, escalation)
    people = (_reminded(session, clock, task, known) if level == 1
              else known.holders(session, role, clock.now()))
    alone, told_before = None, []
    if level > 1:
        # In a small office the late official may also hold the role above (or stand in
        # for it): he is not told of his own lateness as his own supervisor; nor is a
        # supervisor who stands in for the role above his own told again at that level.
        performer = _performer(session, clock, task, known)
        alone = next(((user.full_name, capacity_of(session, clock.now(), user, role))
                      for user in people if user.id == performer), None)
        told_before = [user.username for user in people
                       if (task.id, user.id) in known.told and user.id != performer]
        people = [user for user in people
                  if user.id != performer and (task.id, user.id) not in known.told]
        known.told.update((task.id, user.id) for user in people)
    if not people and not told_before:
        unreached.tell_administrators(session, clock, task, escalation, role, alone=alone,
                                      told=known.unreached)
    message = _message(task, level, role)
    params = {"level": level, "role": role, "step": task.name, **case_params(task)}
    # In which capacity each reads it (``Plh. Kasubbag``): the notice and the e-mail say so.
    capacities = {user.id: capacity_of(session, clock.now(), user, role)
                  for user in people}
    for user in people:
        session.add(Notification(
            user_id=user.id, kind="eskalasi", role=role, human_task_id=task.id,
            escalation=escalation, instance_id=task.instance_id,
            params=with_capacity(params, role, capacities[user.id]),
            created_at=clock.now(), message=message))
    outbox.enqueue_escalation(session, clock, escalation, people, role, message, capacities)
    # Who got it as Plh/Plt, and as whose: Riwayat and Jejak audit say why a reminder of an
    # official's step reached someone else.
    acting = {user.username: capacities[user.id] for user in people
              if capacities[user.id] != role}
    audit.record(session, clock, "task.escalated", task=task, level=level, role=role,
                 recipients=[user.username for user in people],
                 **({"told_before": told_before} if told_before else {}),
                 **({"acting": acting} if acting else {}))
    _schedule_next(session, task, level)
    return escalation


def _reminded(session: Session, clock: Clock, task: HumanTask, known: Known) -> list[User]:
    """Who a step's reminder (level 1) goes to: whoever took it; else, or while a Plh/Plt
    stands in for the official who took it (he is away: no longer among those acting in
    its role), those acting in its role, his substitute among them (README "Plh dan
    Plt": a holder replaced by a Plh/Plt is replaced by his substitute)."""
    acting = known.holders(session, task.role, clock.now())
    taker = task.claimed_by
    if taker is None:
        return acting
    away = task.role in taker.role_names and all(user.id != taker.id for user in acting)
    return acting if away else [taker]


def _performer(session: Session, clock: Clock, task: HumanTask, known: Known) -> int | None:
    """Whose lateness ``task`` is: its claimant, or, unclaimed, the one official who acts
    in its role (a Sekretaris who is also Plh. Ketua holds his own Sekretaris step even
    before he takes it); None when several may take it."""
    if task.claimed_by_id is not None:
        return task.claimed_by_id
    holders = known.holders(session, task.role, clock.now())
    return holders[0].id if len(holders) == 1 else None


def with_capacity(params: dict[str, Any], role: str, capacity: str) -> dict[str, Any]:
    """A notice's ``params`` for a reader who gets a notice of ``role`` in ``capacity``
    (``engine.people.holders.capacity_of``): with ``as`` (``Plh. Kasubbag``) when he stands in for its
    holder, so that the centre says so as the e-mail does; else ``params`` itself."""
    return params if capacity == role else {**params, "as": capacity}


def case_params(task: HumanTask) -> dict[str, str]:
    """What a notice about ``task`` names of its case: ``title``, ``number`` (may be
    empty) and ``process`` (the SOP's name), for ``Notification.params``."""
    instance = task.instance
    return {"title": instance.title, "number": instance.number or "",
            "process": instance.definition.name}


def _schedule_next(session: Session, task: HumanTask, level: int) -> None:
    fire_at = level_fire_time(session, task, level + 1)
    if fire_at is not None:
        session.add(Timer(instance_id=task.instance_id, human_task_id=task.id, level=level + 1,
                          fire_at=fire_at))


def _message(task: HumanTask, level: int, role: str) -> str:
    """The notice's Indonesian sentence, as the notification centre words it."""
    if level == 1:
        return f'Langkah "{task.name}" pada {case_words(task)} melewati batas waktu.'
    return (f'Untuk {role} (tingkat {level}): langkah "{task.name}" pada {case_words(task)} '
            "melewati batas waktu.")

