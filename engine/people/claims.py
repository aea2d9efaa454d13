"""Claims nobody can honour: a step taken (Ambil Tugas) by someone who may no longer act
in its role goes back to its unit (Tugas Unit), so that the role's holders see it again
and may take it.

A claim lapses when its holder's account is disabled, or when they neither hold the
step's role nor stand in for it as Plh/Plt any more: the substitution ended (early, or
at its ``ends_at``), the official it stood in for lost the role, the substitute lost
every role, or an administrator took the role away. Before, such a step stayed held: the
official got "sudah diambil oleh …", the former Plh could not act on it, and it left every
inbox but the supervisor's.
"""

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import ColumnElement, exists, select, update
from sqlalchemy.orm import Session, aliased

from engine import audit
from engine.clock import Clock
from engine.models import HumanTask, Substitution, User, UserRole
from engine.people.in_force import substitution_in_force
from engine.runtime.unit import lock_instance

# Steps released per call: the worker's round comes back for the rest.
MAX_RELEASED = 200


# Why claims lapse, as the caller knows it (``task.released``'s ``cause``): the holder's
# account was disabled, his roles changed, his Plh/Plt was ended early; ``lapsed``: found by
# the worker's round (a Plh/Plt whose period ran out, an official who lost the role).
CAUSES = ("disabled", "roles", "ended", "lapsed")


def release_lapsed(session: Session, clock: Clock, *,
                   holders: Collection[int] | None = None, cause: str = "lapsed",
                   actor: User | None = None) -> int:
    """Give back to their unit the open steps whose claim has lapsed at ``clock.now()``
    (see the module), at most ``MAX_RELEASED``; each gets a ``task.released`` audit record
    naming the former holder and the ``cause`` (one of ``CAUSES``). Not committed.

    Args:
        holders: only claims of these user ids (an account just disabled, a substitution
            just ended); None: every claim (the worker's round).
        actor: whose action made the claims lapse (the administrator who disabled the
            account, who ended the Plh/Plt), the records' actor; None for the worker's
            round and the command line.

    Returns:
        How many steps were released. A step completed or taken by someone else
        meanwhile is left as it is.
    """
    condition = (HumanTask.state == "open") & ~_may_act(clock.now())
    if holders is not None:
        condition &= HumanTask.claimed_by_id.in_(sorted(holders))
    lapsed = session.execute(select(HumanTask.id, HumanTask.instance_id, HumanTask.claimed_by_id,
                                    User.username, HumanTask.name)
                             .join(User, User.id == HumanTask.claimed_by_id)
                             .where(condition).order_by(HumanTask.id).limit(MAX_RELEASED)).all()
    released = set()
    for task_id, instance_id, holder_id, username, name in lapsed:
        # The instance first, as every change of its steps does (PostgreSQL: the same lock
        # order as a completion, which would otherwise deadlock with this UPDATE).
        lock_instance(session, instance_id)
        written = session.execute(
            update(HumanTask).where(HumanTask.id == task_id, HumanTask.state == "open",
                                    HumanTask.claimed_by_id == holder_id)
            .values(claimed_by_id=None, claimed_at=None, claimed_as=None)
            .execution_options(synchronize_session=False)).rowcount
        if written:
            released.add(task_id)
            audit.record(session, clock, "task.released", actor=actor,
                         task=_Ref(task_id, instance_id, name),
                         holder=username, reason=LAPSED_REASON,
                         cause=cause)
    for row in list(session.identity_map.values()):  # rows the session holds read it
        if isinstance(row, HumanTask) and row.id in released:
            session.expire(row, ["claimed_by_id", "claimed_at", "claimed_by"])
    return len(released)


def _may_act(now: datetime) -> ColumnElement[bool]:
    """Whether a step's claimant (``User``, joined on the claim) may act in its role at
    ``now`` (``may_act``)."""
    return User.is_disabled.is_(False) & _in_role(HumanTask.claimed_by_id, now)


def may_act(person: ColumnElement[int], now: datetime | ColumnElement[datetime]
            ) -> ColumnElement[bool]:
    """Whether the user whose id ``person`` gives (a column, or a bound parameter) may act
    in a step's role (``HumanTask.role``, correlated to the row it is asked of) at ``now``
    (aware, or a bound parameter): an active account that holds the role, or stands in
    for its holder by a Plh/Plt in force (``engine.people.in_force``). The same test as a
    claim's (``release_lapsed``), so that a step given back because its holder could no
    longer act is never then completed by him."""
    return exists().where(_ACTOR.id == person, _ACTOR.is_disabled.is_(False)) & _in_role(
        person, now)


def _in_role(person: ColumnElement[int], now: datetime | ColumnElement[datetime]
             ) -> ColumnElement[bool]:
    holds = exists().where(UserRole.user_id == person, UserRole.role == HumanTask.role)
    stands_in = exists().where(
        Substitution.substitute_id == person, Substitution.role == HumanTask.role,
        substitution_in_force(now))
    return holds | stands_in


_ACTOR = aliased(User)


# Why a step went back to its unit, as its record keeps it (``web.trail_details`` says it
# in the reader's language).
LAPSED_REASON = "pemegang tidak lagi dapat bertindak"


class _Ref:
    """What ``audit.record`` reads of a task: its id, its instance's and its name."""

    def __init__(self, task_id: int, instance_id: int, name: str) -> None:
        self.id, self.instance_id, self.name = task_id, instance_id, name
