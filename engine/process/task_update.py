"""The conditional UPDATE that claiming, releasing, assigning and completing a step make
of its ``human_tasks`` row (``engine.process.tasks``): written only while the row is open
and, as the caller says, still free or held by one of the given people and still open to
its actor's role; the database decides which of two concurrent requests wins.

Each shape of the statement (which columns, which holders) is built once per process and
run on the session's connection: a task is changed on every request of the core loop, and
building and caching an ORM statement per request costs several times running it
(``make bench``).
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from functools import cache
from typing import Any

from sqlalchemy import Update, bindparam, func, or_, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from engine.models import HumanTask
from engine.people.claims import may_act

_TABLE = HumanTask.__table__


class Holders(Enum):
    """Whose claim lets the change through, besides the row being open."""

    FREE_OR_GIVEN = "free or given"  # unclaimed, or claimed by one of the given ids
    GIVEN = "given"  # claimed by one of the given ids
    ANYONE = "anyone"


@dataclass(frozen=True)
class IfFree:
    """A value written only where the column is NULL (``coalesce(column, value)``): a step
    completed by someone keeps the claim of whoever holds it."""

    value: Any


@dataclass(frozen=True)
class Actor:
    """Who makes the change, and when (aware): the row is written only if he may still
    act in its role then (``engine.people.claims.may_act``), read in the same statement,
    so that an account disabled or a role taken away since the request read them stops
    the change instead of a step being completed by someone its release said could no
    longer act."""

    user_id: int
    now: datetime


def change_row(session: Session, task: HumanTask, holders: Holders,
               given: Collection[int] = (), actor: Actor | None = None, **values: Any) -> bool:
    """Write ``values`` (column name: value or ``IfFree``) on ``task``'s row if it is still
    open, ``holders`` lets ``given`` (user ids) through and ``actor`` (when given) may act
    in its role, in one UPDATE that returns what it wrote into ``task`` (as committed
    values). Not committed.

    Returns:
        Whether the row was written; False changes nothing (the row is done, held by
        someone else, or the actor may no longer act: the caller reads again to say which).
    """
    names = tuple(values)
    statement = _statement(names, tuple(isinstance(values[name], IfFree) for name in names),
                           holders, actor is not None)
    parameters = {f"new_{name}": value.value if isinstance(value, IfFree) else value
                  for name, value in values.items()}
    parameters["task_id"] = task.id
    if holders is not Holders.ANYONE:
        parameters["given"] = list(given)
    if actor is not None:
        parameters["actor"], parameters["now"] = actor.user_id, actor.now
    written = session.connection().execute(statement, parameters).first()
    if written is None:
        return False
    for name, value in zip(names, written, strict=True):
        set_committed_value(task, name, value)
    return True


@cache
def _statement(names: tuple[str, ...], if_free: tuple[bool, ...], holders: Holders,
               by_actor: bool) -> Update:
    """``UPDATE human_tasks SET <names> WHERE id = :task_id AND state = 'open' AND
    <holders> [AND <:actor may act at :now>] RETURNING <names>``, with a bound parameter
    (of the column's type) per value."""
    claimed_by = _TABLE.c.claimed_by_id
    given = claimed_by.in_(bindparam("given", expanding=True, type_=claimed_by.type))
    condition = [_TABLE.c.id == bindparam("task_id", type_=_TABLE.c.id.type),
                 _TABLE.c.state == "open"]
    if holders is Holders.FREE_OR_GIVEN:
        condition.append(or_(claimed_by.is_(None), given))
    elif holders is Holders.GIVEN:
        condition.append(given)
    if by_actor:
        condition.append(may_act(bindparam("actor", type_=claimed_by.type), bindparam(
            "now", type_=_TABLE.c.created_at.type)))
    values = {}
    for name, free in zip(names, if_free, strict=True):
        column = _TABLE.c[name]
        value = bindparam(f"new_{name}", type_=column.type)
        values[name] = func.coalesce(column, value) if free else value
    return (update(_TABLE).where(*condition).values(values)
            .returning(*(_TABLE.c[name] for name in names)))
