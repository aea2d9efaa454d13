"""A revised upload becomes version 2; running instances finish on version 1."""

from sqlalchemy import func, select

from engine.models import HumanTask, ProcessDefinition
from engine.process.deploy import active_definition, deploy
from engine.process.instances import start_instance
from engine.process.tasks import complete_task
from tests.conftest import mini_bpmn

REVISED = {'name="Memeriksa konsep"': 'name="Memeriksa dan memaraf konsep"'}


def _open_task(session, instance):
    return session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                   HumanTask.state == "open")).one()


def test_revised_upload_is_version_2_and_old_instance_completes_on_version_1(
        session, clock, users):
    v1, _ = deploy(session, clock, mini_bpmn())
    old = start_instance(session, clock, process_key="sop_uji", title="Lama",
                         user=users["Prakom"])
    session.commit()
    v2, created = deploy(session, clock, mini_bpmn(REVISED))
    session.commit()
    assert (created, v1.version, v2.version) == (True, 1, 2)
    assert active_definition(session, "sop_uji") == v2

    new = start_instance(session, clock, process_key="sop_uji", title="Baru",
                         user=users["Prakom"])
    for instance in (old, new):
        complete_task(session, clock, _open_task(session, instance).id, users["Prakom"], {})
    session.commit()
    assert _open_task(session, old).name == "Memeriksa konsep"
    assert _open_task(session, new).name == "Memeriksa dan memaraf konsep"
    complete_task(session, clock, _open_task(session, old).id, users["Kasubbag"],
                  {"keputusan_kasubbag": "setuju"})
    session.commit()
    assert (old.status, old.definition.version) == ("completed", 1)


def test_same_file_again_adds_no_version(session, clock):
    deploy(session, clock, mini_bpmn())
    definition, created = deploy(session, clock, mini_bpmn())
    assert (created, definition.version) == (False, 1)
    assert session.scalar(select(func.count()).select_from(ProcessDefinition)) == 1
