"""Two workers and one message: a worker renews its lease on a message right before
sending it (``hold_for_sending``) while another worker, reading the lease as run out, takes
it over. Exactly one of them may send it: before, on SQLite, the second read without the
writer lock and then leased the message over the renewal, and both sent it (the probe saw
one e-mail delivered twice, 9 ms apart)."""

from datetime import timedelta

from sqlalchemy import select

from engine.escalation import outbox
from engine.models import Delivery
from tests.helpers.races import second_change

LEASE = timedelta(seconds=60)


def test_a_lease_renewed_while_another_worker_takes_it_over_is_sent_once(session, clock):
    session.add(Delivery(channel="email", recipient="kasubbag@pn.go.id", subject="s",
                         body="b", dedupe_key="uji:1", payload={},
                         next_attempt_at=clock.now(), created_at=clock.now()))
    session.commit()
    [leased] = outbox.lease_due(session, clock, "a", lease=LEASE)
    session.commit()
    clock.advance(LEASE)  # worker a's earlier sends were slow: its lease ran out
    taken = outbox.lease_due(session, clock, "b", lease=LEASE)  # not committed yet
    held_by_a: list[bool] = []

    def renew(other) -> None:
        held_by_a.append(outbox.hold_for_sending(other, clock, leased.id, "a", LEASE))

    assert second_change(session, renew, ()) is None
    held_by_b = [delivery.id for delivery in taken] == [leased.id] and \
        outbox.hold_for_sending(session, clock, leased.id, "b", LEASE)
    session.commit()
    assert [held_by_a[0], held_by_b].count(True) == 1, (held_by_a, held_by_b)
    owner = session.scalar(select(Delivery.lease_owner).where(Delivery.id == leased.id))
    assert owner == ("a" if held_by_a[0] else "b")
