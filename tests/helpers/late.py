"""A late step of the small test SOP (tests/data/mini.bpmn), reminded as late."""

from datetime import timedelta

from engine.escalation.timers import fire_instance_timers
from engine.models import ProcessInstance
from engine.process.deploy import deploy
from engine.process.instances import start_instance
from tests.conftest import mini_bpmn


def reminded_late(session, clock, users) -> ProcessInstance:
    """Deploy the test SOP, start "Terlambat" as the Prakom at the clock's time, and fire
    Kegiatan_1's timer (30 menit) 45 minutes later: level 1 raised, level 2 scheduled.
    Committed; the clock is left at the firing."""
    deploy(session, clock, mini_bpmn())
    instance = start_instance(session, clock, process_key="sop_uji", title="Terlambat",
                              user=users["Prakom"])
    session.commit()
    clock.advance(timedelta(minutes=45))
    assert fire_instance_timers(session, clock, instance.id) == 1
    session.commit()
    return instance
