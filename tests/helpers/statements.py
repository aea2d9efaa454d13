"""The SQL statements one page costs, as the database receives them."""

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from web.extensions import db


def page_statements(app: Flask, client: FlaskClient, path: str,
                    headers: dict[str, str] | None = None) -> list[str]:
    """The statements ``GET path`` runs (it must answer 200), in order."""
    seen: list[str] = []
    with app.app_context():
        engine = db.engine

    def capture(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", capture)
    try:
        assert client.get(path, headers=headers or {}).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    return seen
