"""engine.process.lists.started_data: a case's data as it started, read from its
``instance.started`` record, even when nothing was typed at the start."""

from engine.process.instances import start_instance
from engine.process.lists import started_data


def test_an_empty_start_stays_empty_whatever_later_steps_wrote(session, clock, users, deployed):
    instance = start_instance(session, clock, process_key="penanganan_gangguan_server",
                              title="Server mati", user=users["Prakom"], data={})
    instance.data = {**(instance.data or {}), "prioritas": "kritis"}  # a later step's field
    session.flush()
    assert started_data(session, [instance])[instance.id] == {}
