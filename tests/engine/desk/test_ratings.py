"""A completed ticket not rated within 5 working days closes unrated (counted in the
response rate, never rateable afterwards)."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from engine.desk import ratings
from engine.errors import Conflict
from engine.models import AuditRecord, Rating, User
from engine.process.instances import start_instance
from tests.conftest import START_DATA, WIB

LTI = "penanganan_permintaan_layanan_ti"


def test_unrated_after_five_working_days_closes_and_refuses_a_late_rating(
        session, clock, users, deployed):
    user = User(username="pegawai", full_name="Pegawai", password_hash="-",
                created_at=clock.now(), roles=[])
    session.add(user)
    session.flush()
    instance = start_instance(session, clock, process_key=LTI, title="Printer", user=user,
                              data=START_DATA[LTI])
    instance.status = "completed"
    instance.completed_at = datetime(2026, 11, 23, 10, 0, tzinfo=WIB)  # Monday
    clock.set(datetime(2026, 11, 30, 9, 59, tzinfo=WIB))  # 5 working days minus 1 minute
    assert ratings.close_unrated(session, clock) == 0
    clock.advance(timedelta(minutes=1))
    assert ratings.close_unrated(session, clock) == 1
    assert ratings.close_unrated(session, clock) == 0
    [closed] = session.scalars(select(Rating)).all()
    assert (closed.score, closed.user_id) == (None, None)
    assert session.scalar(select(AuditRecord.action).where(
        AuditRecord.action == "ticket.closed_unrated")) == "ticket.closed_unrated"
    with pytest.raises(Conflict):
        ratings.rate(session, clock, instance, user, 5)
