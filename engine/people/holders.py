"""Who holds a role: the one query for it (escalation, assignment, demo history), and in
which capacity one acts in it."""

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, exists, func, literal, select, union
from sqlalchemy.orm import Session

from engine.models import Substitution, User, UserRole
from engine.people import substitution
from engine.people.in_force import substitution_in_force


def holders(session: Session, role: str) -> list[User]:
    """The users holding ``role`` (not their substitutes), oldest account first."""
    return list(session.scalars(select(User).join(UserRole).where(UserRole.role == role)
                                .order_by(User.id)))


def present_holders(session: Session, role: str, now: datetime) -> list[User]:
    """Who a step of ``role`` may be assigned to at ``now`` (Alihkan, issue 15): those
    acting in it (:func:`acting_in`: its active holders, a Plh/Plt in place of a holder
    he replaces) who are not away themselves (nobody stands in for them, in any role)."""
    away = substitution.away(session, now)
    return [user for user in acting_in(session, role, now) if user.id not in away]


class Holder(NamedTuple):
    """One choice of an "Alihkan kepada": the role, and the user's id, full name and user
    name (which tells two officials of the same name apart); ``kind``: "Plh" or "Plt" for
    one standing in for a holder of the role (a supervisor must see why a Bidang Terkait
    is offered a Kasubbag step), "" for a holder."""

    role: str
    id: int
    full_name: str
    username: str
    kind: str


def holders_of(session: Session, roles: list[str], now: datetime,
               away: set[int] | None = None) -> list[Holder]:
    """A ``Holder`` for everyone a step of one of ``roles`` may be assigned to at ``now``
    (aware; as ``present_holders``), by role then name (the inbox's bulk "Alihkan kepada"
    choice). Two queries however many roles (``away``, and one statement reading only
    these columns whose shape does not depend on the roles: a Kasubbag supervises five,
    and building a subquery per role cost ~0.4 ms each). ``away``: ``substitution.away``
    at ``now`` when the caller read it already."""
    roles = sorted(set(roles))
    if not roles:
        return []
    if away is None:
        away = substitution.away(session, now)
    in_force = substitution_in_force(now)
    active = User.is_disabled.is_(False)
    held = (select(UserRole.role.label("role"), User.id, User.full_name, User.username,
                   literal("").label("kind"))
            .join(User, User.id == UserRole.user_id)
            .where(UserRole.role.in_(roles), active, ~exists().where(
                Substitution.official_id == User.id, Substitution.role == UserRole.role,
                in_force)))
    standing = (select(Substitution.role.label("role"), User.id, User.full_name, User.username,
                       Substitution.kind.label("kind"))
                .join(User, User.id == Substitution.substitute_id)
                .where(Substitution.role.in_(roles), active, in_force))
    acting = union(held, standing).subquery()
    chosen: dict[tuple[str, int], Holder] = {}
    for row in session.execute(select(acting).order_by(
            acting.c.role, func.lower(acting.c.full_name), acting.c.id, acting.c.kind)):
        if row.id not in away:  # one standing in for a role he holds is its holder: first
            chosen.setdefault((row.role, row.id), Holder(*row))
    return list(chosen.values())


def unheld_lanes(session: Session, catalog: dict[str, Any], now: datetime) -> list[str]:
    """The lanes of an SOP version's ``catalog`` (``engine.bpmn.catalog``) that hold a user
    task and that nobody answers for at ``now`` (aware; :func:`acting_in`: no active
    holder, no Plh/Plt): an instance reaching their steps stops there, with no one to take
    them, time them out to or escalate them from. In lane order; one query per such lane."""
    worked = {step["lane"] for step in catalog["tasks"].values()}
    return unheld_roles(session, [lane for lane in catalog["lanes"] if lane in worked], now)


def unheld_roles(session: Session, roles: list[str], now: datetime) -> list[str]:
    """Those of ``roles`` (in their order) nobody answers for at ``now`` (aware; as
    :func:`unheld_lanes`): their open steps wait for no one. One query per role."""
    return [role for role in roles if session.scalar(
        select(User.id).where(_acting(role, now)).limit(1)) is None]


def acting_in(session: Session, role: str, now: datetime) -> list[User]:
    """Who answers for ``role`` at ``now`` (aware), each once, oldest account first: every
    active holder, except that a holder for whom a Plh/Plt stands in for ``role`` is
    replaced by that substitute (UU 30/2014 Pasal 14, README "Plh dan Plt"); a disabled
    account never. Those an escalation of ``role`` notifies. One query."""
    return list(session.scalars(acting_query(role, now)))


def acting_query(role: str, now: datetime) -> Select[tuple[User]]:
    """The query of :func:`acting_in`, for a caller that narrows it further (e.g. those
    who asked for "tugas baru" notices, at most so many). Only substitutions in force
    count (``engine.people.in_force``)."""
    return select(User).where(_acting(role, now)).order_by(User.id)


def _acting(role: str, now: datetime) -> ColumnElement[bool]:
    """Whether a ``User`` answers for ``role`` at ``now`` (as :func:`acting_in`)."""
    in_role = (Substitution.role == role) & substitution_in_force(now)
    holds = exists().where(UserRole.user_id == User.id, UserRole.role == role)
    replaced = exists().where(Substitution.official_id == User.id, in_role)
    stands_in = exists().where(Substitution.substitute_id == User.id, in_role)
    return User.is_disabled.is_(False) & ((holds & ~replaced) | stands_in)


def capacity_of(session: Session, now: datetime, user: User, role: str) -> str:
    """In which capacity ``user`` acts in ``role`` at ``now`` (aware): the role, or
    ``Plh. <role>`` for one standing in (one more query, only then); what a notice says he
    gets it as, and a step's page who holds it as."""
    if role in user.role_names:
        return role
    # Read without flushing, as the chain reads who holds a role: a batch of timers
    # flushes what it added once, at its end.
    with session.no_autoflush:
        acting = substitution.capacities(session, user, now).get(role)
    return acting.label if acting is not None and acting.label else role
