"""Counting stored rows: most tests that check something was or was not stored ask how
many rows a table holds."""

from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from flask import Flask


def count(session: Session, model: type, *where: ColumnElement[bool]) -> int:
    """How many rows of ``model`` (a mapped class) meet every ``where`` clause."""
    return session.scalar(select(func.count()).select_from(model).where(*where))


def app_count(app: "Flask", model: type, *where: ColumnElement[bool]) -> int:
    """``count`` in ``app``'s database, in an app context of its own (the app's
    Flask-SQLAlchemy session, without importing ``web`` here)."""
    with app.app_context():
        database: Any = app.extensions["sqlalchemy"]
        return count(database.session, model, *where)
