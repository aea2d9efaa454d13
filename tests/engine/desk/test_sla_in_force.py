"""A ticket keeps the minor SLA it was reported under: changing ``sla_minor`` later moves
neither its "Target selesai" (``deadline``) nor, through it, a past period's "% dalam SLA";
tickets reported after the change count with the new one."""

from datetime import datetime, timedelta

from engine import settings
from engine.desk import sla
from engine.models import User
from engine.process.instances import start_instance
from tests.conftest import WIB

SERVER = "penanganan_gangguan_server"


def _report(session, clock, user):
    return start_instance(session, clock, process_key=SERVER, title="SIPP lambat", user=user,
                          data={"sistem": "SIPP", "gejala": "lambat", "prioritas": "minor"})


def test_a_ticket_keeps_the_minor_sla_it_was_reported_under(session, clock, users, deployed):
    user = User(username="pegawai", full_name="Pegawai", password_hash="-",
                created_at=clock.now(), roles=[])
    session.add(user)
    clock.set(datetime(2026, 11, 26, 9, 0, tzinfo=WIB))  # Thursday: before any change
    first = _report(session, clock, user)
    clock.set(datetime(2026, 11, 27, 8, 0, tzinfo=WIB))
    settings.save(session, clock, users["admin"], {"sla_minor": "PT1H"})
    clock.set(datetime(2026, 11, 27, 14, 0, tzinfo=WIB))  # Friday 14.00
    second = _report(session, clock, user)
    clock.set(datetime(2026, 11, 27, 15, 30, tzinfo=WIB))
    settings.save(session, clock, users["admin"], {"sla_minor": "PT2H"})
    third = _report(session, clock, user)
    session.commit()
    clock.advance(timedelta(days=7))
    now = clock.now()
    assert sla.deadline(session, first, now) == datetime(2026, 11, 27, 9, 0, tzinfo=WIB), \
        "the default P1D it was reported under: one working day"
    assert sla.deadline(session, second, now) == datetime(2026, 11, 27, 15, 0, tzinfo=WIB)
    assert sla.deadline(session, third, now) == datetime(2026, 11, 30, 8, 30, tzinfo=WIB), \
        "2 office hours from Friday 15.30: one until 16.30, one from Monday 07.30"
    assert sla.rule(session, "minor") == ("PT2H", False), "the setting as it stands now"
