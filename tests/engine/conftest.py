"""Fixtures shared by the engine's tests."""

import pytest
from sqlalchemy import select

from engine.models import HumanTask
from engine.process.deploy import deploy
from engine.process.instances import start_instance
from engine.process.tasks import complete_task
from tests.conftest import mini_bpmn


@pytest.fixture
def review(session, clock, users):
    """The test SOP's instance waiting at the Kasubbag's review (Kegiatan_2), open and
    free, with its decision."""
    deploy(session, clock, mini_bpmn())
    start_instance(session, clock, process_key="sop_uji", title="Konsep", user=users["Prakom"])
    first = session.scalars(select(HumanTask)).one()
    complete_task(session, clock, first.id, users["Prakom"], {"catatan": "konsep siap"})
    session.commit()
    return session.scalars(select(HumanTask).where(HumanTask.state == "open")).one()
