"""Reading the people a list of rows names, at once rather than one by one."""

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload
from sqlalchemy.orm.attributes import set_committed_value

from engine.models import User


def attach_people(session: Session, rows: Iterable[Any], id_column: str, relation: str) -> None:
    """Set ``row.<relation>`` of every row (ORM objects) to the user its ``<id_column>``
    names (None for none): users the session holds already, the others read in one
    statement, instead of one lazy load per person when each row is shown. Their roles
    are read only if something asks for them (a row shows a name)."""
    rows = list(rows)
    wanted = {getattr(row, id_column) for row in rows} - {None}
    people = {user_id: session.identity_map.get(Session.identity_key(User, user_id))
              for user_id in wanted}
    missing = [user_id for user_id, user in people.items() if user is None]
    if missing:
        people.update((user.id, user) for user in session.scalars(
            select(User).where(User.id.in_(missing)).options(lazyload(User.roles))))
    for row in rows:
        set_committed_value(row, relation, people.get(getattr(row, id_column)))
