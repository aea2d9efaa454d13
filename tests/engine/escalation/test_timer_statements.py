"""What firing a batch of timers costs in SQL statements (issue 13): a fixed number per
fired instance on top of a fixed number per batch, counted, never timed."""

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from engine.escalation.timers import fire_round
from tests.engine.escalation.test_timer_claims import overdue

# A batch is fired in one savepoint and flushed once at its end, so an instance costs no
# statement of its own on PostgreSQL: its state's UPDATE (checked against its lock_version,
# engine.runtime.unit.batched_states), its fired timer's DELETE and the rows its escalation
# adds (escalation, its fact, the Prakom's notification, the audit record, the next level's
# timer) go in with the other instances' rows, one statement per table for the whole batch.
# SQLite inserts the escalation rows one by one but for the facts (their key is known), the
# audit records (inserted together at the end, engine.audit.batched), the states and the
# DELETE.
PER_INSTANCE = {"postgresql": 0, "sqlite": 3}
# The batch: the claim (SELECT, UPDATE), what firing reads once for all its instances
# (claimed timers, instances locked, their definitions, their due timers, the steps, the
# levels raised, the settings, who acts in the role — its holders or the Plh/Plt in force
# standing in for them, one query — with their roles: read without flushing the first
# escalation), the savepoint (2), the batched INSERTs, the states' UPDATE and the fired
# timers' DELETE at the end, the claims released.
PER_BATCH = {"postgresql": 21, "sqlite": 18}

def fired_statements(session: Session, clock, users, count: int) -> list[str]:
    overdue(session, clock, users, count)
    seen: list[str] = []

    def record(conn, cursor, statement, *args) -> None:
        if statement not in ("BEGIN", "COMMIT"):
            seen.append(" ".join(statement.split()))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert fire_round(session, clock, lambda instance_id, error: session.commit()) == count
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


@pytest.mark.parametrize("count", [4, 8])
def test_a_batch_costs_a_fixed_number_of_statements_per_fired_instance(session, clock, users,
                                                                       count):
    seen = fired_statements(session, clock, users, count)
    database = session.get_bind().dialect.name
    assert len(seen) == PER_BATCH[database] + count * PER_INSTANCE[database], "\n".join(seen)
