"""The SQL statements a block or one page costs, as the database receives them."""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from web.extensions import db


@contextmanager
def statements(app: Flask) -> Iterator[list[str]]:
    """Every SQL statement sent to the app's database engine inside the block, its
    whitespace collapsed."""
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append(" ".join(statement.split()))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def page_statements(app: Flask, client: FlaskClient, path: str,
                    headers: dict[str, str] | None = None) -> list[str]:
    """The statements ``GET path`` runs (it must answer 200), in order, whitespace
    collapsed."""
    with statements(app) as seen:
        assert client.get(path, headers=headers or {}).status_code == 200
    return seen
