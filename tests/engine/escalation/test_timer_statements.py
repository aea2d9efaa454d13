"""What firing a batch of timers costs in SQL statements (issue 13): a fixed number per
fired instance on top of a fixed number per batch, counted, never timed."""

from datetime import timedelta

from sqlalchemy import event
from sqlalchemy.orm import Session

from engine.escalation.timers import fire_round
from engine.process.deploy import deploy
from engine.process.instances import start_instance
from tests.conftest import mini_bpmn

# One instance whose step's time standard ran out, within its batch: its savepoint (2),
# the escalation, its fact, the Prakom's notification, the audit record, the next
# level's timer (5), the fired timer's DELETE and the state's UPDATE (2).
PER_INSTANCE = 9
# The batch: the claim (SELECT, UPDATE), what firing reads once for all its instances
# (claimed timers, instances locked, their definitions, their due timers, the steps, the
# levels raised, the settings, the role's holders with their roles), the claims released.
PER_BATCH = 12


def fired_statements(session: Session, clock, users, count: int) -> list[str]:
    deploy(session, clock, mini_bpmn())
    for number in range(count):
        start_instance(session, clock, process_key="sop_uji", title=f"Surat {number}",
                       user=users["Prakom"])
    session.commit()
    clock.advance(timedelta(minutes=45))  # level 1 due (30 minutes), level 2 not yet (60)
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


def test_a_batch_costs_a_fixed_number_of_statements_per_fired_instance(session, clock, users):
    seen = fired_statements(session, clock, users, 4)
    assert len(seen) == PER_BATCH + 4 * PER_INSTANCE, "\n".join(seen)
