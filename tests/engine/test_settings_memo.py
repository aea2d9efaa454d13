"""Settings are read once per transaction, and never carried into the next one."""

from sqlalchemy import event
from sqlalchemy.orm import Session

from engine import settings


def test_a_setting_read_before_a_commit_is_read_afresh_after_it(session, clock, users):
    session.commit()
    assert settings.get(session, "substitution") == {"plh_max_days": 30}  # begins a transaction
    session.commit()
    with Session(session.get_bind()) as other:  # another request saves Pengaturan
        settings.put(other, "substitution", {"plh_max_days": 10})
        other.commit()
    assert settings.get(session, "substitution") == {"plh_max_days": 10}


def test_the_settings_of_one_transaction_cost_one_statement(session, clock, users):
    session.commit()
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(session.get_bind(), "before_cursor_execute", count)
    try:
        for key in ("substitution", "escalation", "calendar", "smtp"):
            settings.get(session, key)
    finally:
        event.remove(session.get_bind(), "before_cursor_execute", count)
    assert len(statements) == 1
